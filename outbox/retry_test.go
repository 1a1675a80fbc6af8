package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"smspark/outbox"
	"smspark/sessions"
)

// TestRetriedUntilValidityEnds: a reply that meets only temporary errors
// is retried until its validity ends, then recorded failed with the
// reason, logged once with its id under message_id, and counted per
// operator and reason.
func TestRetriedUntilValidityEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Created = time.Now()
		commit(t, db, m)
		var attempts atomic.Int32
		sub := &fakeSubmitter{submit: func(context.Context, outbox.MT) (string, []string, error) {
			attempts.Add(1)
			return "", nil, errTemporary
		}}
		var logs bytes.Buffer
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg,
			Logger: zerolog.New(&syncWriter{w: &logs}), Validity: 10 * time.Minute,
			RetryMin: time.Second, RetryMax: time.Minute, Operators: []string{"proximus"}})
		r := start(t, s)
		time.Sleep(9 * time.Minute)
		synctest.Wait()
		if got := message(t, db, m.ID); got.Status != sessions.StatusQueued {
			t.Fatalf("within its validity the message is %s, want still queued (retried)", got.Status)
		}
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		r.stop(t)

		got := message(t, db, m.ID)
		if got.Status != sessions.StatusFailed || !strings.Contains(got.Error, "validity") ||
			!strings.Contains(got.Error, "throttled") {
			t.Errorf("stored %+v, want failed for its validity, with the last error", got)
		}
		if n := attempts.Load(); n < 9 || n > 20 {
			t.Errorf("%d attempts in 10 min with backoffs of 1 s to 1 min", n)
		}
		if v := metrics(t, reg, "smspark_mt_failed_total")["operator=proximus,reason=validity_expired"]; v != 1 {
			t.Errorf("smspark_mt_failed_total{validity_expired} = %v, want 1", v)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		found := 0
		for _, l := range lines {
			if strings.Count(l, `"message":`) > 1 {
				t.Errorf("a log line carries two message keys: %s", l)
			}
			var fields map[string]any
			if err := json.Unmarshal([]byte(l), &fields); err != nil {
				t.Fatalf("log line %q: %v", l, err)
			}
			if fields["reason"] == "validity_expired" {
				found++
				if fields["message_id"] != float64(m.ID) || fields["level"] != "error" || fields["to"] == m.To {
					t.Errorf("failure logged as %v, want message_id %d at error, the number masked", fields, m.ID)
				}
			}
		}
		if found != 1 {
			t.Errorf("the failure was logged %d times, want once:\n%s", found, logs.String())
		}
	})
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestThrottledRetriedWithoutGrowingBackoff: a throttle (the SMSC, or the
// bind too busy to send) retries after RetryMin every time: the bind
// paces the submits, and the reply goes as soon as the SMSC takes it.
func TestThrottledRetriedWithoutGrowingBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Created = time.Now()
		commit(t, db, m)
		log := &submits{}
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if log.count(mt.To) <= 10 {
				return "", nil, errTemporary
			}
			return smscA, smscIDs(mt.To), nil
		}}
		throttle := func(error) outbox.Class {
			return outbox.Class{Temporary: true, Throttle: true, Reason: "ESME_RTHROTTLED"}
		}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Classify: throttle,
			RetryMin: time.Second, RetryMax: time.Minute})
		r := start(t, s)
		time.Sleep(11 * time.Second)
		synctest.Wait()
		r.stop(t)
		if got := message(t, db, m.ID); got.Status != sessions.StatusSent {
			t.Fatalf("after 10 throttles, 11 s later: %s, want sent (retries 1 s apart)", got.Status)
		}
	})
}

// TestWakeSendsRetriesAtOnce: when the operator's bind is up again (Wake),
// or another reply to it was just accepted, the replies waiting out a long
// backoff there go at once.
func TestWakeSendsRetriesAtOnce(t *testing.T) {
	for _, how := range []string{"bind up", "a submit accepted"} {
		t.Run(how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, _ := openStore(t)
				a, b := queued(t, 1, "+32470000001"), queued(t, 2, "+32470000002")
				a.Created, b.Created = time.Now(), time.Now()
				commit(t, db, a)
				var healthy atomic.Bool
				sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
					if !healthy.Load() {
						return "", nil, errTemporary
					}
					return smscA, smscIDs(mt.To), nil
				}}
				s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub,
					RetryMin: time.Second, RetryMax: time.Hour})
				r := start(t, s)
				time.Sleep(5 * time.Minute) // a's backoff is now over 2 min
				synctest.Wait()
				healthy.Store(true)
				if how == "bind up" {
					s.Wake("proximus")
				} else {
					commit(t, db, b)
					s.Queued([]sessions.Message{b})
				}
				time.Sleep(time.Second)
				synctest.Wait()
				if got := message(t, db, a.ID); got.Status != sessions.StatusSent {
					t.Errorf("a second after %s: %s, want sent", how, got.Status)
				}
				r.stop(t)
			})
		})
	}
}

// TestDepthAndOldestCountInFlight: depth counts every reply not sent yet,
// in flight included, and the oldest one's age is a gauge.
func TestDepthAndOldestCountInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		now := time.Now()
		var msgs []sessions.Message
		for i := range 3 {
			m := queued(t, uint64(i+1), "+3247000000"+string(rune('1'+i)))
			m.Created = now.Add(-time.Duration(3-i) * time.Minute)
			msgs = append(msgs, m)
		}
		commit(t, db, msgs...)
		release := make(chan struct{})
		sub := &fakeSubmitter{submit: func(context.Context, outbox.MT) (string, []string, error) {
			<-release
			return smscA, []string{"x"}, nil
		}}
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg})
		r := start(t, s)
		synctest.Wait() // all three in flight
		if d := s.Depth(); d != 3 {
			t.Errorf("Depth() = %d with three submits in flight, want 3", d)
		}
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 3})
		expectMetrics(t, reg, "smspark_outbox_oldest_seconds", map[string]float64{"": 180})
		close(release)
		synctest.Wait()
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 0})
		expectMetrics(t, reg, "smspark_outbox_oldest_seconds", map[string]float64{"": 0})
		r.stop(t)
	})
}

// TestMetricsStartAtZero: the series whose labels the options name exist
// before any event.
func TestMetricsStartAtZero(t *testing.T) {
	db, _ := openStore(t)
	reg := prometheus.NewRegistry()
	newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(&submits{}), Registerer: reg,
		Operators: []string{"base", "proximus"}, Sources: []string{"4400", "4411"}, Reasons: []string{"ESME_RINVDSTADR"}})
	for name, want := range map[string]string{
		"smspark_mt_total":                "result=retry,source=4400",
		"smspark_mt_failed_total":         "operator=base,reason=ESME_RINVDSTADR",
		"smspark_delivery_receipts_total": "operator=proximus,state=UNDELIV",
		"smspark_mo_to_mt_seconds":        "operator=base",
	} {
		got := metrics(t, reg, name)
		if v, ok := got[want]; !ok || v != 0 {
			t.Errorf("%s{%s} = %v, %v; want 0 from the first scrape (have %v)", name, want, v, ok, got)
		}
	}
	for _, reason := range []string{"validity_expired", "credentials_lost", "receipt_undeliv"} {
		if _, ok := metrics(t, reg, "smspark_mt_failed_total")["operator=proximus,reason="+reason]; !ok {
			t.Errorf("smspark_mt_failed_total{reason=%s} missing from the first scrape", reason)
		}
	}
}

func TestTemporaryErrorsAreRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const failures = 5
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		commit(t, db, m)

		log := &submits{}
		var mu sync.Mutex
		successes := 0
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if log.count(mt.To) <= failures {
				return "", nil, errTemporary
			}
			mu.Lock()
			successes++
			mu.Unlock()
			return smscA, smscIDs(mt.To), nil
		}}
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg,
			RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond})
		r := start(t, s)
		eventually(t, "the message to be sent", func() bool {
			return message(t, db, m.ID).Status == sessions.StatusSent
		})
		r.stop(t)

		got := message(t, db, m.ID)
		if got.Attempts != failures+1 || got.Error != "" || got.SMSC != smscA || got.Sent.IsZero() {
			t.Errorf("stored %+v, want sent after %d attempts with no error left", got, failures+1)
		}
		if n := log.count(m.To); n != failures+1 {
			t.Errorf("submitted %d times, want %d", n, failures+1)
		}
		if successes != 1 {
			t.Errorf("submitted successfully %d times, want once", successes)
		}
		at := log.times()
		for i := 1; i < len(at); i++ {
			gap := at[i].Sub(at[i-1])
			if gap < time.Millisecond || gap > 5*time.Millisecond {
				t.Errorf("attempt %d came %v after the previous one, want a backoff within [1ms, 5ms]", i+1, gap)
			}
			if i > 1 && gap < at[i-1].Sub(at[i-2]) {
				t.Errorf("attempt %d came %v after the previous one, sooner than the backoff before it", i+1, gap)
			}
		}
		if last := at[len(at)-1].Sub(at[len(at)-2]); last != 5*time.Millisecond {
			t.Errorf("last backoff %v, want it capped at RetryMax 5ms", last)
		}
		expectMetrics(t, reg, "smspark_mt_total", map[string]float64{
			"result=retry,source=4411": failures,
			"result=sent,source=4411":  1,
		})
	})
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		classify outbox.Classify
	}{
		{"Classify says permanent", errPermanent, classify},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, _ := openStore(t)
				m := queued(t, 1, "+32470000001")
				commit(t, db, m)
				log := &submits{}
				sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
					log.add(mt)
					return "", nil, tc.err
				}}
				s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Classify: tc.classify})
				r := start(t, s)
				synctest.Wait()
				time.Sleep(time.Hour) // fake time: long past any backoff
				synctest.Wait()
				r.stop(t)

				got := message(t, db, m.ID)
				if got.Status != sessions.StatusFailed || got.Error != tc.err.Error() || got.Attempts != 1 {
					t.Errorf("stored %+v, want failed after 1 attempt with error %q", got, tc.err.Error())
				}
				if n := log.count(m.To); n != 1 {
					t.Errorf("submitted %d times, want once", n)
				}
			})
		})
	}
}
