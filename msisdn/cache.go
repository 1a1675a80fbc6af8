package msisdn

import "sync"

// Cached remembers the results of Belgium.Normalize for recent senders:
// libphonenumber's pattern matching is the costliest step of handling an
// MO, and a motorist texts several times a day. It is safe for concurrent
// use; when full it starts again empty (the working set refills it).
type Cached struct {
	max int
	mu  sync.Mutex
	m   map[string]cached
}

type cached struct {
	e164 string
	err  error
}

// NewCached returns a cache of at most size senders.
func NewCached(size int) *Cached {
	return &Cached{max: max(size, 1), m: make(map[string]cached)}
}

// Normalize returns what Belgium{}.Normalize returns for raw.
func (c *Cached) Normalize(raw string) (string, error) {
	c.mu.Lock()
	r, ok := c.m[raw]
	c.mu.Unlock()
	if ok {
		return r.e164, r.err
	}
	e164, err := Belgium{}.Normalize(raw)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[raw] = cached{e164, err}
	c.mu.Unlock()
	return e164, err
}
