package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// PutPart keeps one part of a concatenated MO durable under key; the SMPP
// layer acknowledges the part only after this returns nil. Concurrent
// calls commit separately; PostgreSQL flushes the WAL of commits that
// arrive together once. Returns ErrClosed, the context's or the driver's
// error, wrapped.
func (db *DB) PutPart(ctx context.Context, key, value []byte) error {
	return db.write(ctx, "put part", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO parts (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value)
		return err
	})
}

// DeleteParts removes the parts whose keys start with prefix (a message
// that was handled whole).
func (db *DB) DeleteParts(ctx context.Context, prefix []byte) error {
	return db.write(ctx, "delete parts", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM parts WHERE substring(key FROM 1 FOR $2) = $1`, prefix, len(prefix))
		return err
	})
}

// Parts calls f for every kept part, in key order.
func (db *DB) Parts(ctx context.Context, f func(key, value []byte) error) error {
	return db.read(ctx, "parts", func(q querier) error {
		rows, err := q.Query(ctx, `SELECT key, value FROM parts ORDER BY key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v []byte
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			if err := f(k, v); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
