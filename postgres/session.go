package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"smspark/sessions"
)

// EndedSince returns the sessions that ended at or after since, in the
// order they ended (the wardens' "ended a moment ago" after a restart).
func (db *DB) EndedSince(ctx context.Context, since time.Time) ([]sessions.Session, error) {
	var out []sessions.Session
	err := db.read(ctx, "ended sessions", func(q querier) error {
		var err error
		out, err = all[sessions.Session](ctx, q, "session",
			`SELECT doc FROM sessions WHERE NOT running AND end_ns >= $1 ORDER BY end_ns, id`, ns(since))
		return err
	})
	return out, err
}

// Session returns the session with the ID. Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Session(ctx context.Context, id uint64) (sessions.Session, error) {
	var s sessions.Session
	if id > math.MaxInt64 {
		return s, fmt.Errorf("postgres: session %d: %w", id, ErrNotFound)
	}
	err := db.read(ctx, "session", func(q querier) error {
		var err error
		s, err = one[sessions.Session](ctx, q, "session", ErrNotFound, `SELECT doc FROM sessions WHERE id = $1`, int64(id))
		return err
	})
	return s, err
}

// Settings returns the settings of the number (E.164). Returns ErrNotFound,
// ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) Settings(ctx context.Context, number string) (sessions.Settings, error) {
	var s sessions.Settings
	err := db.read(ctx, "settings", func(q querier) error {
		var err error
		s, err = one[sessions.Settings](ctx, q, "settings of", ErrNotFound, `SELECT doc FROM settings WHERE number = $1`, number)
		return err
	})
	return s, err
}

// Account returns the account with the ID. Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Account(ctx context.Context, id string) (sessions.Account, error) {
	var a sessions.Account
	err := db.read(ctx, "account", func(q querier) error {
		var err error
		a, err = one[sessions.Account](ctx, q, "account", ErrNotFound, `SELECT doc FROM accounts WHERE id = $1`, id)
		return err
	})
	return a, err
}

// AccountOf returns the account that holds the number. Returns ErrNotFound,
// ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) AccountOf(ctx context.Context, number string) (sessions.Account, error) {
	var a sessions.Account
	err := db.read(ctx, "account of number", func(q querier) error {
		var err error
		a, err = one[sessions.Account](ctx, q, "account of", ErrNotFound, `SELECT a.doc FROM accounts a
			JOIN account_numbers n ON n.account_id = a.id WHERE n.number = $1`, number)
		return err
	})
	return a, err
}
