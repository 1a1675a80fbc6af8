package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"smspark/sessions"
)

// openObserved opens a new store whose commits are recorded.
func openObserved(t *testing.T) (*DB, *[]CommitStats) {
	t.Helper()
	var stats []CommitStats
	db, err := Open(t.TempDir(), Options{Create: true, NoSync: true, OnCommit: func(s CommitStats) {
		stats = append(stats, s)
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, &stats
}

func session(id uint64, plate string) sessions.Change {
	at := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	return sessions.Change{Sessions: []sessions.Session{{ID: id, Number: "+32470000001", Plate: plate,
		Zone: "1021", City: "Brussel", Start: at, Until: at.Add(time.Hour)}}, NextID: id + 1}
}

// TestGroupCommitOneTransaction: the engine's commands, an outbox status
// change and an ack confirmation queued while the writer is busy are
// written in one transaction; the calls that did not write find theirs
// durable.
func TestGroupCommitOneTransaction(t *testing.T) {
	db, stats := openObserved(t)
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	mo := sessions.JournalEntry{Key: "k1", From: "+32470000001", Text: "1021 1ABC123", Received: at, At: at, AckPending: true}
	if err := db.Commit(context.Background(), []sessions.Change{{Journal: []sessions.JournalEntry{mo}}}); err != nil {
		t.Fatal(err)
	}
	*stats = nil

	engine := db.group.enqueue([]sessions.Change{session(1, "1ABC123"), {Journal: []sessions.JournalEntry{
		{Key: "k2", From: "+32470000002", Text: "Q", Received: at.Add(time.Second), At: at}}}})
	outbox := db.group.enqueue([]sessions.Change{{Messages: []sessions.Message{{ID: 7, To: "+32470000001",
		Text: "ok", Status: sessions.StatusSent}}}})
	acks := db.group.enqueue([]sessions.Change{{Acked: []sessions.JournalEntry{{Key: "k1", Received: at}}}})
	for _, c := range []*commitCall{engine, outbox, acks} {
		if err := db.group.wait(c); err != nil {
			t.Fatal(err)
		}
	}
	if len(*stats) != 1 || (*stats)[0].Calls != 3 || (*stats)[0].MOs != 1 || (*stats)[0].Err != nil {
		t.Fatalf("transactions = %+v, want one of 3 calls and 1 MO", *stats)
	}
	if un, err := db.UnackedMOs(context.Background(), time.Time{}); err != nil || len(un) != 0 {
		t.Errorf("UnackedMOs = %+v, %v; want none", un, err)
	}
	if ms, err := db.Messages(context.Background(), MessageFilter{Status: sessions.StatusSent}); err != nil || len(ms) != 1 || ms[0].ID != 7 {
		t.Errorf("sent messages = %+v, %v; want message 7", ms, err)
	}
}

// TestGroupCommitIsolatesAFailedCall: a call whose change is invalid fails
// alone; the calls grouped with it are written.
func TestGroupCommitIsolatesAFailedCall(t *testing.T) {
	db, stats := openObserved(t)
	good1 := db.group.enqueue([]sessions.Change{session(1, "1ABC123")})
	bad := db.group.enqueue([]sessions.Change{{Sessions: []sessions.Session{{ID: 9}}}})
	good2 := db.group.enqueue([]sessions.Change{session(2, "2DEF456")})
	if err := db.group.wait(good1); err != nil {
		t.Fatal(err)
	}
	if err := db.group.wait(bad); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("invalid call: %v, want ErrInvalidChange", err)
	}
	if err := db.group.wait(good2); err != nil {
		t.Error(err)
	}
	calls := make([]int, len(*stats))
	for i, s := range *stats {
		calls[i] = s.Calls
	}
	if !slices.Equal(calls, []int{3, 1, 1, 1}) {
		t.Errorf("calls per transaction = %v, want the group, then each alone", calls)
	}
	st, err := db.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Running) != 2 || st.Running[0].ID != 1 || st.Running[1].ID != 2 {
		t.Errorf("running = %+v, want sessions 1 and 2", st.Running)
	}
}

// TestGroupCommitBounded: a backlog is written in transactions of at most
// maxGroup calls.
func TestGroupCommitBounded(t *testing.T) {
	db, stats := openObserved(t)
	var calls []*commitCall
	for i := range maxGroup + 2 {
		calls = append(calls, db.group.enqueue([]sessions.Change{{NextID: uint64(i + 1)}}))
	}
	if err := db.group.wait(calls[len(calls)-1]); err != nil {
		t.Fatal(err)
	}
	if len(*stats) != 2 || (*stats)[0].Calls != maxGroup || (*stats)[1].Calls != 2 {
		t.Fatalf("transactions = %d, want %d then 2 calls", len(*stats), maxGroup)
	}
	for _, c := range calls {
		if !c.done || c.err != nil {
			t.Fatalf("call not written: %+v", c)
		}
	}
}

// TestCommitWithinRidesWithTheNextCommit: changes that may wait are
// written in the next Commit's transaction; alone, after their delay.
func TestCommitWithinRidesWithTheNextCommit(t *testing.T) {
	db, stats := openObserved(t)
	lazy := db.group.enqueue([]sessions.Change{{Messages: []sessions.Message{{ID: 7, To: "+32470000001",
		Text: "ok", Status: sessions.StatusSent}}}})
	done := make(chan error, 1)
	go func() { done <- db.group.waitWithin(lazy, time.Hour) }()
	if err := db.Commit(context.Background(), []sessions.Change{session(1, "1ABC123")}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(*stats) != 1 || (*stats)[0].Calls != 2 {
		t.Fatalf("transactions = %+v, want one of both calls", *stats)
	}

	// Alone, it is written once its delay passed.
	if err := db.CommitWithin(context.Background(), []sessions.Change{session(2, "2DEF456")}, time.Nanosecond); err != nil {
		t.Fatal(err)
	}
	if st, err := db.Load(context.Background()); err != nil || len(st.Running) != 2 {
		t.Fatalf("running = %+v, %v; want 2", st.Running, err)
	}
}
