package smpp

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLimiterPacesAndSlowsDown(t *testing.T) {
	t0 := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	l := newLimiter(10)
	expectTake := func(at time.Time, wait time.Duration, ok bool) {
		t.Helper()
		if d, got := l.take(at); d != wait || got != ok {
			t.Fatalf("take at %v = %v, %v; want %v, %v", at.Sub(t0), d, got, wait, ok)
		}
	}
	expectTake(t0, 0, true)
	expectTake(t0, 100*ms, false)
	expectTake(t0, 100*ms, false) // asking again books nothing
	expectTake(t0.Add(100*ms), 0, true)
	// Idle for a while: no burst is saved up beyond one.
	t1 := t0.Add(time.Minute)
	expectTake(t1, 0, true)
	l.throttled(t1, time.Second)
	if got := l.perSecond(t1); got != 5 {
		t.Fatalf("rate %v after throttling, want 5", got)
	}
	expectTake(t1, time.Second, false) // the pause
	expectTake(t1.Add(time.Second), 0, true)
	expectTake(t1.Add(time.Second), 200*ms, false) // then 5/s
	l.throttled(t1, time.Second)
	l.throttled(t1, time.Second)
	l.throttled(t1, time.Second)
	if got := l.perSecond(t1); got != minRate {
		t.Fatalf("rate %v after many throttles, want the floor %v", got, minRate)
	}
	t2 := t1.Add(throttleSlowFor)
	if got := l.perSecond(t2); got != 10 {
		t.Fatalf("rate %v once the slow-down is over", got)
	}

	unlimited := newLimiter(0)
	for range 2 {
		if d, ok := unlimited.take(t0); !ok {
			t.Fatalf("no limit waits %v", d)
		}
	}
	unlimited.throttled(t0, time.Second)
	if d, ok := unlimited.take(t0); ok || d != time.Second {
		t.Fatalf("no limit, throttled: waits %v, want the pause", d)
	}
	if got := unlimited.perSecond(t0); got != 0 {
		t.Fatalf("no limit, throttled: rate %v", got)
	}
}

// TestBackoffIsBoundedByReconnectMax: go-smpp's backoff grows to 120 s
// whatever the settings. Here waits double from ReconnectMin, with equal
// jitter, never beyond ReconnectMax, and start again after a bind.
func TestBackoffIsBoundedByReconnectMax(t *testing.T) {
	for _, name := range []string{"lowest jitter", "highest jitter"} {
		t.Run(name, func(t *testing.T) {
			b := newBackoff(250*time.Millisecond, 4*time.Second)
			b.rand = func(n int64) int64 {
				if name == "lowest jitter" {
					return 0
				}
				return n - 1
			}
			var got []time.Duration
			for range 8 {
				got = append(got, b.next())
			}
			want := []time.Duration{250, 250, 500, 1000, 2000, 2000, 2000, 2000}
			if name == "highest jitter" {
				want = []time.Duration{250, 500, 1000, 2000, 4000, 4000, 4000, 4000}
			}
			for i := range want {
				if got[i] != want[i]*time.Millisecond {
					t.Fatalf("waits %v, want %v ms", got, want)
				}
			}
			b.reset()
			if w := b.next(); w != 250*time.Millisecond {
				t.Fatalf("after reset: %v", w)
			}
		})
	}
}

func TestSequenceCounterWraps(t *testing.T) {
	c, err := NewClient(ClientOptions{SMSCs: []SMSC{testSMSC("x:1")}, Handler: newFakeHandler(), seqStart: maxSeq - 2})
	if err != nil {
		t.Fatal(err)
	}
	b := c.links.binds()[0]
	for _, want := range []uint32{maxSeq - 1, maxSeq, 1, 2} {
		if got := b.nextSeq(); got != want {
			t.Fatalf("next %#x, want %#x", got, want)
		}
	}
}

func TestMaskNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+32470123456", "*********456"},
		{"4411", "*411"},
		{"12", "**"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskNumber(tt.in); got != tt.want {
			t.Errorf("maskNumber(%q) = %q", tt.in, got)
		}
	}
	if got := safeErr(errStr("MO of +32470123456 on 2024-01-15 not stored, code 123456")); got != "MO of +********456 on 2024-01-15 not stored, code ***456" {
		t.Errorf("safeErr: %q", got)
	}
}

type errStr string

func (e errStr) Error() string { return string(e) }

// TestLimiterSurvivesClockStepBack: a wall clock stepped back by an hour
// does not hold submits back by an hour.
func TestLimiterSurvivesClockStepBack(t *testing.T) {
	for _, rate := range []int{0, 10} {
		l := newLimiter(rate)
		t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		l.take(t0)
		if d, _ := l.take(t0.Add(-time.Hour)); d > time.Second+defaultThrottlePause {
			t.Fatalf("rate %d: after a step back of an hour, the next submit waits %s", rate, d)
		}
	}
}

// TestLimiterPacesConcurrentSubmitsAfterThrottling: after a throttle, the
// submits waiting at once (a full window) each get their own slot at the
// slowed rate, none in a burst (which the SMSC throttles again); and
// submits that give up waiting book nothing, so the slots never run away
// from the clock while the outbox retries.
func TestLimiterPacesConcurrentSubmitsAfterThrottling(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	l := newLimiter(10)
	l.throttled(t0, time.Second)
	const waiting = 20
	var went []time.Duration
	// Every 10 ms of the clock, each submit still waiting asks for its
	// slot (asking books nothing: one that gave up costs no slot).
	pending := waiting
	for at := time.Duration(0); at <= 5*time.Second; at += 10 * time.Millisecond {
		for range pending {
			if _, ok := l.take(t0.Add(at)); ok {
				went = append(went, at)
				pending--
			}
		}
	}
	if len(went) == 0 || went[0] != time.Second {
		t.Fatalf("first submit after the throttle went at %v, want after the 1 s pause", went)
	}
	for i := 1; i < len(went); i++ {
		if gap := went[i] - went[i-1]; gap < 200*time.Millisecond {
			t.Fatalf("submits %d and %d went %v apart, want at least 200 ms (5/s)", i, i+1, gap)
		}
	}
	if len(went) < waiting {
		t.Fatalf("%d of %d submits went within 5 s, want every one (5/s after 1 s)", len(went), waiting)
	}
}

// TestLimiterWaitOnRealTime: wait takes a due slot at once on the real
// clock, and a submit that gives up waiting books no slot: the next one is
// no further away than one interval.
func TestLimiterWaitOnRealTime(t *testing.T) {
	l := newLimiter(1)
	if err := l.wait(t.Context()); err != nil {
		t.Fatalf("first submit: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for range 3 {
		if err := l.wait(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("a submit whose context ended: %v", err)
		}
	}
	if d, ok := l.take(time.Now()); ok || d > time.Second {
		t.Fatalf("after submits that gave up, the next waits %v (taken %v), want at most one interval", d, ok)
	}
}
