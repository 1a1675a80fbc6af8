package store

import (
	"context"
	"errors"
	"fmt"

	"smspark/sessions"
)

// putMessage stores m in the outbox by ID; a later put of the same ID (a
// status update) replaces it.
func (b *buckets) putMessage(m sessions.Message) error {
	for _, id := range m.SMSCIDs {
		if err := b.smscIDs.Put(smscIDKey(m.SMSC, id), encodeU64(m.ID)); err != nil {
			return fmt.Errorf("index smsc id: %w", err)
		}
	}
	return put(b.outbox, "message", encodeU64(m.ID), m)
}

func smscIDKey(smsc, id string) []byte {
	return []byte(smsc + "\x00" + id)
}

// MessageBySMSCID returns the outbox message an SMSC gave the message id
// id (delivery receipts refer to it). Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error) {
	var m sessions.Message
	err := db.view(ctx, "message by smsc id", func(b *buckets) error {
		raw := b.smscIDs.Get(smscIDKey(smsc, id))
		if raw == nil {
			return fmt.Errorf("%w: smsc %s message id %s", ErrNotFound, smsc, id)
		}
		v := b.outbox.Get(raw)
		if v == nil {
			return fmt.Errorf("%w: message %s", ErrNotFound, showKey(raw))
		}
		var err error
		m, err = decode[sessions.Message]("message", raw, v)
		return err
	})
	return m, err
}

// MessageFilter is the domain's message filter (declared in sessions).
type MessageFilter = sessions.MessageFilter

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
			if f.Match(m) {
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
