package smpp

import (
	"testing"
	"time"
)

func TestLimiterPacesAndSlowsDown(t *testing.T) {
	t0 := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	l := newLimiter(10)
	for i, want := range []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond} {
		if got := l.reserve(t0); got != want {
			t.Fatalf("reservation %d waits %v, want %v", i, got, want)
		}
	}
	// Idle for a while: no burst is saved up beyond one.
	t1 := t0.Add(time.Minute)
	if got := l.reserve(t1); got != 0 {
		t.Fatalf("after idling: %v", got)
	}
	l.throttled(t1, time.Second)
	if got := l.perSecond(t1); got != 5 {
		t.Fatalf("rate %v after throttling, want 5", got)
	}
	if got := l.reserve(t1); got != time.Second {
		t.Fatalf("first submit after throttling waits %v, want the 1 s pause", got)
	}
	if got := l.reserve(t1); got != time.Second+200*time.Millisecond {
		t.Fatalf("then %v, want 1.2 s at 5/s", got)
	}
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
	if got := unlimited.reserve(t0) + unlimited.reserve(t0); got != 0 {
		t.Fatalf("no limit waits %v", got)
	}
	unlimited.throttled(t0, time.Second)
	if got := unlimited.reserve(t0); got != time.Second {
		t.Fatalf("no limit, throttled: waits %v, want the pause", got)
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
		l.reserve(t0)
		if d := l.reserve(t0.Add(-time.Hour)); d > time.Second+defaultThrottlePause {
			t.Fatalf("rate %d: after a step back of an hour, the next submit waits %s", rate, d)
		}
	}
}
