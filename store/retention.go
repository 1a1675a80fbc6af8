package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// Pruned counts what DeleteBefore removed.
type Pruned struct {
	Sessions, Journal, Messages int
}

// DeleteBefore removes ended sessions that ended before cutoff, MO journal
// entries received before it and outbox messages created before it that
// are no longer waiting to be sent. Running sessions are never removed. It
// works in transactions of at most 10,000 deletions, so the engine keeps
// committing meanwhile.
func (db *DB) DeleteBefore(ctx context.Context, cutoff time.Time) (Pruned, error) {
	var p Pruned
	for {
		var n int // removed in this transaction, at most pruneBatch
		err := db.update(ctx, "retention", func(b *buckets) error {
			n = 0
			k, err := pruneSessions(b, cutoff, pruneBatch)
			if err != nil {
				return err
			}
			p.Sessions += k
			n += k
			k, err = pruneJournal(b, cutoff, pruneBatch-n)
			if err != nil {
				return err
			}
			p.Journal += k
			n += k
			k, err = pruneMessages(b, cutoff, pruneBatch-n)
			if err != nil {
				return err
			}
			p.Messages += k
			n += k
			return nil
		})
		if err != nil || n < pruneBatch {
			return p, err
		}
	}
}

// pruneBatch is the most DeleteBefore removes in one transaction, so that
// one does not grow without bound and block writers.
const pruneBatch = 10_000

// pruneSessions deletes at most limit sessions that ended before cutoff
// and returns how many it deleted.
func pruneSessions(b *buckets, cutoff time.Time, limit int) (int, error) {
	// Keys are collected first and deleted after: deleting under a cursor
	// and moving on can skip entries.
	var doomed [][]byte
	err := b.sessions.ForEach(func(k, v []byte) error {
		if len(doomed) >= limit {
			return nil
		}
		s, err := decode[sessions.Session]("session", k, v)
		if err != nil {
			return err
		}
		if !s.Running() && s.End.Before(cutoff) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.sessions.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// pruneJournal deletes at most limit MO journal entries from before cutoff
// (the oldest first) and returns how many it deleted.
func pruneJournal(b *buckets, cutoff time.Time, limit int) (int, error) {
	var doomed [][]byte
	jc := b.journal.Cursor()
	for k, _ := jc.First(); k != nil && len(doomed) < limit && len(k) >= 8; k, _ = jc.Next() {
		if v, _ := decodeU64(k[:8]); int64(v) >= cutoff.UnixNano() {
			break
		}
		doomed = append(doomed, bytes.Clone(k))
	}
	for _, k := range doomed {
		if err := b.journal.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// pruneMessages deletes at most limit messages created before cutoff and
// no longer queued, with their SMSC message ids, and returns how many it
// deleted.
func pruneMessages(b *buckets, cutoff time.Time, limit int) (int, error) {
	var doomed [][]byte
	var msgs []sessions.Message
	err := b.outbox.ForEach(func(k, v []byte) error {
		if len(doomed) >= limit {
			return nil
		}
		m, err := decode[sessions.Message]("message", k, v)
		if err != nil {
			return err
		}
		if m.Created.Before(cutoff) && m.Status != sessions.StatusQueued {
			doomed = append(doomed, bytes.Clone(k))
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, k := range doomed {
		for _, id := range msgs[i].SMSCIDs {
			if err := b.smscIDs.Delete(smscIDKey(msgs[i].SMSC, id)); err != nil {
				return 0, err
			}
		}
		if err := b.outbox.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// Compact rewrites the store file of dir into a fresh, dense file (bbolt
// never shrinks a file by itself) and replaces it; the engine must not be
// running. It returns the sizes before and after.
func Compact(dir string) (before, after int64, err error) {
	db, err := Open(dir, Options{})
	if err != nil {
		return 0, 0, err
	}
	src := db.bolt
	path := src.Path()
	tmp := filepath.Join(dir, FileName+".compact")
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		db.Close()
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		dst.Close()
		db.Close()
		_ = os.Remove(tmp)
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		db.Close()
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if fi, err := os.Stat(path); err == nil {
		before = fi.Size()
	}
	if err := db.Close(); err != nil {
		return 0, 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return before, 0, err
	}
	return before, fi.Size(), nil
}

// PruneEndedIndex removes the entries of the index of ended sessions for
// sessions that ended before cutoff: the index serves the wardens' "ended a
// moment ago" after a restart (EndedSince), so a day of it is plenty. The
// sessions themselves stay until DeleteBefore. It returns how many entries
// it removed, in transactions of at most 10,000 deletions.
func (db *DB) PruneEndedIndex(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		var doomed [][]byte
		err := db.update(ctx, "prune ended index", func(b *buckets) error {
			doomed = doomed[:0]
			c := b.ended.Cursor()
			for k, _ := c.First(); len(k) == 16 && len(doomed) < pruneBatch; k, _ = c.Next() {
				if v, _ := decodeU64(k[:8]); int64(v) >= cutoff.UnixNano() {
					break
				}
				doomed = append(doomed, append([]byte(nil), k...))
			}
			for _, k := range doomed {
				if err := b.ended.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(doomed)
		if len(doomed) < pruneBatch {
			return total, nil
		}
	}
}
