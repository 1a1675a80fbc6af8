package smpp

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Throttling reaction: after ESME_RTHROTTLED or ESME_RMSGQFUL the SMSC's
// rate is halved for throttleSlowFor and its next submit waits
// throttlePause.
const (
	defaultThrottlePause = time.Second
	throttleSlowFor      = time.Minute
	minRate              = 1.0 // submits per second a throttled rate does not go below
)

// limiter paces the submits of one SMSC: at most rate per second, evenly
// spaced (a token bucket of depth one), on the injected clock. A rate of 0
// is no limit. A submit takes its slot only when the slot is due: one
// that gives up waiting (its context ended) books nothing, so waiting
// submits never push the next slot away, and submits waiting at once go
// one slot each, never in a burst. It is safe for concurrent use.
type limiter struct {
	mu        sync.Mutex
	rate      float64   // configured, per second; 0: none
	cur       float64   // in force: rate, or less while slowed down
	slowUntil time.Time // cur returns to rate after this
	next      time.Time // the earliest the next submit may go
}

func newLimiter(perSecond int) *limiter {
	return &limiter{rate: float64(perSecond), cur: float64(perSecond)}
}

// take takes the submit slot at now when it is due (0, true); otherwise
// it returns how long until the slot is due, and takes nothing.
func (l *limiter) take(now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.slowUntil.IsZero() && !now.Before(l.slowUntil) {
		l.cur, l.slowUntil = l.rate, time.Time{}
	}
	var interval time.Duration
	if l.cur > 0 {
		interval = time.Duration(float64(time.Second) / l.cur)
	}
	if l.next.After(now) {
		// A clock that stepped back (NTP, a test) must not stall
		// submits: no slot is further away than one interval plus a
		// throttle pause.
		if limit := now.Add(interval + defaultThrottlePause); l.next.After(limit) {
			l.next = limit
		}
		return l.next.Sub(now), false
	}
	l.next = now.Add(interval)
	return 0, true
}

// throttled slows the limiter down at now: the rate is halved (not below
// minRate, and an unlimited rate stays unlimited) until throttleSlowFor
// from now, and the next submit waits pause.
func (l *limiter) throttled(now time.Time, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur > 0 {
		l.cur = max(l.cur/2, min(minRate, l.rate))
	}
	l.slowUntil = now.Add(throttleSlowFor)
	if p := now.Add(pause); p.After(l.next) {
		l.next = p
	}
}

// perSecond returns the rate in force at now, 0 for no limit.
func (l *limiter) perSecond(now time.Time) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.slowUntil.IsZero() && !now.Before(l.slowUntil) {
		return l.rate
	}
	return l.cur
}

// wait waits for a submit slot and takes it, or returns ctx's error.
func (l *limiter) wait(ctx context.Context, clock func() time.Time) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, ok := l.take(clock())
		if ok {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// backoff is exponential backoff with equal jitter: the n-th wait is
// drawn from [d/2, d] with d = min·2ⁿ capped at max, and never less than
// min. reset starts again from min.
type backoff struct {
	min, max time.Duration
	n        int
	rand     func(n int64) int64 // [0, n)
}

func newBackoff(lo, hi time.Duration) *backoff {
	return &backoff{min: lo, max: hi, rand: rand.Int64N}
}

// next returns the next wait.
func (b *backoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.n && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	if b.n < 62 {
		b.n++
	}
	half := d / 2
	w := half
	if half > 0 {
		w += time.Duration(b.rand(int64(half) + 1))
	}
	return min(max(w, b.min), b.max)
}

// reset starts again from min.
func (b *backoff) reset() { b.n = 0 }
