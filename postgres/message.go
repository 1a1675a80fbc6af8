package postgres

import (
	"context"

	"smspark/sessions"
)

// MessageBySMSCID returns the outbox message an SMSC gave the message id
// id (delivery receipts refer to it). Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error) {
	var m sessions.Message
	err := db.read(ctx, "message by smsc id", func(q querier) error {
		var err error
		m, err = one[sessions.Message](ctx, q, "smsc message id", ErrNotFound, `SELECT o.doc FROM outbox o
			JOIN smsc_message_ids s ON s.outbox_id = o.id WHERE s.message_id = $1 AND s.smsc = $2`, id, smsc)
		return err
	})
	return m, err
}

// Queued returns the outbox messages waiting to be sent, oldest (lowest
// ID) first. Returns ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) Queued(ctx context.Context) ([]sessions.Message, error) {
	var out []sessions.Message
	err := db.read(ctx, "queued messages", func(q querier) error {
		var err error
		out, err = all[sessions.Message](ctx, q, "message",
			`SELECT doc FROM outbox WHERE status = $1 ORDER BY id`, sessions.StatusQueued)
		return err
	})
	return out, err
}

// Messages returns the outbox messages the filter selects, ordered by ID
// (at most f.Limit, the lowest IDs, when it is set). Returns ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Messages(ctx context.Context, f sessions.MessageFilter) ([]sessions.Message, error) {
	var limit *int64
	if f.Limit > 0 {
		v := int64(f.Limit)
		limit = &v
	}
	var out []sessions.Message
	err := db.read(ctx, "messages", func(q querier) error {
		var err error
		out, err = all[sessions.Message](ctx, q, "message", `SELECT doc FROM outbox
			WHERE ($1 = '' OR recipient = $1) AND ($2 = '' OR status = $2) ORDER BY id LIMIT $3`,
			f.To, f.Status, limit)
		return err
	})
	return out, err
}
