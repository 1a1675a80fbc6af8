package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"smspark/config"
	"smspark/sessions"
	"smspark/smpp/smsc"
	"smspark/store"
)

// deliverAll sends one start from each of n phones at once, redelivering
// (as an SMSC does) any MO whose link broke or that was refused, and
// returns when every MO has been acknowledged.
func (e *e2e) deliverAll(n int) []string {
	e.t.Helper()
	phones := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		phones[i] = fmt.Sprintf("+32476%06d", i)
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			d, err := e.sim.DeliverMO(ctx, smsc.MO{From: phones[i], To: "4411", Text: fmt.Sprintf("1021 %dFLT%03d", i%10, i)})
			for err != nil || d.Status != smsc.StatusOK {
				if err != nil && !errors.Is(err, smsc.ErrConnClosed) && !errors.Is(err, smsc.ErrNoReceiver) {
					errs <- err
					return
				}
				if err := e.sim.WaitBound(ctx, 1); err != nil {
					errs <- err
					return
				}
				if len(d.Parts) == 0 {
					d, err = e.sim.DeliverMO(ctx, smsc.MO{From: phones[i], To: "4411", Text: fmt.Sprintf("1021 %dFLT%03d", i%10, i)})
				} else {
					d, err = e.sim.Redeliver(ctx, d)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Fatal(err)
	}
	return phones
}

// replies counts the MTs each phone gets until every phone has one.
func (e *e2e) replies(phones []string) map[string]int {
	e.t.Helper()
	got := map[string]int{}
	for _, p := range phones {
		e.reply(p)
		got[p]++
	}
	// Collect duplicates that are on their way.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	for _, p := range phones {
		if _, err := e.sim.WaitMT(ctx, p); err == nil {
			got[p]++
		}
	}
	return got
}

// TestE2EConnectionKilledMidWindow: the SMSC drops the TCP connection
// while MOs and MTs are in flight. Every MO is answered once it is
// redelivered, each is processed once, and no MT is sent twice beyond the
// window that was in flight.
func TestE2EConnectionKilledMidWindow(t *testing.T) {
	for _, mode := range bindModes {
		t.Run(mode, func(t *testing.T) {
			const window = 10
			e := startE2E(t, e2eOptions{mode: mode, realClock: true, window: window})
			binds := e.sim.Stats().Binds
			if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultDropConnection}); err != nil {
				t.Fatal(err)
			}
			phones := e.deliverAll(40)
			got := e.replies(phones)
			twice := 0
			for _, p := range phones {
				if got[p] == 0 {
					t.Errorf("%s got no reply", p)
				}
				twice += got[p] - 1
			}
			if twice > window {
				t.Errorf("%d MTs sent twice, more than the window of %d in flight", twice, window)
			}
			if s := e.sim.Stats(); s.Drops != 1 || s.Binds <= binds {
				t.Errorf("drops %d, binds %d -> %d: the link was not dropped and bound again", s.Drops, binds, s.Binds)
			}
			all, err := e.main.DB.Sessions(context.Background(), store.SessionFilter{Running: true})
			if err != nil || len(all) != len(phones) {
				t.Fatalf("%d running sessions (%v), want one per phone: an MO processed twice or lost", len(all), err)
			}
		})
	}
}

// TestE2EThrottlingObeyed: an SMSC that accepts 5 submits a second answers
// the rest ESME_RTHROTTLED; the engine backs off and retries, and every
// reply is delivered exactly once.
func TestE2EThrottlingObeyed(t *testing.T) { e2eThrottlingObeyed(t, "") }

// e2eThrottlingObeyed runs TestE2EThrottlingObeyed on a store.
func e2eThrottlingObeyed(t *testing.T, database string) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true, database: database})
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultThrottle, PerSecond: 5}); err != nil {
		t.Fatal(err)
	}
	phones := e.deliverAll(15)
	got := e.replies(phones)
	for _, p := range phones {
		if got[p] != 1 {
			t.Errorf("%s got %d replies, want 1", p, got[p])
		}
	}
	s := e.sim.Stats()
	if s.Throttled == 0 {
		t.Fatal("the SMSC never throttled: the test proves nothing")
	}
	if s.Throttled > 3*len(phones) {
		t.Errorf("%d submits throttled for %d MTs: the engine did not slow down", s.Throttled, len(phones))
	}
	var throttles int64
	for _, b := range e.main.Client.Status() {
		throttles += b.Throttles
	}
	if throttles == 0 {
		t.Error("the bind did not count the throttles")
	}
}

// queuedInStore counts the replies the store holds as not sent yet.
func (e *e2e) queuedInStore() int {
	e.t.Helper()
	q, err := e.main.DB.Messages(context.Background(), store.MessageFilter{Status: sessions.StatusQueued})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(q)
}

// TestE2EThrottleStormEveryReplyGoes: an SMSC that takes 5 submits a
// second throttles a storm of replies. The outbox depth counts every
// reply not sent yet, those in flight included (it showed 0 with replies
// queued); the bind slows down instead of bursting into the throttle
// again; once the SMSC is healthy every reply goes, exactly once, and
// nothing stays queued.
func TestE2EThrottleStormEveryReplyGoes(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true, maxPerSecond: 50})
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultThrottle, PerSecond: 5}); err != nil {
		t.Fatal(err)
	}
	phones := e.deliverAll(60)
	for deadline := time.Now().Add(20 * time.Second); e.sim.Stats().Throttled == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the SMSC never throttled: the test proves nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	consistent := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !consistent; {
		d1 := e.main.Sender.Depth()
		q := e.queuedInStore()
		d2 := e.main.Sender.Depth()
		consistent = q > 0 && d1 == q && d2 == q
		if !consistent {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !consistent {
		t.Error("outbox depth never matched the replies queued in the store during the storm")
	}
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultNone}); err != nil {
		t.Fatal(err)
	}
	got := e.replies(phones)
	for _, p := range phones {
		if got[p] != 1 {
			t.Errorf("%s got %d replies, want 1", p, got[p])
		}
	}
	if q := e.queuedInStore(); q != 0 || e.main.Sender.Depth() != 0 {
		t.Errorf("%d replies still queued in the store, depth %d, after every phone got its reply", q, e.main.Sender.Depth())
	}
	if s := e.sim.Stats(); s.Throttled == 0 || s.Throttled > 12 {
		t.Errorf("%d submits throttled for %d replies: want some, and the bind slowed down after a few", s.Throttled, len(phones))
	}
}

// TestE2EGenericNackThenHealthy: an SMSC that answers every submit_sm
// with generic_nack ESME_RSYSERR (its own trouble) fails no reply: they
// are retried, and once a healthy SMSC answers every reply is sent.
func TestE2EGenericNackThenHealthy(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true})
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultGenericNack}); err != nil {
		t.Fatal(err)
	}
	phones := e.deliverAll(20)
	for deadline := time.Now().Add(20 * time.Second); e.sim.Stats().GenericNacksSent < len(phones); {
		if time.Now().After(deadline) {
			t.Fatalf("%d generic_nacks sent, want one per reply at least", e.sim.Stats().GenericNacksSent)
		}
		time.Sleep(20 * time.Millisecond)
	}
	msgs, err := e.main.DB.Messages(context.Background(), store.MessageFilter{Status: sessions.StatusFailed})
	if err != nil || len(msgs) != 0 {
		t.Fatalf("%d replies failed for good after generic_nack ESME_RSYSERR (%v), want none", len(msgs), err)
	}
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultNone}); err != nil {
		t.Fatal(err)
	}
	got := e.replies(phones)
	for _, p := range phones {
		if got[p] != 1 {
			t.Errorf("%s got %d replies, want 1", p, got[p])
		}
	}
	errs := gatherCounter(t, e.main.Registry, "smspark_smpp_submit_errors_total",
		map[string]string{"smsc": "proximus-1", "status": "ESME_RSYSERR", "class": "temporary"})
	if errs < float64(len(phones)) {
		t.Errorf("smspark_smpp_submit_errors_total{ESME_RSYSERR,temporary} = %v, want at least %d", errs, len(phones))
	}
}
