package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"smspark/sessions"
)

// Pruned counts what DeleteBefore removed.
type Pruned struct {
	Sessions, Journal, Messages int
}

// retentionBatch bounds one retention transaction's deletions per table,
// so the engine keeps committing meanwhile.
const retentionBatch = 10_000

// DeleteBefore removes ended sessions that ended before cutoff, MO journal
// entries received before it and outbox messages created before it that
// are no longer waiting to be sent (with their SMSC message ids). Running
// sessions are never removed. It works in transactions of at most 10,000
// deletions a table.
func (db *DB) DeleteBefore(ctx context.Context, cutoff time.Time) (Pruned, error) {
	var p Pruned
	c := cutoff.UnixNano()
	for {
		var s, j, m int64
		err := db.write(ctx, "retention", func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			b.Queue(`DELETE FROM sessions WHERE id IN (SELECT id FROM sessions
				WHERE NOT running AND end_ns < $1 LIMIT $2)`, c, retentionBatch).Exec(func(t pgconn.CommandTag) error {
				s = t.RowsAffected()
				return nil
			})
			b.Queue(`DELETE FROM journal WHERE (received_ns, key) IN (SELECT received_ns, key FROM journal
				WHERE received_ns < $1 ORDER BY received_ns LIMIT $2)`, c, retentionBatch).Exec(func(t pgconn.CommandTag) error {
				j = t.RowsAffected()
				return nil
			})
			b.Queue(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
				WHERE created_ns < $1 AND status <> $3 LIMIT $2)`, c, retentionBatch, sessions.StatusQueued).Exec(func(t pgconn.CommandTag) error {
				m = t.RowsAffected()
				return nil
			})
			return tx.SendBatch(ctx, b).Close()
		})
		p.Sessions, p.Journal, p.Messages = p.Sessions+int(s), p.Journal+int(j), p.Messages+int(m)
		if err != nil || max(s, j, m) < retentionBatch {
			return p, err
		}
	}
}
