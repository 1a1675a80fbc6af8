package smpp

import (
	"math/rand/v2"
	"time"
)

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
