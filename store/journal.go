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

// UnackedMOs returns the journal entries received at or after since whose
// ack may not have reached their SMSC (AckPending), in the order they were
// received. Returns Journal's errors.
func (db *DB) UnackedMOs(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error) {
	all, err := db.Journal(ctx, since)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, j := range all {
		if j.AckPending {
			out = append(out, j)
		}
	}
	return out, nil
}

// ConfirmAcks clears AckPending on the journal entries of the MOs given by
// their received time and key, with the next Commit or after at most
// AckDelay (CommitWithin); an entry no longer in the journal is skipped.
// Returns Commit's errors.
func (db *DB) ConfirmAcks(ctx context.Context, mos []sessions.JournalEntry) error {
	if len(mos) == 0 {
		return nil
	}
	return db.CommitWithin(ctx, []sessions.Change{{Acked: mos}}, AckDelay)
}

// AckDelay bounds how long ConfirmAcks waits to share a transaction: until
// it is written an MO whose ack the SMSC read is still remembered as one
// it may deliver again, which costs nothing but memory.
const AckDelay = 10 * time.Millisecond

// confirmAcks clears AckPending on the journal entries of mos still there.
func (b *buckets) confirmAcks(mos []sessions.JournalEntry) error {
	for _, m := range mos {
		k := journalKey(m)
		v := b.journal.Get(k)
		if v == nil {
			continue
		}
		j, err := decode[sessions.JournalEntry]("journal entry", k, v)
		if err != nil {
			return err
		}
		if !j.AckPending {
			continue
		}
		j.AckPending = false
		if err := put(b.journal, "journal entry", k, j); err != nil {
			return err
		}
	}
	return nil
}
