// Package storetest is the behaviour every store implementation owes the
// domain packages, written against the interfaces they declare (never an
// implementation's types): Run it from an implementation's tests.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"smspark/daycards"
	"smspark/permits"
	"smspark/sessions"
	"smspark/vouchers"
)

// Engine is what the session engine asks of a store: sessions.Store and
// the sessions that ended lately (wardens see them across a restart).
type Engine interface {
	sessions.Store
	EndedSince(ctx context.Context, since time.Time) ([]sessions.Session, error)
}

// Stores are one implementation's stores, as the domain packages see them.
// One implementation usually gives the same value for each.
type Stores struct {
	Engine   Engine
	Vouchers vouchers.Store
	Permits  permits.Store
	DayCards daycards.Store
	// Records, if set, is checked too (the edges' direct reads and
	// writes), with the implementation's ErrNotFound and ErrInvalidChange.
	Records          Records
	ErrNotFound      error
	ErrInvalidChange error
}

// Run runs the contract against the stores open returns; open gives a new,
// empty store for each subtest (and closes it at the test's end).
func Run(t *testing.T, open func(t *testing.T) Stores) {
	t.Run("engine", func(t *testing.T) { runEngine(t, open) })
	t.Run("vouchers", func(t *testing.T) { runVouchers(t, open) })
	t.Run("permits", func(t *testing.T) { runPermits(t, open) })
	t.Run("daycards", func(t *testing.T) { runDayCards(t, open) })
	t.Run("records", func(t *testing.T) {
		if open(t).Records == nil {
			t.Skip("the store gives no Records")
		}
		runRecords(t, open)
	})
}

// t0 is the suite's reference time, a Monday morning in Brussels winter time.
var t0 = time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ids[T any](xs []T, id func(T) string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[id(x)] = true
	}
	return m
}

func wantIDs[T any](t *testing.T, what string, got []T, id func(T) string, want ...string) {
	t.Helper()
	m := ids(got, id)
	if len(got) != len(want) {
		t.Fatalf("%s: got %d (%v), want %v", what, len(got), m, want)
	}
	for _, w := range want {
		if !m[w] {
			t.Fatalf("%s: got %v, want %v", what, m, want)
		}
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want one wrapping %v", what, err, target)
	}
}
