package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"smspark/sessions"
)

// Check reads every session and account and reports, joined, each record
// that does not decode or disagrees with the columns that key and
// constrain it (its plate, running state, end; an account's numbers and
// the number index), and a stored next ID not above every session and
// message ID. The constraints themselves (one running session a plate,
// one account a number, unique codes) the database enforces. Returns
// nil for a sound store, ErrCorrupt-wrapped problems, or the driver's
// error.
func (db *DB) Check(ctx context.Context) error {
	var problems []error
	err := db.read(ctx, "check", func(q querier) error {
		if err := checkSessions(ctx, q, &problems); err != nil {
			return err
		}
		if err := checkAccounts(ctx, q, &problems); err != nil {
			return err
		}
		var bad bool
		err := q.QueryRow(ctx, `SELECT COALESCE((SELECT value FROM meta WHERE name = 'next_id'), 1) <= GREATEST(
			COALESCE((SELECT max(id) FROM sessions), 0), COALESCE((SELECT max(id) FROM outbox), 0))`).Scan(&bad)
		if bad {
			problems = append(problems, fmt.Errorf("%w: next id not above every session and message id", ErrCorrupt))
		}
		return err
	})
	if err != nil {
		return err
	}
	return errors.Join(problems...)
}

func checkSessions(ctx context.Context, q querier, problems *[]error) error {
	rows, err := q.Query(ctx, `SELECT id, plate, running, end_ns, doc FROM sessions ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id      int64
			plate   string
			running bool
			end     *int64
			raw     []byte
		)
		if err := rows.Scan(&id, &plate, &running, &end, &raw); err != nil {
			return err
		}
		s, err := decode[sessions.Session]("session", raw)
		switch {
		case err != nil:
			*problems = append(*problems, fmt.Errorf("session %d: %w", id, err))
		case uint64(id) != s.ID || plate != s.Plate || running != s.Running() ||
			(end != nil) == s.Running() || end != nil && *end != ns(s.End):
			*problems = append(*problems, fmt.Errorf("%w: session %d: columns disagree with the record", ErrCorrupt, id))
		}
	}
	return rows.Err()
}

func checkAccounts(ctx context.Context, q querier, problems *[]error) error {
	accounts, err := all[sessions.Account](ctx, q, "account", `SELECT doc FROM accounts ORDER BY id`)
	if errors.Is(err, ErrCorrupt) {
		*problems = append(*problems, err)
		return nil
	}
	if err != nil {
		return err
	}
	index := map[string][]string{}
	rows, err := q.Query(ctx, `SELECT account_id, number FROM account_numbers ORDER BY number`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, number string
		if err := rows.Scan(&id, &number); err != nil {
			return err
		}
		index[id] = append(index[id], number)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range accounts {
		want := slices.Compact(slices.Sorted(slices.Values(a.Numbers)))
		if got := index[a.ID]; !slices.Equal(got, want) {
			*problems = append(*problems, fmt.Errorf("%w: account %s: numbers %v, indexed %v", ErrCorrupt, a.ID, want, got))
		}
	}
	return nil
}

// countedTables are the tables Counts counts: every kind of record.
var countedTables = []string{"sessions", "settings", "accounts", "account_numbers", "grants", "outbox",
	"journal", "parts", "orders", "vouchers", "permits", "day_cards", "api_keys", "idempotent_responses",
	"payment_nonces", "audit"}

// Counts returns how many rows each table holds, and how many sessions
// run (under "running_sessions"), from one snapshot.
func (db *DB) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := db.read(ctx, "counts", func(q querier) error {
		sql := "SELECT (SELECT count(*) FROM sessions WHERE running)"
		for _, t := range countedTables {
			sql += ", (SELECT count(*) FROM " + t + ")"
		}
		vals := make([]int64, len(countedTables)+1)
		dest := make([]any, len(vals))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := q.QueryRow(ctx, sql).Scan(dest...); err != nil {
			return err
		}
		out["running_sessions"] = vals[0]
		for i, t := range countedTables {
			out[t] = vals[i+1]
		}
		return nil
	})
	return out, err
}
