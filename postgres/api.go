package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/apikeys"
	"smspark/idempotency"
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

// PutAPIKey stores k under its hash (replacing a key of the same hash).
// Returns ErrInvalidChange if another key has its ID.
func (db *DB) PutAPIKey(ctx context.Context, k apikeys.Key) error {
	raw, err := encode("api key", k)
	if err != nil {
		return err
	}
	return db.write(ctx, "put api key", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO api_keys (hash, id, doc) VALUES ($1, $2, $3)
			ON CONFLICT (hash) DO UPDATE SET id = EXCLUDED.id, doc = EXCLUDED.doc`, k.Hash, k.ID, raw)
		return err
	})
}

// APIKeyByHash returns the key whose hash is hash, or ErrNotFound.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (apikeys.Key, error) {
	var k apikeys.Key
	err := db.read(ctx, "api key", func(q querier) error {
		var err error
		k, err = one[apikeys.Key](ctx, q, "api key", ErrNotFound, `SELECT doc FROM api_keys WHERE hash = $1`, hash)
		return err
	})
	return k, err
}

// APIKeys returns every key, revoked ones included, by hash.
func (db *DB) APIKeys(ctx context.Context) ([]apikeys.Key, error) {
	var out []apikeys.Key
	err := db.read(ctx, "api keys", func(q querier) error {
		var err error
		out, err = all[apikeys.Key](ctx, q, "api key", `SELECT doc FROM api_keys ORDER BY hash`)
		return err
	})
	return out, err
}

// RevokeAPIKey marks the key with the ID revoked and returns it, or
// ErrNotFound.
func (db *DB) RevokeAPIKey(ctx context.Context, id string) (apikeys.Key, error) {
	var k apikeys.Key
	err := db.write(ctx, "revoke api key", func(tx pgx.Tx) error {
		var err error
		k, err = one[apikeys.Key](ctx, tx, "api key", ErrNotFound, `SELECT doc FROM api_keys WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		k.Revoked = true
		raw, err := encode("api key", k)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE api_keys SET doc = $2 WHERE id = $1`, id, raw)
		return err
	})
	return k, err
}

// IdempotentResponse returns the response kept for key in scope, or
// ErrNotFound.
func (db *DB) IdempotentResponse(ctx context.Context, scope, key string) (idempotency.Response, error) {
	var r idempotency.Response
	err := db.read(ctx, "idempotency", func(q querier) error {
		var err error
		r, err = one[idempotency.Response](ctx, q, "idempotent response", ErrNotFound,
			`SELECT doc FROM idempotent_responses WHERE scope = $1 AND key = $2`, scope, key)
		return err
	})
	return r, err
}

// PutIdempotentResponse keeps r for key in scope.
func (db *DB) PutIdempotentResponse(ctx context.Context, scope, key string, r idempotency.Response) error {
	raw, err := encode("idempotent response", r)
	if err != nil {
		return err
	}
	return db.write(ctx, "put idempotent response", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO idempotent_responses (scope, key, created_ns, doc) VALUES ($1, $2, $3, $4)
			ON CONFLICT (scope, key) DO UPDATE SET created_ns = EXCLUDED.created_ns, doc = EXCLUDED.doc`,
			scope, key, r.Created.UnixNano(), raw)
		return err
	})
}

// PruneRequests removes idempotent responses and payment nonces older than
// cutoff, and returns how many.
func (db *DB) PruneRequests(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := db.write(ctx, "prune requests", func(tx pgx.Tx) error {
		a, err := tx.Exec(ctx, `DELETE FROM idempotent_responses WHERE created_ns < $1`, cutoff.UnixNano())
		if err != nil {
			return err
		}
		b, err := tx.Exec(ctx, `DELETE FROM payment_nonces WHERE used_ns < $1`, cutoff.UnixNano())
		n = int(a.RowsAffected() + b.RowsAffected())
		return err
	})
	return n, err
}
