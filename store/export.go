package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/daycards"
	"smspark/vouchers"
)

// The listings below complete the read methods so that every record can
// be copied out of the store (smspark migrate copies a store into
// PostgreSQL). Each reads in one transaction, in key order.

// AllOrders returns every voucher order. Returns ErrCorrupt, ErrClosed or
// the context's error, wrapped.
func (db *DB) AllOrders(ctx context.Context) ([]vouchers.Order, error) {
	return listAll[vouchers.Order](db, ctx, "order", func(b *buckets) *bolt.Bucket { return b.orders })
}

// AllVouchers returns every voucher. Returns AllOrders' errors.
func (db *DB) AllVouchers(ctx context.Context) ([]vouchers.Voucher, error) {
	return listAll[vouchers.Voucher](db, ctx, "voucher", func(b *buckets) *bolt.Bucket { return b.vouchers })
}

// AllCards returns every day card. Returns AllOrders' errors.
func (db *DB) AllCards(ctx context.Context) ([]daycards.Card, error) {
	return listAll[daycards.Card](db, ctx, "day card", func(b *buckets) *bolt.Bucket { return b.dayCards })
}

func listAll[T any](db *DB, ctx context.Context, what string, bucket func(*buckets) *bolt.Bucket) ([]T, error) {
	var out []T
	err := db.view(ctx, what+"s", func(b *buckets) error {
		return bucket(b).ForEach(func(k, v []byte) error {
			x, err := decode[T](what, k, v)
			out = append(out, x)
			return err
		})
	})
	return out, err
}

// IdempotentResponses calls f for every kept idempotent response. Returns
// ErrCorrupt, ErrClosed, the context's or f's error, wrapped.
func (db *DB) IdempotentResponses(ctx context.Context, f func(scope, key string, r Idempotent) error) error {
	return db.view(ctx, "idempotent responses", func(b *buckets) error {
		return b.idempotency.ForEach(func(k, v []byte) error {
			scope, key, ok := bytes.Cut(k, []byte{0})
			if !ok {
				return fmt.Errorf("%w: idempotency key %s", ErrCorrupt, showKey(k))
			}
			r, err := decode[Idempotent]("idempotent response", k, v)
			if err != nil {
				return err
			}
			return f(string(scope), string(key), r)
		})
	})
}

// Nonces calls f for every used payment nonce with the time it was used.
// Returns ErrCorrupt, ErrClosed, the context's or f's error, wrapped.
func (db *DB) Nonces(ctx context.Context, f func(nonce string, at time.Time) error) error {
	return db.view(ctx, "nonces", func(b *buckets) error {
		return b.nonces.ForEach(func(k, v []byte) error {
			at, err := time.Parse(time.RFC3339Nano, string(v))
			if err != nil {
				return fmt.Errorf("%w: nonce %s: %w", ErrCorrupt, showKey(k), err)
			}
			return f(string(k), at)
		})
	})
}
