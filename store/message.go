package store

import (
	"context"
	"errors"

	"smspark/sessions"
)

// putMessage stores m in the outbox by ID; a later put of the same ID (a
// status update) replaces it.
func (b *buckets) putMessage(m sessions.Message) error {
	return put(b.outbox, "message", encodeU64(m.ID), m)
}

// MessageFilter selects outbox messages; zero fields select everything.
type MessageFilter struct {
	To     string // E.164
	Status string // queued, sent, delivered, failed, dry_run
	// Limit caps how many messages are returned (the lowest IDs); 0 means
	// no cap.
	Limit int
}

// Messages returns the outbox messages the filter selects, ordered by ID.
// Returns ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) Messages(ctx context.Context, f MessageFilter) ([]sessions.Message, error) {
	var out []sessions.Message
	err := db.view(ctx, "messages", func(b *buckets) error {
		err := b.outbox.ForEach(func(k, v []byte) error {
			m, err := decode[sessions.Message]("message", k, v)
			if err != nil {
				return err
			}
			if (f.To == "" || m.To == f.To) && (f.Status == "" || m.Status == f.Status) {
				out = append(out, m)
				if f.Limit > 0 && len(out) >= f.Limit {
					return errLimit
				}
			}
			return nil
		})
		if errors.Is(err, errLimit) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
