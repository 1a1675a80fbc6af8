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

// APIKey is an HTTP API key as stored: the same record as the bbolt
// store's (convertible to it).
type APIKey struct {
	ID      string    `json:"id"`
	Hash    string    `json:"hash"` // hex SHA-256 of the key
	Role    string    `json:"role"` // admin, portal, warden, counter
	City    string    `json:"city,omitempty"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Revoked bool      `json:"revoked,omitempty"`
}

// Idempotent is a stored response to an Idempotency-Key request: the same
// record as the bbolt store's (convertible to it).
type Idempotent struct {
	RequestHash string    `json:"request_hash"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type"`
	Body        []byte    `json:"body"`
	Created     time.Time `json:"created"`
}

// PutAPIKey stores k under its hash (replacing a key of the same hash).
// Returns ErrInvalidChange if another key has its ID.
func (db *DB) PutAPIKey(ctx context.Context, k APIKey) error {
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
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	var k APIKey
	err := db.read(ctx, "api key", func(q querier) error {
		var err error
		k, err = one[APIKey](ctx, q, "api key", ErrNotFound, `SELECT doc FROM api_keys WHERE hash = $1`, hash)
		return err
	})
	return k, err
}

// APIKeys returns every key, revoked ones included, by hash.
func (db *DB) APIKeys(ctx context.Context) ([]APIKey, error) {
	var out []APIKey
	err := db.read(ctx, "api keys", func(q querier) error {
		var err error
		out, err = all[APIKey](ctx, q, "api key", `SELECT doc FROM api_keys ORDER BY hash`)
		return err
	})
	return out, err
}

// RevokeAPIKey marks the key with the ID revoked and returns it, or
// ErrNotFound.
func (db *DB) RevokeAPIKey(ctx context.Context, id string) (APIKey, error) {
	var k APIKey
	err := db.write(ctx, "revoke api key", func(tx pgx.Tx) error {
		var err error
		k, err = one[APIKey](ctx, tx, "api key", ErrNotFound, `SELECT doc FROM api_keys WHERE id = $1 FOR UPDATE`, id)
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
func (db *DB) IdempotentResponse(ctx context.Context, scope, key string) (Idempotent, error) {
	var r Idempotent
	err := db.read(ctx, "idempotency", func(q querier) error {
		var err error
		r, err = one[Idempotent](ctx, q, "idempotent response", ErrNotFound,
			`SELECT doc FROM idempotent_responses WHERE scope = $1 AND key = $2`, scope, key)
		return err
	})
	return r, err
}

// PutIdempotentResponse keeps r for key in scope.
func (db *DB) PutIdempotentResponse(ctx context.Context, scope, key string, r Idempotent) error {
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
