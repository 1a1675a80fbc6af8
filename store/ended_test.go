package store_test

import (
	"context"
	"testing"
	"time"

	"smspark/sessions"
)

// Retention prunes the index of ended sessions after a day: EndedSince no
// longer finds sessions ended before the cutoff, while the sessions
// themselves stay (DeleteBefore removes them months later).
func TestPruneEndedIndex(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	old := ended(running(1, "+32470000001", "1OLD001", "1021"), sessions.EndStop)
	recent := ended(running(2, "+32470000002", "1NEW002", "1021"), sessions.EndStop)
	recent.End = old.End.Add(48 * time.Hour)
	commit(t, db, sessions.Change{Sessions: []sessions.Session{old, recent}})
	n, err := db.PruneEndedIndex(ctx, recent.End.Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	got, err := db.EndedSince(ctx, time.Time{})
	if err != nil || len(got) != 1 || got[0].ID != recent.ID {
		t.Fatalf("EndedSince after pruning: %v, %v; want only session %d", ids(got), err, recent.ID)
	}
	if s, err := db.Session(ctx, old.ID); err != nil || s.ID != old.ID {
		t.Fatalf("the old session itself went: %v", err)
	}
	if n, err := db.PruneEndedIndex(ctx, recent.End.Add(-24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("pruned again %d, %v; want 0", n, err)
	}
}
