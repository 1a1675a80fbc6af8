package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"smspark/sessions"
)

// putSession stores s by ID and keeps the running index: a running session
// indexes its plate; an ended one removes its plate's entry if the entry
// still points at it. If a stored session's plate changed, the old plate's
// entry is removed likewise. A session whose entry a running one takes over
// is remembered for verify.
func (b *buckets) putSession(s sessions.Session) error {
	if s.Plate == "" {
		return fmt.Errorf("session %d: %w: empty plate", s.ID, ErrInvalidChange)
	}
	key := encodeU64(s.ID)
	if raw := b.sessions.Get(key); raw != nil {
		prev, err := decode[sessions.Session]("session", key, raw)
		if err != nil {
			return err
		}
		if prev.Plate != s.Plate {
			if err := b.unindexRunning(prev.Plate, key); err != nil {
				return err
			}
		}
	}
	if err := put(b.sessions, "session", key, s); err != nil {
		return err
	}
	if s.Running() {
		if v := b.running.Get([]byte(s.Plate)); v != nil && !bytes.Equal(v, key) {
			if prev, ok := decodeU64(v); ok {
				b.displaced[prev] = s.Plate
			}
		}
		if err := b.running.Put([]byte(s.Plate), encodeU64(s.ID)); err != nil {
			return fmt.Errorf("index running session %d: %w", s.ID, err)
		}
		return nil
	}
	if err := b.ended.Put(endedKey(s), nil); err != nil {
		return fmt.Errorf("index ended session %d: %w", s.ID, err)
	}
	return b.unindexRunning(s.Plate, key)
}

// endedKey orders ended sessions by end: 8 bytes of Unix nanoseconds,
// then the session ID.
func endedKey(s sessions.Session) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(s.End.UnixNano()))
	return binary.BigEndian.AppendUint64(k, s.ID)
}

// EndedSince returns the sessions that ended at or after since, in the
// order they ended (the wardens' "ended a moment ago" after a restart).
func (db *DB) EndedSince(ctx context.Context, since time.Time) ([]sessions.Session, error) {
	var out []sessions.Session
	err := db.view(ctx, "ended sessions", func(b *buckets) error {
		c := b.ended.Cursor()
		from := binary.BigEndian.AppendUint64(nil, uint64(max(since.UnixNano(), 0)))
		for k, _ := c.Seek(from); k != nil; k, _ = c.Next() {
			if len(k) != 16 {
				continue
			}
			raw := b.sessions.Get(k[8:])
			if raw == nil {
				continue // removed by retention
			}
			s, err := decode[sessions.Session]("session", k[8:], raw)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// unindexRunning removes plate's running index entry if it points at the
// session whose key is idKey.
func (b *buckets) unindexRunning(plate string, idKey []byte) error {
	if plate == "" {
		return nil
	}
	if v := b.running.Get([]byte(plate)); bytes.Equal(v, idKey) {
		if err := b.running.Delete([]byte(plate)); err != nil {
			return fmt.Errorf("unindex running plate %q: %w", plate, err)
		}
	}
	return nil
}

// Session returns the session with the ID. Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Session(ctx context.Context, id uint64) (sessions.Session, error) {
	var s sessions.Session
	err := db.view(ctx, "session", func(b *buckets) error {
		key := encodeU64(id)
		raw := b.sessions.Get(key)
		if raw == nil {
			return fmt.Errorf("session %d: %w", id, ErrNotFound)
		}
		var err error
		s, err = decode[sessions.Session]("session", key, raw)
		return err
	})
	return s, err
}

// SessionFilter is the domain's session filter (declared in sessions,
// beside the types it selects).
type SessionFilter = sessions.SessionFilter

// errLimit stops a scan once the filter's limit is reached.
var errLimit = errors.New("limit reached")

// Sessions returns the sessions the filter selects, ordered by ID. Returns
// ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) Sessions(ctx context.Context, f SessionFilter) ([]sessions.Session, error) {
	var out []sessions.Session
	err := db.view(ctx, "sessions", func(b *buckets) error {
		if f.Running {
			return b.runningMatching(f, &out)
		}
		err := b.sessions.ForEach(func(k, v []byte) error {
			s, err := decode[sessions.Session]("session", k, v)
			if err != nil {
				return err
			}
			if f.Match(s) {
				out = append(out, s)
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

// runningMatching appends the running sessions the filter selects, through
// the running index.
func (b *buckets) runningMatching(f SessionFilter, out *[]sessions.Session) error {
	add := func(plate, v []byte) error {
		s, err := b.indexed(plate, v)
		if err != nil {
			return err
		}
		if f.Match(s) {
			*out = append(*out, s)
		}
		return nil
	}
	if f.Plate != "" {
		if v := b.running.Get([]byte(f.Plate)); v != nil {
			return add([]byte(f.Plate), v)
		}
		return nil
	}
	if err := b.running.ForEach(add); err != nil {
		return err
	}
	slices.SortFunc(*out, func(a, b sessions.Session) int { return cmp.Compare(a.ID, b.ID) })
	if f.Limit > 0 && len(*out) > f.Limit {
		*out = (*out)[:f.Limit]
	}
	return nil
}
