package store

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// PutPart keeps one part of a concatenated MO durable (synced) under key;
// the SMPP layer acknowledges the part only after this returns nil.
// Concurrent calls share transactions and syncs (bbolt's Batch). Returns
// ErrClosed or bbolt's error, wrapped.
func (db *DB) PutPart(ctx context.Context, key, value []byte) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: put part: %w", err)
	}
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketParts)).Put(bytes.Clone(key), bytes.Clone(value))
	})
	if err != nil {
		return fmt.Errorf("store: put part: %w", err)
	}
	return nil
}

// DeleteParts removes the parts whose keys start with prefix (a message
// that was handled whole).
func (db *DB) DeleteParts(ctx context.Context, prefix []byte) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: delete parts: %w", err)
	}
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketParts)).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete parts: %w", err)
	}
	return nil
}

// Parts calls f for every kept part.
func (db *DB) Parts(ctx context.Context, f func(key, value []byte) error) error {
	return db.view(ctx, "parts", func(b *buckets) error {
		return b.parts().ForEach(func(k, v []byte) error { return f(bytes.Clone(k), bytes.Clone(v)) })
	})
}
