package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/apikeys"
	"smspark/idempotency"
)

// APIKey is an HTTP API key as stored (declared in apikeys).
type APIKey = apikeys.Key

// HashKey returns the hex SHA-256 of an API key (apikeys.Hash).
func HashKey(key string) string { return apikeys.Hash(key) }

// PutAPIKey stores a key record (by its hash).
func (db *DB) PutAPIKey(ctx context.Context, k APIKey) error {
	return db.update(ctx, "put api key", func(b *buckets) error {
		return put(b.apiKeys, "api key", []byte(k.Hash), k)
	})
}

// APIKeyByHash returns the key record of a hash. Returns ErrNotFound.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	var k APIKey
	err := db.view(ctx, "api key", func(b *buckets) error {
		raw := b.apiKeys.Get([]byte(hash))
		if raw == nil {
			return ErrNotFound
		}
		var err error
		k, err = decode[APIKey]("api key", []byte(hash), raw)
		return err
	})
	return k, err
}

// APIKeys lists the key records.
func (db *DB) APIKeys(ctx context.Context) ([]APIKey, error) {
	var out []APIKey
	err := db.view(ctx, "api keys", func(b *buckets) error {
		return b.apiKeys.ForEach(func(k, v []byte) error {
			key, err := decode[APIKey]("api key", k, v)
			if err == nil {
				out = append(out, key)
			}
			return err
		})
	})
	return out, err
}

// Idempotent is a stored response to a POST with an Idempotency-Key
// (declared in idempotency).
type Idempotent = idempotency.Response

// IdempotentResponse returns the response stored under scope and key.
// Returns ErrNotFound.
func (db *DB) IdempotentResponse(ctx context.Context, scope, key string) (Idempotent, error) {
	var r Idempotent
	k := []byte(scope + "\x00" + key)
	err := db.view(ctx, "idempotency", func(b *buckets) error {
		raw := b.idempotency.Get(k)
		if raw == nil {
			return ErrNotFound
		}
		var err error
		r, err = decode[Idempotent]("idempotent response", k, raw)
		return err
	})
	return r, err
}

// PutIdempotentResponse stores a response under scope and key.
func (db *DB) PutIdempotentResponse(ctx context.Context, scope, key string, r Idempotent) error {
	return db.update(ctx, "put idempotent response", func(b *buckets) error {
		return put(b.idempotency, "idempotent response", []byte(scope+"\x00"+key), r)
	})
}

// UseNonce records a payment callback nonce; it returns false if the
// nonce was seen before (a replay), true the first time.
func (db *DB) UseNonce(ctx context.Context, nonce string, at time.Time) (bool, error) {
	fresh := false
	err := db.update(ctx, "use nonce", func(b *buckets) error {
		k := []byte(nonce)
		if b.nonces.Get(k) != nil {
			return nil
		}
		fresh = true
		return b.nonces.Put(k, []byte(at.UTC().Format(time.RFC3339Nano)))
	})
	return fresh, err
}

// update runs fn in a read-write transaction (one sync).
func (db *DB) update(ctx context.Context, op string, fn func(*buckets) error) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// RevokeAPIKey marks the key with the ID revoked: it stops working (the
// API's key cache forgets it within a second). Returns ErrNotFound.
func (db *DB) RevokeAPIKey(ctx context.Context, id string) (APIKey, error) {
	var out APIKey
	err := db.update(ctx, "revoke api key", func(b *buckets) error {
		var hash []byte
		err := b.apiKeys.ForEach(func(k, v []byte) error {
			rec, err := decode[APIKey]("api key", k, v)
			if err == nil && rec.ID == id {
				hash, out = append([]byte(nil), k...), rec
			}
			return err
		})
		if err != nil {
			return err
		}
		if hash == nil {
			return fmt.Errorf("%w: key %s", ErrNotFound, id)
		}
		out.Revoked = true
		return put(b.apiKeys, "api key", hash, out)
	})
	return out, err
}

// PruneRequests removes idempotent responses stored and payment nonces
// seen before cutoff: a nonce only matters within the callbacks' few
// minutes of validity, and a retry with the same Idempotency-Key comes
// within hours. It returns how many records it removed.
func (db *DB) PruneRequests(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := db.update(ctx, "prune requests", func(b *buckets) error {
		var doomed [][]byte
		err := b.idempotency.ForEach(func(k, v []byte) error {
			r, err := decode[Idempotent]("idempotent response", k, v)
			if err != nil {
				return err
			}
			if r.Created.Before(cutoff) {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := b.idempotency.Delete(k); err != nil {
				return err
			}
		}
		n += len(doomed)
		doomed = doomed[:0]
		err = b.nonces.ForEach(func(k, v []byte) error {
			t, err := time.Parse(time.RFC3339Nano, string(v))
			if err != nil || t.Before(cutoff) {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := b.nonces.Delete(k); err != nil {
				return err
			}
		}
		n += len(doomed)
		return nil
	})
	return n, err
}
