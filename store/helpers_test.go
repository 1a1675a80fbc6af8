package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"smspark/sessions"
	"smspark/store"
)

// MustOpen opens a new store in a temporary directory. Its cleanup runs
// Check and closes the store.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpenAt(tb, tb.TempDir())
}

// MustOpenAt opens the store in dir (fsync off). Its cleanup runs Check,
// unless the test closed the store itself, and closes it.
func MustOpenAt(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() {
		// tb.Context is already cancelled when cleanups run.
		if err := db.Check(context.Background()); err != nil && !errors.Is(err, store.ErrClosed) {
			tb.Errorf("Check: %v", err)
		}
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// commit commits changes or fails the test.
func commit(tb testing.TB, db *store.DB, changes ...sessions.Change) {
	tb.Helper()
	if err := db.Commit(context.Background(), changes); err != nil {
		tb.Fatalf("Commit: %v", err)
	}
}

// load loads the state or fails the test.
func load(tb testing.TB, db *store.DB) sessions.State {
	tb.Helper()
	st, err := db.Load(context.Background())
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return st
}

var t0 = time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)

// running returns a running session.
func running(id uint64, number, plate, zone string) sessions.Session {
	start := t0.Add(time.Duration(id) * time.Minute)
	return sessions.Session{
		ID: id, Number: number, Plate: plate, Zone: zone, City: "Brussel",
		Channel: sessions.ChannelSMS, Start: start, Until: start.Add(4 * time.Hour),
		TransactionCents: 15,
	}
}

// ended returns s ended after an hour for reason.
func ended(s sessions.Session, reason sessions.EndReason) sessions.Session {
	s.End = s.Start.Add(time.Hour)
	s.EndReason = reason
	s.CostCents = 250
	return s
}

func ids(ss []sessions.Session) []uint64 {
	var out []uint64
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func dbPath(dir string) string { return filepath.Join(dir, store.FileName) }
