package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// FuzzVerifyBytes: the page walk never panics on any file, and a file it
// accepts is one bbolt reads whole (every bucket, key and value, and its
// own check) without a fault or a panic.
func FuzzVerifyBytes(f *testing.F) {
	dir := f.TempDir()
	db, err := Open(dir, Options{Create: true, NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	var ch sessions.Change
	for id := uint64(1); id <= 40; id++ {
		ch.Sessions = append(ch.Sessions, sessions.Session{ID: id, Number: "+32475000001", Plate: "1ABC123",
			Zone: "1021", City: "Brussel", Channel: sessions.ChannelSMS, Start: start, Until: start.Add(time.Hour),
			End: start.Add(time.Minute), EndReason: sessions.EndStop})
		ch.NextID = id + 1
	}
	if err := db.Commit(context.Background(), []sessions.Change{ch}); err != nil {
		f.Fatal(err)
	}
	if err := db.Close(); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("not a store"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if verifyBytes(data) != nil {
			return
		}
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			return // refused by bbolt itself: fine
		}
		defer func() { _ = bdb.Close() }()
		_ = bdb.View(func(tx *bolt.Tx) error {
			for range tx.Check() {
			}
			return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return readAll(b) })
		})
	})
}

// readAll reads every key and value of b and of the buckets in it.
func readAll(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				return readAll(sub)
			}
		}
		return nil
	})
}
