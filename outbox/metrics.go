package outbox

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the sender's Prometheus metrics.
type metrics struct {
	mts      *prometheus.CounterVec
	failed   *prometheus.CounterVec
	receipts *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// newMetrics registers the sender's metrics with reg (a registry of its
// own when nil) and creates at 0 every series whose labels the options
// name, so that the first scrape shows them.
func newMetrics(reg prometheus.Registerer, s *Sender) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	f := promauto.With(reg)
	m := &metrics{
		mts: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_mt_total",
			Help: "MT submit results by source short code and result (sent, retry, failed).",
		}, []string{"source", "result"}),
		failed: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_mt_failed_total",
			Help: "Replies that ended failed, never to be sent or not delivered, by operator and reason (a permanent command_status such as ESME_RINVDSTADR, validity_expired, credentials_lost, receipt_<state>, ...).",
		}, []string{"operator", "reason"}),
		receipts: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_delivery_receipts_total",
			Help: "Delivery receipts by operator and state (DELIVRD, UNDELIV, ...).",
		}, []string{"operator", "state"}),
		latency: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "smspark_mo_to_mt_seconds",
			Help:    "From an MO's arrival to its reply's submit_sm_resp, by operator. 4411 promises a confirmation within 15 s (docs/smpp.md).",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 300},
		}, []string{"operator"}),
	}
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "smspark_outbox_depth",
		Help: "Replies not sent yet: waiting to be submitted, waiting for a retry, or being submitted.",
	}, func() float64 { return float64(s.Depth()) })
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "smspark_outbox_oldest_seconds",
		Help: "Age of the oldest reply not sent yet (0 when none waits).",
	}, func() float64 {
		oldest, ok := s.Oldest()
		if !ok {
			return 0
		}
		return max(0, s.opts.Clock().Sub(oldest).Seconds())
	})
	m.init(s.opts)
	return m
}

// init creates the series the options name, at 0.
func (m *metrics) init(o Options) {
	for _, src := range o.Sources {
		for _, result := range []string{"sent", "retry", "failed"} {
			m.mts.WithLabelValues(src, result)
		}
	}
	reasons := append([]string{ReasonExpired, ReasonCredentialsLost}, o.Reasons...)
	for _, st := range failedReceiptStates {
		reasons = append(reasons, ReasonReceipt+strings.ToLower(st))
	}
	for _, op := range o.Operators {
		m.latency.WithLabelValues(op)
		for _, st := range receiptStates {
			m.receipts.WithLabelValues(op, st)
		}
		for _, r := range reasons {
			m.failed.WithLabelValues(op, r)
		}
	}
}
