package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"smspark/permits"
)

// Permits (schema v6): "permits" maps a permit ID to its permit;
// "permit_ends" holds one empty-valued key per permit, its Until as 8-byte
// big-endian Unix nanoseconds followed by its ID, so that the permits not
// yet ended are one range scan; "permit_plates" holds one key per plate a
// permit carries or carried (as bought or by a change), plate NUL ID.

// The store keeps what the permit service needs.
var _ permits.Store = (*DB)(nil)

// PutPermits writes the permits (new or changed) and moves their index
// entries, in one transaction shared with concurrent writers (bbolt's
// Batch); nothing is written if anything fails.
//
// Returns ErrInvalidChange for a permit the store cannot key (empty ID, a
// plate empty or with a NUL, an Until before 1970 or after 2262),
// ErrCorrupt if a stored permit is undecodable, ErrClosed or the context's
// error; all wrapped.
func (db *DB) PutPermits(ctx context.Context, ps ...permits.Permit) error {
	for _, p := range ps {
		if err := checkPermit(p); err != nil {
			return fmt.Errorf("store: put permits: %w", err)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return db.writeVouchers(ctx, "put permits", func(b *buckets) error {
		for _, p := range ps {
			id := []byte(p.ID)
			if raw := b.permits().Get(id); raw != nil {
				prev, err := decode[permits.Permit]("permit", id, raw)
				if err != nil {
					return err
				}
				if err := b.unindexPermit(prev); err != nil {
					return err
				}
			}
			if err := put(b.permits(), "permit", id, p); err != nil {
				return err
			}
			if err := b.permitEnds().Put(permitEndKey(p), []byte{}); err != nil {
				return fmt.Errorf("index permit %s: %w", p.ID, err)
			}
			for _, pl := range permitPlates(p) {
				if err := b.permitPlates().Put(plateKey(pl, p.ID), []byte{}); err != nil {
					return fmt.Errorf("index permit %s: %w", p.ID, err)
				}
			}
		}
		return nil
	})
}

// unindexPermit deletes p's index entries.
func (b *buckets) unindexPermit(p permits.Permit) error {
	if p.Until.UnixNano() > 0 {
		if err := b.permitEnds().Delete(permitEndKey(p)); err != nil {
			return fmt.Errorf("unindex permit %s: %w", p.ID, err)
		}
	}
	for _, pl := range permitPlates(p) {
		if err := b.permitPlates().Delete(plateKey(pl, p.ID)); err != nil {
			return fmt.Errorf("unindex permit %s: %w", p.ID, err)
		}
	}
	return nil
}

// Permit returns the permit with the ID. Returns permits.ErrPermitNotFound
// (which also matches ErrNotFound), ErrCorrupt, ErrClosed or the context's
// error, wrapped.
func (db *DB) Permit(ctx context.Context, id string) (permits.Permit, error) {
	var p permits.Permit
	err := db.view(ctx, "permit", func(b *buckets) error {
		var err error
		p, err = b.permit(id)
		return err
	})
	return p, err
}

// PermitsEndingAfter returns the permits, in any status, whose Until is
// after t, by Until. Returns ErrCorrupt (an index entry without its
// permit), ErrClosed or the context's error, wrapped.
func (db *DB) PermitsEndingAfter(ctx context.Context, t time.Time) ([]permits.Permit, error) {
	var out []permits.Permit
	err := db.view(ctx, "permits ending after", func(b *buckets) error {
		c := b.permitEnds().Cursor()
		start := encodeU64(0)
		if !t.Before(time.Unix(0, 0)) {
			start = encodeU64(uint64(t.UnixNano()) + 1)
		}
		for k, _ := c.Seek(start); k != nil; k, _ = c.Next() {
			if len(k) <= 8 {
				return fmt.Errorf("%w: permit end index key %s", ErrCorrupt, showKey(k))
			}
			p, err := b.permit(string(k[8:]))
			if err != nil {
				return fmt.Errorf("%w: permit end index %s: %w", ErrCorrupt, showKey(k), err)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// PermitsOfPlate returns the permits that carry or carried the plate, by
// ID. Returns ErrCorrupt (an index entry without its permit), ErrClosed or
// the context's error, wrapped.
func (db *DB) PermitsOfPlate(ctx context.Context, plate string) ([]permits.Permit, error) {
	var out []permits.Permit
	prefix := append([]byte(plate), 0)
	err := db.view(ctx, "permits of plate", func(b *buckets) error {
		c := b.permitPlates().Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			p, err := b.permit(string(k[len(prefix):]))
			if err != nil {
				return fmt.Errorf("%w: permit plate index %s: %w", ErrCorrupt, showKey(k), err)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Permits returns every stored permit, by ID. Returns ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Permits(ctx context.Context) ([]permits.Permit, error) {
	var out []permits.Permit
	err := db.view(ctx, "permits", func(b *buckets) error {
		return b.permits().ForEach(func(k, v []byte) error {
			p, err := decode[permits.Permit]("permit", k, v)
			if err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

func (b *buckets) permit(id string) (permits.Permit, error) {
	key := []byte(id)
	raw := b.permits().Get(key)
	if raw == nil {
		return permits.Permit{}, fmt.Errorf("permit %q: %w: %w", id, permits.ErrPermitNotFound, ErrNotFound)
	}
	return decode[permits.Permit]("permit", key, raw)
}

// checkPermit returns ErrInvalidChange for a permit the store cannot key.
func checkPermit(p permits.Permit) error {
	switch {
	case p.ID == "" || strings.ContainsRune(p.ID, 0):
		return fmt.Errorf("%w: permit without ID", ErrInvalidChange)
	case p.Until.Before(time.Unix(1, 0)) || p.Until.After(time.Unix(0, 1<<63-1)):
		return fmt.Errorf("%w: permit %s: until %s", ErrInvalidChange, p.ID, p.Until)
	}
	for _, pl := range permitPlates(p) {
		if pl == "" || strings.ContainsRune(pl, 0) {
			return fmt.Errorf("%w: permit %s: plate %q", ErrInvalidChange, p.ID, pl)
		}
	}
	return nil
}

// permitEndKey is p's key in the end index.
func permitEndKey(p permits.Permit) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(p.ID)), uint64(p.Until.UnixNano()))
	return append(k, p.ID...)
}

// plateKey is a key of a plate index: plate NUL ID.
func plateKey(plate, id string) []byte {
	return append(append([]byte(plate), 0), id...)
}

// permitPlates returns the plates p is indexed under.
func permitPlates(p permits.Permit) []string {
	out := slices.Clone(p.Plates)
	for _, c := range p.Changes {
		for _, pl := range []string{c.Old, c.New} {
			if !slices.Contains(out, pl) {
				out = append(out, pl)
			}
		}
	}
	return out
}
