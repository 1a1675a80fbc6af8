package store

import (
	"context"
	"encoding/binary"
	"time"

	"smspark/sessions"
)

// journalKey orders the MO journal by the time the engine received each
// MO: 8 bytes of Unix nanoseconds, then the MO's key.
func journalKey(j sessions.JournalEntry) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(j.Key)), uint64(j.Received.UnixNano()))
	return append(k, j.Key...)
}

// Journal returns the MO journal entries received at or after since, in
// the order they were received. Returns ErrCorrupt, ErrClosed or the
// context's error, wrapped.
func (db *DB) Journal(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error) {
	var out []sessions.JournalEntry
	err := db.view(ctx, "journal", func(b *buckets) error {
		c := b.journal.Cursor()
		from := binary.BigEndian.AppendUint64(nil, uint64(max(since.UnixNano(), 0)))
		for k, v := c.Seek(from); k != nil; k, v = c.Next() {
			j, err := decode[sessions.JournalEntry]("journal entry", k, v)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
