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

// PruneEndedIndex is the bbolt store's pruning of its index of ended
// sessions; here the sessions table's own index on end_ns serves
// EndedSince, so there is nothing to prune and it returns 0.
func (db *DB) PruneEndedIndex(ctx context.Context, cutoff time.Time) (int, error) {
	return 0, ctx.Err()
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

// Sessions returns the sessions the filter selects, ordered by ID (at most
// f.Limit, the lowest IDs, when it is set). Returns ErrCorrupt, ErrClosed
// or the context's error, wrapped.
func (db *DB) Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error) {
	var from, to, limit *int64
	if !f.From.IsZero() {
		v := f.From.UnixNano()
		from = &v
	}
	if !f.To.IsZero() {
		v := f.To.UnixNano()
		to = &v
	}
	if f.Limit > 0 {
		v := int64(f.Limit)
		limit = &v
	}
	var out []sessions.Session
	err := db.read(ctx, "sessions", func(q querier) error {
		var err error
		out, err = all[sessions.Session](ctx, q, "session", `SELECT doc FROM sessions
			WHERE ($1 = '' OR number = $1) AND ($2 = '' OR plate = $2) AND ($3 = '' OR zone = $3)
			AND ($4 = '' OR account = $4) AND (NOT $5 OR running)
			AND ($6::bigint IS NULL AND $7::bigint IS NULL
				OR NOT running AND ($6 IS NULL OR end_ns >= $6) AND ($7 IS NULL OR end_ns < $7))
			ORDER BY id LIMIT $8`, f.Number, f.Plate, f.Zone, f.Account, f.Running, from, to, limit)
		return err
	})
	return out, err
}
