package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
	"smspark/store"
)

func TestCheckFindsProblems(t *testing.T) {
	const n1 = "+32470000001"
	run := running(1, n1, "1ABC123", "1021")
	stopped := ended(running(2, n1, "2DEF456", "1021"), sessions.EndStop)
	acct := sessions.Account{ID: "A", Package: sessions.Premium, Numbers: []string{n1}}

	for _, tc := range []struct {
		name     string
		damage   func(tx *bolt.Tx) error
		want     string // in Check's error
		loadFail bool   // Load refuses too
	}{
		{"index entry without session", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("running")).Put([]byte("9ZZZ999"), u64(99))
		}, "session 99 missing", true},
		{"index entry at an ended session", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("running")).Put([]byte(stopped.Plate), u64(2))
		}, "not a running session of that plate", true},
		{"index entry at another plate", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("running")).Put([]byte("OTHER"), u64(1))
		}, "not a running session of that plate", true},
		{"running session not indexed", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("running")).Delete([]byte(run.Plate))
		}, "is not indexed", false},
		{"account number not indexed", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("account_numbers")).Delete([]byte(n1))
		}, "indexed to", false},
		{"number index at an account without it", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("account_numbers")).Put([]byte("+32470000009"), []byte("A"))
		}, "does not hold it", false},
		{"number index at a missing account", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("account_numbers")).Put([]byte("+32470000009"), []byte("Z"))
		}, "not found", false},
		{"undecodable settings", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("settings")).Put([]byte(n1), []byte("{"))
		}, "settings", true},
		{"session under another key", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("sessions")).Put(u64(77), mustJSON(t, stopped))
		}, "stored under key 77", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, db, sessions.Change{
				Sessions: []sessions.Session{run, stopped},
				Accounts: []sessions.Account{acct},
				Settings: []sessions.Settings{{Number: n1}},
			})
			if err := db.Check(context.Background()); err != nil {
				t.Fatalf("Check before damage: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			boltFile(t, dbPath(dir), tc.damage)

			db, err = store.Open(dir, store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = db.Close() }()
			err = db.Check(context.Background())
			if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check: %v; want ErrCorrupt mentioning %q", err, tc.want)
			}
			_, err = db.Load(context.Background())
			if tc.loadFail && !errors.Is(err, store.ErrCorrupt) {
				t.Errorf("Load: %v, want ErrCorrupt", err)
			}
			if !tc.loadFail && err != nil {
				t.Errorf("Load: %v", err)
			}
		})
	}
}
