package outbox_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"smspark/outbox"
	"smspark/sessions"
)

func TestMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		sentAt := created(t).Add(2 * time.Second)
		started := queued(t, 1, "+32470000001")
		rejected := queued(t, 2, "+32470000011")
		rejected.Source, rejected.Outcome = sessions.SourceError, sessions.UnknownZone
		reminder := queued(t, 3, "+32470000021") // not a reply to an MO
		reminder.Outcome, reminder.Created = sessions.SessionEnding, created(t).Add(-30*time.Minute)
		commit(t, db, started, rejected, reminder)

		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			if mt.To == rejected.To {
				return "", nil, errPermanent
			}
			return smscA, smscIDs(mt.To), nil
		}}
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg,
			Clock: func() time.Time { return sentAt }})
		s.Queued([]sessions.Message{started, rejected, reminder})
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 3})

		r := start(t, s)
		synctest.Wait()
		if err := s.HandleReceipt(context.Background(), outbox.Receipt{
			SMSC: smscA, MessageID: smscIDs(started.To)[0], State: "DELIVRD", Delivered: true}); err != nil {
			t.Fatalf("HandleReceipt: %v", err)
		}
		synctest.Wait()
		r.stop(t)

		expectMetrics(t, reg, "smspark_mt_total", map[string]float64{
			"result=failed,source=4400": 1,
			"result=sent,source=4411":   2,
		})
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 0})
		expectMetrics(t, reg, "smspark_delivery_receipts_total", map[string]float64{"operator=proximus,state=DELIVRD": 1})
		// The reminder is no MO's reply: only the confirmation is timed.
		expectMetrics(t, reg, "smspark_mo_to_mt_seconds", map[string]float64{"operator=proximus": 1})
		if f := family(t, reg, "smspark_mo_to_mt_seconds"); f != nil {
			h := f.GetMetric()[0].GetHistogram()
			if h.GetSampleSum() != 2 {
				t.Errorf("smspark_mo_to_mt_seconds sum %v, want 2 (s from the MO to the submit)", h.GetSampleSum())
			}
			for _, b := range h.GetBucket() {
				want := uint64(0)
				if b.GetUpperBound() >= 2 {
					want = 1
				}
				if b.GetCumulativeCount() != want {
					t.Errorf("smspark_mo_to_mt_seconds bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
				}
			}
		}
	})
}

// metrics returns the series of the metric family name in reg, keyed by
// their labels ("k=v,k=v" in label name order): a counter's or a gauge's
// value, a histogram's sample count. A family with no series is absent.
func metrics(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, m := range family(t, reg, name).GetMetric() {
		out[labels(m)] = value(m)
	}
	return out
}

// family returns the metric family name gathered from reg, or nil.
func family(t *testing.T, reg *prometheus.Registry, name string) *dto.MetricFamily {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f
		}
	}
	return nil
}

func labels(m *dto.Metric) string {
	var pairs []string
	for _, l := range m.GetLabel() {
		pairs = append(pairs, l.GetName()+"="+l.GetValue())
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

// expectMetrics checks that the series of the family name in reg are
// exactly want.
func expectMetrics(t *testing.T, reg *prometheus.Registry, name string, want map[string]float64) {
	t.Helper()
	if got := metrics(t, reg, name); !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}
