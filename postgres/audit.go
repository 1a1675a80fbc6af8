package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"smspark/audit"
)

// AppendAudit appends e to the audit log.
func (db *DB) AppendAudit(ctx context.Context, e audit.Entry) error {
	raw, err := encode("audit entry", e)
	if err != nil {
		return err
	}
	return db.write(ctx, "append audit entry", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit (at_ns, doc) VALUES ($1, $2)`, ns(e.At), raw)
		return err
	})
}

// Audit returns the audit entries at or after f.Since, oldest first; with
// f.Limit, the last f.Limit of them. Never nil.
func (db *DB) Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var limit *int64
	if f.Limit > 0 {
		v := int64(f.Limit)
		limit = &v
	}
	out := []audit.Entry{}
	err := db.read(ctx, "audit", func(q querier) error {
		es, err := all[audit.Entry](ctx, q, "audit entry", `SELECT doc FROM (SELECT seq, at_ns, doc FROM audit
			WHERE at_ns >= $1 ORDER BY at_ns DESC, seq DESC LIMIT $2) last ORDER BY at_ns, seq`, ns(f.Since), limit)
		out = append(out, es...)
		return err
	})
	return out, err
}
