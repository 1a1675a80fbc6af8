package groupcommit

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var errBad = errors.New("bad work")

// recorder writes ints, refusing negative ones, and records every
// transaction's works.
type recorder struct{ txs [][]int }

func (r *recorder) write(works []int) error {
	if slices.ContainsFunc(works, func(w int) bool { return w < 0 }) {
		return errBad
	}
	r.txs = append(r.txs, slices.Clone(works))
	return nil
}

// TestGroupedAndIsolated: calls queued while the writer is busy share one
// transaction; a failing call is retried alone and fails alone.
func TestGroupedAndIsolated(t *testing.T) {
	var r recorder
	var stats []Stats
	g := New(r.write, func(w int) int { return 1 }, func(s Stats) { stats = append(stats, s) })
	a, b := g.Enqueue(1), g.Enqueue(2)
	if err := g.Wait(b); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(a); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(r.txs, [][]int{{1, 2}}, slices.Equal) || stats[0].Calls != 2 || stats[0].Units != 2 {
		t.Fatalf("transactions = %v, stats %+v; want one of both", r.txs, stats)
	}

	r.txs = nil
	good, bad := g.Enqueue(3), g.Enqueue(-1)
	if err := g.Wait(bad); !errors.Is(err, errBad) {
		t.Fatalf("bad call: %v, want errBad", err)
	}
	if err := g.Wait(good); err != nil {
		t.Fatalf("good call grouped with a bad one: %v", err)
	}
	if !slices.EqualFunc(r.txs, [][]int{{3}}, slices.Equal) {
		t.Fatalf("transactions = %v, want the good call alone", r.txs)
	}
}

// TestBounded: a backlog is written in transactions of at most MaxGroup
// calls.
func TestBounded(t *testing.T) {
	var r recorder
	g := New(r.write, nil, nil)
	var calls []*Call[int]
	for i := range MaxGroup + 2 {
		calls = append(calls, g.Enqueue(i))
	}
	if err := g.Wait(calls[len(calls)-1]); err != nil {
		t.Fatal(err)
	}
	if len(r.txs) != 2 || len(r.txs[0]) != MaxGroup || len(r.txs[1]) != 2 {
		t.Fatalf("transactions of %d calls, want %d then 2", len(r.txs), MaxGroup)
	}
}

// TestCommitWithinRides: work that may wait is written by the next Commit.
func TestCommitWithinRides(t *testing.T) {
	var r recorder
	g := New(r.write, nil, nil)
	lazy := g.Enqueue(1)
	done := make(chan error, 1)
	go func() { done <- g.WaitWithin(lazy, time.Hour) }()
	if err := g.Commit(2); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := g.CommitWithin(3, time.Nanosecond); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(r.txs, [][]int{{1, 2}, {3}}, slices.Equal) {
		t.Fatalf("transactions = %v, want [1 2] then [3]", r.txs)
	}
}
