package store_test

import (
	"context"
	"testing"
	"time"

	"smspark/sessions"
)

// TestUnackedMOs: journal entries written with AckPending are returned
// until ConfirmAcks clears them, across a reopen.
func TestUnackedMOs(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenAt(t, dir)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	pending := sessions.JournalEntry{Key: "a", From: "+32470000001", Sender: "32470000001", SMSC: "proximus-1",
		Text: "C1", Received: t0, At: t0, AckPending: true}
	acked := sessions.JournalEntry{Key: "b", From: "+32470000001", Text: "Q", Received: t0.Add(time.Second), At: t0}
	commit(t, db, sessions.Change{Journal: []sessions.JournalEntry{pending, acked}})
	got, err := db.UnackedMOs(ctx, t0.Add(-time.Minute))
	if err != nil || len(got) != 1 || got[0].Key != "a" || got[0].SMSC != "proximus-1" || got[0].Sender != "32470000001" {
		t.Fatalf("UnackedMOs = %+v, %v", got, err)
	}
	if got, _ := db.UnackedMOs(ctx, t0.Add(time.Millisecond)); len(got) != 0 {
		t.Fatalf("before since: %+v", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = MustOpenAt(t, dir)
	if got, _ := db.UnackedMOs(ctx, time.Time{}); len(got) != 1 {
		t.Fatalf("after reopen: %+v", got)
	}
	gone := sessions.JournalEntry{Key: "gone", Received: t0}
	if err := db.ConfirmAcks(ctx, []sessions.JournalEntry{{Key: "a", Received: t0}, gone}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.UnackedMOs(ctx, time.Time{}); len(got) != 0 {
		t.Fatalf("after ConfirmAcks: %+v", got)
	}
	if all, _ := db.Journal(ctx, time.Time{}); len(all) != 2 || all[0].Text != "C1" {
		t.Fatalf("journal after ConfirmAcks: %+v", all)
	}
}
