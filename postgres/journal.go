package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/sessions"
)

// Journal returns the MO journal entries received at or after since, in
// the order they were received. Returns ErrCorrupt, ErrClosed or the
// context's error, wrapped.
func (db *DB) Journal(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error) {
	var out []sessions.JournalEntry
	err := db.read(ctx, "journal", func(q querier) error {
		var err error
		out, err = all[sessions.JournalEntry](ctx, q, "journal entry",
			`SELECT doc FROM journal WHERE received_ns >= $1 ORDER BY received_ns, key`, ns(since))
		return err
	})
	return out, err
}

// UnackedMOs returns the journal entries received at or after since whose
// ack may not have reached their SMSC (AckPending), in the order they were
// received. Returns Journal's errors.
func (db *DB) UnackedMOs(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error) {
	var out []sessions.JournalEntry
	err := db.read(ctx, "unacked mos", func(q querier) error {
		var err error
		out, err = all[sessions.JournalEntry](ctx, q, "journal entry", `SELECT doc FROM journal
			WHERE ack_pending AND received_ns >= $1 ORDER BY received_ns, key`, ns(since))
		return err
	})
	return out, err
}

// ConfirmAcks clears AckPending on the journal entries of the MOs given by
// their received time and key, in a Commit (sharing its transaction with
// concurrent ones); an entry no longer in the journal is skipped. Returns
// Commit's errors.
func (db *DB) ConfirmAcks(ctx context.Context, mos []sessions.JournalEntry) error {
	if len(mos) == 0 {
		return nil
	}
	return db.Commit(ctx, []sessions.Change{{Acked: mos}})
}

// queueAcks queues clearing AckPending on the entries of mos still there.
func queueAcks(b *pgx.Batch, mos []sessions.JournalEntry) {
	for _, m := range mos {
		b.Queue(`UPDATE journal SET ack_pending = false, doc = doc - 'ack_pending'
			WHERE received_ns = $1 AND key = $2 AND ack_pending`, ns(m.Received), m.Key)
	}
}
