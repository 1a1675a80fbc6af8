package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// UseNonce records a payment provider's nonce; it reports false if the
// nonce was used before (a replayed callback).
func (db *DB) UseNonce(ctx context.Context, nonce string, at time.Time) (bool, error) {
	fresh := false
	err := db.write(ctx, "use nonce", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO payment_nonces (nonce, used_ns) VALUES ($1, $2)
			ON CONFLICT (nonce) DO NOTHING`, nonce, at.UnixNano())
		fresh = tag.RowsAffected() == 1
		return err
	})
	return fresh, err
}
