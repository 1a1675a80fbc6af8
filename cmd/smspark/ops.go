package main

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smspark/config"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
)

// commitMetrics measures the store's group commits: each transaction
// writes the engine's commands, the outbox's status changes and the SMPP
// ack confirmations that arrived while the one before it was written.
type commitMetrics struct {
	latency prometheus.Histogram
	calls   prometheus.Counter
}

func newCommitMetrics(reg prometheus.Registerer) commitMetrics {
	m := commitMetrics{
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "smspark_store_commit_seconds",
			Help: "Duration of the store's commits: one transaction and fsync for a group of engine commands, " +
				"reply status changes and ack confirmations.",
			Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
		}),
		calls: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "smspark_store_commit_calls_total",
			Help: "Writes (engine command groups, reply status batches, ack confirmations) the store's commits grouped.",
		}),
	}
	reg.MustRegister(m.latency, m.calls)
	return m
}

func (m commitMetrics) observe(s store.CommitStats) {
	m.latency.Observe(s.Duration.Seconds())
	m.calls.Add(float64(s.Calls))
}

// runningCollector exports the running sessions per city at each scrape,
// 0 for a configured city where nothing runs.
type runningCollector struct {
	engine *sessions.Engine
	cities func() []tariffs.City
	desc   *prometheus.Desc
}

func newRunningCollector(e *sessions.Engine, cities func() []tariffs.City) *runningCollector {
	return &runningCollector{engine: e, cities: cities, desc: prometheus.NewDesc("smspark_sessions_running",
		"Parking sessions running now, by city.", []string{"city"}, nil)}
}

func (c *runningCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *runningCollector) Collect(ch chan<- prometheus.Metric) {
	counts := c.engine.RunningByCity()
	for _, city := range c.cities() {
		if _, ok := counts[city.Name]; !ok {
			counts[city.Name] = 0
		}
	}
	for city, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), city)
	}
}

// config returns the configuration in force (it changes on reload).
func (m *Main) config() *config.Config { return m.cfg.Load() }

// zone looks a zone up in the configuration in force.
func (m *Main) zone(code string) (tariffs.Zone, bool) { return m.config().Zone(code) }

// retain removes, once a day, ended sessions, MO journal entries and sent
// messages older than RetentionMonths (their statements long closed), and
// idempotency records, payment nonces and the index of sessions ended
// over a day ago.
func (m *Main) retain(ctx context.Context) error {
	for {
		// Idempotent responses and payment nonces are kept a day.
		if n, err := m.DB.PruneRequests(ctx, m.Clock.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			m.Logger.Error().Err(err).Msg("pruning idempotency records failed; trying again tomorrow")
		} else if n > 0 {
			m.Logger.Info().Int("records", n).Msg("retention: idempotency records and payment nonces older than a day removed")
		}
		if n, err := m.DB.PruneEndedIndex(ctx, m.Clock.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			m.Logger.Error().Err(err).Msg("pruning the index of ended sessions failed; trying again tomorrow")
		} else if n > 0 {
			m.Logger.Info().Int("entries", n).Msg("retention: index entries of sessions ended over a day ago removed")
		}
		if m.RetentionMonths > 0 {
			cutoff := m.Clock.Now().AddDate(0, -m.RetentionMonths, 0)
			p, err := m.DB.DeleteBefore(ctx, cutoff)
			if err != nil && ctx.Err() == nil {
				m.Logger.Error().Err(err).Msg("retention failed; trying again tomorrow")
			} else if p.Sessions+p.Journal+p.Messages > 0 {
				m.Logger.Info().Int("sessions", p.Sessions).Int("journal", p.Journal).Int("messages", p.Messages).
					Time("before", cutoff).Msg("retention: old records removed")
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(24 * time.Hour):
		}
	}
}

// operatorNames returns the configured operators' names, sorted.
func operatorNames(cfg *config.Config) []string {
	names := make([]string, 0, len(cfg.Operators))
	for name := range cfg.Operators {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// newStoreSizeGauge exports the size of the store's file at each scrape
// (0 when it cannot be read): bbolt files only grow until compacted.
func newStoreSizeGauge(path string) prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "smspark_store_size_bytes",
		Help: "Size of the store's file (smspark.db) in bytes.",
	}, func() float64 {
		fi, err := os.Stat(path)
		if err != nil {
			return 0
		}
		return float64(fi.Size())
	})
}
