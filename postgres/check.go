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
