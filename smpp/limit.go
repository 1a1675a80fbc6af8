package smpp

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttling reaction: after ESME_RTHROTTLED or ESME_RMSGQFUL the SMSC's
// rate is halved for throttleSlowFor and its next submit waits
// throttlePause.
const (
	defaultThrottlePause = time.Second
	throttleSlowFor      = time.Minute
	minRate              = 1.0 // submits per second a throttled rate does not go below
)

// limiter paces the submits of one SMSC on real time: at most rate per
// second, evenly spaced (a golang.org/x/time/rate token bucket of depth
// one). A rate of 0 is no limit. A submit takes its slot only when the
// slot is due: one that gives up waiting (its context ended) books
// nothing, so waiting submits never push the next slot away, and submits
// waiting at once go one slot each, never in a burst. A throttle halves
// the rate for a while and pauses the next submit, which the token bucket
// alone does not express. It is safe for concurrent use.
type limiter struct {
	mu         sync.Mutex
	rate       rate.Limit // configured; rate.Inf: none
	bucket     *rate.Limiter
	slowUntil  time.Time // the bucket returns to rate after this
	pauseUntil time.Time // no submit before this (a throttle's pause)
}

func newLimiter(perSecond int) *limiter {
	r := rate.Limit(perSecond)
	if perSecond <= 0 {
		r = rate.Inf
	}
	return &limiter{rate: r, bucket: rate.NewLimiter(r, 1)}
}

// take takes the submit slot at now when it is due (0, true); otherwise
// it returns how long until the slot is due, and takes nothing.
func (l *limiter) take(now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recover(now)
	if l.pauseUntil.After(now) {
		// A clock that stepped back (a test) must not stall submits: no
		// pause is longer than the longest throttle pause.
		if limit := now.Add(defaultThrottlePause); l.pauseUntil.After(limit) {
			l.pauseUntil = limit
		}
		return l.pauseUntil.Sub(now), false
	}
	r := l.bucket.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// recover restores the configured rate once the slow-down is over.
// Callers hold mu.
func (l *limiter) recover(now time.Time) {
	if !l.slowUntil.IsZero() && !now.Before(l.slowUntil) {
		l.bucket.SetLimitAt(now, l.rate)
		l.slowUntil = time.Time{}
	}
}

// throttled slows the limiter down at now: the rate is halved (not below
// minRate, and an unlimited rate stays unlimited) until throttleSlowFor
// from now, and the next submit waits pause.
func (l *limiter) throttled(now time.Time, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur := l.bucket.Limit(); cur != rate.Inf {
		l.bucket.SetLimitAt(now, max(cur/2, min(minRate, l.rate)))
	}
	l.slowUntil = now.Add(throttleSlowFor)
	if p := now.Add(pause); p.After(l.pauseUntil) {
		l.pauseUntil = p
	}
}

// perSecond returns the rate in force at now, 0 for no limit.
func (l *limiter) perSecond(now time.Time) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recover(now)
	if cur := l.bucket.Limit(); cur != rate.Inf {
		return float64(cur)
	}
	return 0
}

// wait waits for a submit slot and takes it, or returns ctx's error.
func (l *limiter) wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, ok := l.take(time.Now())
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
