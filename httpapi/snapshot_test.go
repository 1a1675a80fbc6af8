package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"smspark/store"
)

// snapshot is a consistent copy of the store (store.DB.Backup), to tell
// whether a request changed it.
type snapshot struct {
	raw []byte
}

// ignoredBuckets change by design on refused requests: the stored
// response of a POST with an Idempotency-Key (4xx included, so that a
// retry gets the same answer) and the payment callback nonces (a nonce is
// spent once its signature verified, whatever comes of the callback).
var ignoredBuckets = []string{"idempotency", "nonces"}

func takeSnapshot(tb testing.TB, db *store.DB) snapshot {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := db.Backup(context.Background(), &buf); err != nil {
		tb.Fatal(err)
	}
	return snapshot{raw: buf.Bytes()}
}

var snapshotFiles atomic.Int64

// records returns every bucket's records but the ignored buckets', as
// "bucket/key" (nested buckets "bucket/sub/key") -> value.
func (s snapshot) records(tb testing.TB) map[string]string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), fmt.Sprintf("snap%d.db", snapshotFiles.Add(1)))
	if err := os.WriteFile(path, s.raw, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	var walk func(prefix string, b *bolt.Bucket) error
	walk = func(prefix string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(prefix+string(k)+"/", b.Bucket(k))
			}
			out[prefix+string(k)] = string(v)
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if slices.Contains(ignoredBuckets, string(name)) {
				return nil
			}
			return walk(string(name)+"/", b)
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// changes lists the records that differ between two snapshots (ignored
// buckets aside); none when the copies are the same bytes.
func changes(tb testing.TB, before, after snapshot) []string {
	tb.Helper()
	if bytes.Equal(before.raw, after.raw) {
		return nil
	}
	a, b := before.records(tb), after.records(tb)
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "deleted "+k)
		} else if w != v {
			out = append(out, "changed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "added "+k)
		}
	}
	slices.Sort(out)
	return out
}
