package store

import (
	"sync"
	"time"

	"smspark/sessions"
)

// CommitStats describes one read-write transaction of Commit, for metrics.
type CommitStats struct {
	// Duration is the transaction's time, its fsync included.
	Duration time.Duration
	// Calls is how many Commit calls it wrote (1 when a failed group was
	// written again call by call).
	Calls int
	// MOs is how many MO journal entries it wrote.
	MOs int
	// Err is the transaction's error, nil when it is durable.
	Err error
}

// maxGroup bounds the Commit calls written in one transaction, so that a
// backlog is written in transactions of bounded size.
const maxGroup = 1024

// groupCommit gathers concurrent Commit calls into one transaction. A call
// queues its changes and waits for the writer slot; the call that gets it
// writes every call queued so far (up to maxGroup), and the others find
// theirs written when they get the slot in turn. Nothing waits for a
// timer: at a low rate each call is written at once; under load the calls
// that arrive while a transaction syncs share the next one.
type groupCommit struct {
	write   func(calls [][]sessions.Change) error
	observe func(CommitStats)

	slot  chan struct{} // held by the call writing
	mu    sync.Mutex
	queue []*commitCall
}

// commitCall is one Commit call in the group commit.
type commitCall struct {
	changes []sessions.Change
	done    bool // set, with err, under slot
	err     error
	written chan struct{} // closed once done
}

func newGroupCommit(write func([][]sessions.Change) error, observe func(CommitStats)) *groupCommit {
	if observe == nil {
		observe = func(CommitStats) {}
	}
	return &groupCommit{write: write, observe: observe, slot: make(chan struct{}, 1)}
}

// commit writes changes with whatever else is queued and returns once they
// are durable, or the error that kept them from being written.
func (g *groupCommit) commit(changes []sessions.Change) error {
	return g.wait(g.enqueue(changes))
}

// commitWithin queues changes that may wait: they ride with the next
// commit, or are written after delay by themselves.
func (g *groupCommit) commitWithin(changes []sessions.Change, delay time.Duration) error {
	return g.waitWithin(g.enqueue(changes), delay)
}

// waitWithin waits for another call to write c, at most delay; then it
// writes c (and what else is queued) itself. One timer per call, and
// callers that may wait call it per batch, not per message.
func (g *groupCommit) waitWithin(c *commitCall, delay time.Duration) error {
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-c.written:
		return c.err
	case <-t.C:
		return g.wait(c)
	}
}

// enqueue queues a call for the next transaction.
func (g *groupCommit) enqueue(changes []sessions.Change) *commitCall {
	c := &commitCall{changes: changes, written: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	g.mu.Unlock()
	return c
}

// wait takes the writer slot and, unless another call wrote c meanwhile,
// writes the queued calls until c is written.
func (g *groupCommit) wait(c *commitCall) error {
	g.slot <- struct{}{}
	defer func() { <-g.slot }()
	for !c.done {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
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
// alone: one call's invalid change must not fail the calls it was grouped
// with.
func (g *groupCommit) run(batch []*commitCall) {
	err := g.writeCalls(batch)
	if err != nil && len(batch) > 1 {
		for _, c := range batch {
			c.finish(g.writeCalls([]*commitCall{c}))
		}
		return
	}
	for _, c := range batch {
		c.finish(err)
	}
}

// finish records the call's result and wakes a caller waiting in
// waitWithin.
func (c *commitCall) finish(err error) {
	c.err, c.done = err, true
	close(c.written)
}

func (g *groupCommit) writeCalls(batch []*commitCall) error {
	calls := make([][]sessions.Change, len(batch))
	mos := 0
	for i, c := range batch {
		calls[i] = c.changes
		for _, ch := range c.changes {
			mos += len(ch.Journal)
		}
	}
	start := time.Now()
	err := g.write(calls)
	g.observe(CommitStats{Duration: time.Since(start), Calls: len(batch), MOs: mos, Err: err})
	return err
}
