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
// is no limit. It is safe for concurrent use.
type limiter struct {
	mu        sync.Mutex
	rate      float64   // configured, per second; 0: none
	cur       float64   // in force: rate, or less while slowed down
	slowUntil time.Time // cur returns to rate after this
	next      time.Time // the earliest the next submit may go
	last      time.Time // the latest now seen, to tell a clock stepped back
}

func newLimiter(perSecond int) *limiter {
	return &limiter{rate: float64(perSecond), cur: float64(perSecond)}
}

// reserve books the next submit slot at now and returns how long to wait
// for it.
func (l *limiter) reserve(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.slowUntil.IsZero() && !now.Before(l.slowUntil) {
		l.cur, l.slowUntil = l.rate, time.Time{}
	}
	// A clock that stepped back (NTP, a test) must not stall submits:
	// the booked slots move back with it. Concurrent submits keep their
	// spacing: each books the slot after the one before.
	if now.Before(l.last) {
		l.next = l.next.Add(now.Sub(l.last))
		l.slowUntil = l.slowUntil.Add(now.Sub(l.last))
	}
	l.last = now
	at := now
	if l.next.After(at) {
		at = l.next
	}
	if l.cur > 0 {
		l.next = at.Add(time.Duration(float64(time.Second) / l.cur))
	} else {
		l.next = at
	}
	return at.Sub(now)
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

// wait reserves a slot and waits for it, or for ctx. It returns ctx's
// error.
func (l *limiter) wait(ctx context.Context, now time.Time) error {
	d := l.reserve(now)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
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
