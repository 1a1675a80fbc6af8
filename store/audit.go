package store

import (
	"context"
	"encoding/binary"
	"time"

	"smspark/audit"
)

// The audit trail (schema v8): "audit" maps when (8-byte nanoseconds) and
// the bucket's sequence (8 bytes) to an audit.Entry, so entries list in
// order of time and a listing since a moment seeks to it.

// AppendAudit records an admin action. Its At must be set.
func (db *DB) AppendAudit(ctx context.Context, e audit.Entry) error {
	return db.update(ctx, "append audit entry", func(b *buckets) error {
		seq, err := b.audit().NextSequence()
		if err != nil {
			return err
		}
		return put(b.audit(), "audit entry", auditKey(e.At, seq), e)
	})
}

// Audit lists the admin actions of f, oldest first.
func (db *DB) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	out := []audit.Entry{}
	err := db.view(ctx, "audit", func(b *buckets) error {
		c := b.audit().Cursor()
		k, v := c.First()
		if !f.Since.IsZero() {
			k, v = c.Seek(auditKey(f.Since, 0))
		}
		for ; k != nil; k, v = c.Next() {
			e, err := decode[audit.Entry]("audit entry", k, v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, err
}

func auditKey(at time.Time, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(max(at.UnixNano(), 0)))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}
