package store

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestMissingBucketIsCorrupt: a transaction using a bucket the file lacks
// fails with ErrCorrupt and writes nothing; it does not panic.
func TestMissingBucketIsCorrupt(t *testing.T) {
	bdb, err := bolt.Open(filepath.Join(t.TempDir(), "x.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte(bucketMeta))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(withBuckets(func(b *buckets) error {
		if err := b.meta().Put([]byte("k"), []byte("v")); err != nil {
			return err
		}
		return b.sessions().Put([]byte("k"), []byte("v"))
	}))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	_ = bdb.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte(bucketMeta)).Get([]byte("k")); v != nil {
			t.Errorf("meta written despite the error: %q", v)
		}
		return nil
	})
}
