// Package groupcommit gathers concurrent writes into shared transactions:
// the group commit of smspark's stores (bbolt and PostgreSQL), written
// once, generic over a call's work.
//
// A call queues its work and waits for the writer slot; the call that gets
// it writes every call queued so far (up to MaxGroup) in one transaction,
// and the others find theirs written when they get the slot in turn.
// Nothing waits for a timer: at a low rate each call is written at once;
// under load the calls that arrive while a transaction syncs share the
// next one.
package groupcommit

import (
	"sync"
	"time"
)

// MaxGroup bounds the calls written in one transaction, so that a backlog
// is written in transactions of bounded size.
const MaxGroup = 1024

// Stats describes one transaction, for metrics.
type Stats struct {
	// Duration is the transaction's time, its sync included.
	Duration time.Duration
	// Calls is how many calls it wrote (1 when a failed group was written
	// again call by call).
	Calls int
	// Units is the sum of the weigh function over its calls (the stores
	// count MO journal entries).
	Units int
	// Err is the transaction's error, nil when it is durable.
	Err error
}

// Group is one writer's group commit; W is one call's work.
type Group[W any] struct {
	write   func(works []W) error
	weigh   func(W) int
	observe func(Stats)

	slot  chan struct{} // held by the call writing
	mu    sync.Mutex
	queue []*Call[W]
}

// Call is one call queued in a Group.
type Call[W any] struct {
	work    W
	done    bool // set, with err, under the slot
	err     error
	written chan struct{} // closed once done
}

// New returns a group that writes with write, one transaction per call to
// it. weigh (nil: 0) counts a call's units for Stats; observe (nil: none)
// receives every transaction's Stats.
func New[W any](write func([]W) error, weigh func(W) int, observe func(Stats)) *Group[W] {
	if weigh == nil {
		weigh = func(W) int { return 0 }
	}
	if observe == nil {
		observe = func(Stats) {}
	}
	return &Group[W]{write: write, weigh: weigh, observe: observe, slot: make(chan struct{}, 1)}
}

// Commit writes work with whatever else is queued and returns once it is
// durable, or the error that kept it from being written.
func (g *Group[W]) Commit(work W) error {
	return g.Wait(g.Enqueue(work))
}

// CommitWithin queues work that may wait: it rides with the next commit,
// or is written after delay by itself.
func (g *Group[W]) CommitWithin(work W, delay time.Duration) error {
	return g.WaitWithin(g.Enqueue(work), delay)
}

// Enqueue queues work for the next transaction.
func (g *Group[W]) Enqueue(work W) *Call[W] {
	c := &Call[W]{work: work, written: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	g.mu.Unlock()
	return c
}

// WaitWithin waits for another call to write c, at most delay; then it
// writes c (and what else is queued) itself. One timer per call, and
// callers that may wait call it per batch, not per message.
func (g *Group[W]) WaitWithin(c *Call[W], delay time.Duration) error {
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-c.written:
		return c.err
	case <-t.C:
		return g.Wait(c)
	}
}

// Wait takes the writer slot and, unless another call wrote c meanwhile,
// writes the queued calls until c is written.
func (g *Group[W]) Wait(c *Call[W]) error {
	g.slot <- struct{}{}
	defer func() { <-g.slot }()
	for !c.done {
		g.mu.Lock()
		n := min(len(g.queue), MaxGroup)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if len(g.queue) == 0 {
			g.queue = nil
		}
		g.mu.Unlock()
		g.run(batch)
	}
	return c.err
}

// run writes batch in one transaction. If it fails, each call is written
// alone: one call's invalid work must not fail the calls it was grouped
// with.
func (g *Group[W]) run(batch []*Call[W]) {
	err := g.writeCalls(batch)
	if err != nil && len(batch) > 1 {
		for _, c := range batch {
			c.finish(g.writeCalls([]*Call[W]{c}))
		}
		return
	}
	for _, c := range batch {
		c.finish(err)
	}
}

// finish records the call's result and wakes a caller waiting in
// WaitWithin.
func (c *Call[W]) finish(err error) {
	c.err, c.done = err, true
	close(c.written)
}

func (g *Group[W]) writeCalls(batch []*Call[W]) error {
	works := make([]W, len(batch))
	units := 0
	for i, c := range batch {
		works[i] = c.work
		units += g.weigh(c.work)
	}
	start := time.Now()
	err := g.write(works)
	g.observe(Stats{Duration: time.Since(start), Calls: len(batch), Units: units, Err: err})
	return err
}
