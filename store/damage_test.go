package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smspark/sessions"
	"smspark/store"
)

// storeBytes builds a store of a few hundred pages (sessions ended and
// running, written in batches so that some pages are freed) and returns its
// file's bytes.
func storeBytes(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	id := uint64(1)
	for batch := range 30 {
		var ch sessions.Change
		for i := range 100 {
			s := running(id, fmt.Sprintf("+3247%07d", id), fmt.Sprintf("1A%05d", id), "1021")
			if i%4 != 0 || batch < 25 {
				s = ended(s, sessions.EndStop)
			}
			ch.Sessions = append(ch.Sessions, s)
			id++
		}
		ch.NextID = id
		commit(t, db, ch)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return readFile(t, dbPath(dir))
}

// TestOpenRefusesDamage: a damaged file is refused with an error naming the
// file and what is wrong, without a panic, and left as it was; no command
// but the engine's makes a store where there is none.
func TestOpenRefusesDamage(t *testing.T) {
	good := storeBytes(t)
	flipped := func(seed uint64) []byte {
		b := append([]byte(nil), good...)
		r := rand.New(rand.NewPCG(seed, 0))
		for range 200 {
			b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
		}
		return b
	}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty file", []byte{}, "empty (0 bytes"},
		{"truncated to half", good[:len(good)/2], "truncated"},
		{"truncated to two pages", good[:8192], "truncated"},
		{"text file", []byte(strings.Repeat("not a database\n", 2000)), "not a bbolt database file"},
		{"short text file", []byte("hello"), "not a bbolt database file"},
	}
	for seed := range uint64(20) {
		cases = append(cases, struct {
			name string
			file []byte
			want string
		}{fmt.Sprintf("200 bytes flipped, seed %d", seed), flipped(seed), ""})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := dbPath(dir)
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, create := range []bool{false, true} {
				db, err := store.Open(dir, store.Options{Create: create})
				if err == nil {
					_ = db.Close()
					t.Fatalf("Open(Create: %t) succeeded on a damaged file", create)
				}
				t.Logf("Open(Create: %t): %v", create, err)
				if !errors.Is(err, store.ErrCorrupt) {
					t.Errorf("Open: %v, want ErrCorrupt", err)
				}
				if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, tc.want) {
					t.Errorf("Open: %q, want the path and %q", msg, tc.want)
				}
			}
			if got := readFile(t, path); string(got) != string(tc.file) {
				t.Error("Open changed the file")
			}
		})
	}
}

func TestOpenCreatesOnlyWhereAsked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "typo")
	_, err := store.Open(dir, store.Options{})
	if !errors.Is(err, store.ErrNoStore) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open without Create: %v, want ErrNoStore naming %s", err, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open without Create made %s (%v)", dir, err)
	}
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if !db.Created() {
		t.Error("Created() = false for a new store")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = MustOpenAt(t, dir)
	if db.Created() {
		t.Error("Created() = true for an existing store")
	}
}
