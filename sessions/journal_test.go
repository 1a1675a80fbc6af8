package sessions_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"smspark/sessions"
	"smspark/store"
)

func (h *harness) mo(mo sessions.MO, when string) sessions.Reply {
	h.tb.Helper()
	h.clock.Set(at(h.tb, when))
	r, err := h.eng.Handle(context.Background(), mo)
	if err != nil {
		h.tb.Fatal(err)
	}
	return r
}

func TestRedeliveredMOIsProcessedOnce(t *testing.T) {
	h := newHarness(t)
	mo := sessions.MO{From: alice, Operator: "proximus", Text: "1021 1ABC123", Key: "proximus-1|+32475000001|abc|7"}
	first := h.mo(mo, "2026-11-23 10:00")
	if first.Outcome != sessions.Started || first.Duplicate {
		t.Fatalf("first: %+v", first)
	}
	again := h.mo(mo, "2026-11-23 10:01")
	if !again.Duplicate || again.Outcome != sessions.Started || again.ID != 0 {
		t.Fatalf("redelivery: %+v", again)
	}
	// After a restart the key is still known within the window.
	h.restart()
	if r := h.mo(mo, "2026-11-23 10:05"); !r.Duplicate {
		t.Fatalf("redelivery after restart: %+v", r)
	}
	msgs, err := h.db.Messages(context.Background(), store.MessageFilter{To: alice})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox holds %d replies (%v), want 1", len(msgs), err)
	}
	// The same text later, with another key, is a new MO.
	mo.Key = "proximus-1|+32475000001|abc|9"
	if r := h.mo(mo, "2026-11-23 10:06"); r.Duplicate || r.Outcome != sessions.AlreadyStarted {
		t.Fatalf("a new MO with the same text: %+v", r)
	}
	// Past the window, the key is forgotten.
	mo.Key = "proximus-1|+32475000001|abc|7"
	if r := h.mo(mo, "2026-11-23 10:30"); r.Duplicate {
		t.Fatalf("redelivery window did not end: %+v", r)
	}
	journal, err := h.db.Journal(context.Background(), at(t, "2026-11-23 00:00"))
	if err != nil || len(journal) != 3 {
		t.Fatalf("journal has %d entries (%v), want 3", len(journal), err)
	}
}

// TestConcurrentRedelivery: an MO and its redelivery arriving together
// start one session; both are answered only once it is durable.
func TestConcurrentRedelivery(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(at(t, "2026-11-23 10:00"))
	mo := sessions.MO{From: alice, Operator: "proximus", Text: "1021 1ABC123", Key: "k|1"}
	var wg sync.WaitGroup
	replies := make([]sessions.Reply, 8)
	for i := range replies {
		wg.Go(func() {
			r, err := h.eng.Handle(context.Background(), mo)
			if err != nil {
				t.Error(err)
			}
			replies[i] = r
		})
	}
	wg.Wait()
	firsts := 0
	for _, r := range replies {
		if !r.Duplicate {
			firsts++
		}
	}
	all, _ := h.db.Sessions(context.Background(), store.SessionFilter{Plate: "1ABC123"})
	if firsts != 1 || len(all) != 1 {
		t.Fatalf("%d MOs processed, %d sessions; want 1 and 1", firsts, len(all))
	}
}

func TestStartAtTrustworthySMSCTime(t *testing.T) {
	tests := []struct {
		name      string
		smscTime  string // "" = none
		wantStart string
	}{
		{"held up 7 minutes", "2026-11-23 09:53", "2026-11-23 09:53"},
		{"no SMSC time", "", "2026-11-23 10:00"},
		{"SMSC clock ahead", "2026-11-23 10:03", "2026-11-23 10:00"},
		{"older than an hour: not trusted", "2026-11-23 08:30", "2026-11-23 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.spend(alice, "proximus")
			mo := sessions.MO{From: alice, Operator: "proximus", Text: "1021 1ABC123", Key: "k"}
			if tt.smscTime != "" {
				mo.SMSCTime = at(t, tt.smscTime)
			}
			r := h.mo(mo, "2026-11-23 10:00")
			if r.Outcome != sessions.Started || !r.Sessions[0].Start.Equal(at(t, tt.wantStart)) {
				t.Fatalf("start %s, want %s", r.Sessions[0].Start, tt.wantStart)
			}
			j, _ := h.db.Journal(context.Background(), at(t, "2026-11-23 00:00"))
			last := j[len(j)-1]
			if !last.Received.Equal(at(t, "2026-11-23 10:00")) || !last.At.Equal(at(t, tt.wantStart)) ||
				(tt.smscTime != "" && !last.SMSCTime.Equal(at(t, tt.smscTime))) {
				t.Fatalf("journal entry %+v", last)
			}
		})
	}
}

// sender records what the engine hands it.
type sender struct {
	mu   sync.Mutex
	msgs []sessions.Message
	got  chan struct{}
}

func (s *sender) Queued(m []sessions.Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, m...)
	s.mu.Unlock()
	select {
	case s.got <- struct{}{}:
	default:
	}
}

// TestRunEndsSessionsOnTime runs the maintenance loop in a synctest
// bubble: the session ends at its maximum with nobody texting, and the
// reminder and the expiry go to the Sender.
func TestRunEndsSessionsOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := &sender{got: make(chan struct{}, 1)}
		h.withSender(s)
		h.clock.real = true
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- h.eng.Run(ctx) }()
		r, err := h.eng.Handle(ctx, sessions.MO{From: alice, Operator: "proximus", Text: "1030 1ABC123"})
		if err != nil || r.Outcome != sessions.Started {
			t.Fatalf("%+v %v", r, err)
		}
		time.Sleep(2*time.Hour + time.Second) // fake time in the bubble
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var outcomes []sessions.Outcome
		for _, m := range s.msgs {
			outcomes = append(outcomes, m.Outcome)
		}
		if len(outcomes) != 3 || outcomes[0] != sessions.Started || outcomes[1] != sessions.SessionEnding || outcomes[2] != sessions.SessionExpired {
			t.Fatalf("sent %v", outcomes)
		}
		all, _ := h.db.Sessions(context.Background(), store.SessionFilter{Plate: "1ABC123"})
		if len(all) != 1 || all[0].EndReason != sessions.EndMaxDuration || all[0].End.Sub(all[0].Start) != 2*time.Hour {
			t.Fatalf("session %+v", all)
		}
	})
}
