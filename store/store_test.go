package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
	"smspark/store"
)

func TestOpenNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Errorf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
	if got, want := db.Path(), dbPath(dir); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&^0o750 != 0 {
		t.Errorf("data directory mode %o, want at most 0750", perm)
	}
	st := load(t, db)
	if len(st.Running)+len(st.Settings)+len(st.Accounts) != 0 || st.NextID != 1 {
		t.Errorf("new store Load = %+v, want empty with NextID 1", st)
	}
}

func TestCloseTwice(t *testing.T) {
	db := MustOpen(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	ctx := context.Background()
	if _, err := db.Load(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Load after Close: %v, want ErrClosed", err)
	}
	if _, err := db.Session(ctx, 1); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Session after Close: %v, want ErrClosed", err)
	}
	if _, err := db.Backup(ctx, &bytes.Buffer{}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Backup after Close: %v, want ErrClosed", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	commit(t, db, sessions.Change{Sessions: []sessions.Session{running(7, "+32470000001", "1ABC123", "1021")}, NextID: 8})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, dbPath(dir))
	db = MustOpenAt(t, dir)
	st := load(t, db)
	if len(st.Running) != 1 || st.Running[0].ID != 7 || st.NextID != 8 {
		t.Errorf("after reopen Load = %+v", st)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, readFile(t, dbPath(dir))) {
		t.Error("opening a current store and reading it changed the file")
	}
}

// boltFile builds a bbolt file at path with fn.
func boltFile(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenRefuses(t *testing.T) {
	garbage := bytes.Repeat([]byte("this is not a bbolt file\n"), 1000)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
		want  error
	}{
		{"garbage", func(t *testing.T, path string) {
			if err := os.WriteFile(path, garbage, 0o600); err != nil {
				t.Fatal(err)
			}
		}, store.ErrCorrupt},
		{"short garbage", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, store.ErrCorrupt},
		{"zeros", func(t *testing.T, path string) {
			if err := os.WriteFile(path, make([]byte, 16384), 0o600); err != nil {
				t.Fatal(err)
			}
		}, store.ErrCorrupt},
		{"bbolt file with a damaged meta page", func(t *testing.T, path string) {
			boltFile(t, path, func(tx *bolt.Tx) error {
				_, err := tx.CreateBucket([]byte("widgets"))
				return err
			})
			b := readFile(t, path)
			for i := 16; i < 64; i++ { // both meta pages' headers and checksums
				b[i] ^= 0xff
				b[4096+i] ^= 0xff
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, store.ErrCorrupt},
		{"foreign bbolt file", func(t *testing.T, path string) {
			boltFile(t, path, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket([]byte("widgets"))
				if err != nil {
					return err
				}
				return b.Put([]byte("w1"), []byte(`{"colour":"blue"}`))
			})
		}, store.ErrNotStore},
		{"foreign bbolt file with a meta bucket", func(t *testing.T, path string) {
			boltFile(t, path, func(tx *bolt.Tx) error {
				for _, name := range []string{"meta", "users"} {
					if _, err := tx.CreateBucket([]byte(name)); err != nil {
						return err
					}
				}
				return nil
			})
		}, store.ErrNotStore},
		{"store without its outbox bucket", func(t *testing.T, path string) {
			db, err := store.Open(filepath.Dir(path), store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			boltFile(t, path, func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("outbox")) })
		}, store.ErrCorrupt},
		{"newer schema", func(t *testing.T, path string) {
			db, err := store.Open(filepath.Dir(path), store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			boltFile(t, path, func(tx *bolt.Tx) error {
				return tx.Bucket([]byte("meta")).Put([]byte("schema"), u64(store.CurrentSchema+1))
			})
		}, store.ErrNewerSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := dbPath(dir)
			tc.setup(t, path)
			before := readFile(t, path)
			db, err := store.Open(dir, store.Options{Create: true, Timeout: time.Second})
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open succeeded, want %v", tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Open: %v, want %v", err, tc.want)
			}
			if !bytes.Equal(before, readFile(t, path)) {
				t.Error("Open changed the file")
			}
		})
	}
}

func TestOpenEmptyBoltFile(t *testing.T) {
	// A bbolt file with no buckets (a crash between bbolt's init and
	// smspark's) is initialised.
	dir := t.TempDir()
	boltFile(t, dbPath(dir), func(*bolt.Tx) error { return nil })
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Errorf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
}

func TestOpenLocked(t *testing.T) {
	for _, tc := range []struct {
		name string
		// hold holds the file in dir until the returned func is called.
		hold func(t *testing.T, dir string) (release func() error)
	}{
		{"by another store", func(t *testing.T, dir string) func() error {
			db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, db, sessions.Change{NextID: 5})
			return db.Close
		}},
		{"by a read-only bbolt reader", func(t *testing.T, dir string) func() error {
			db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			commit(t, db, sessions.Change{NextID: 5})
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			bdb, err := bolt.Open(dbPath(dir), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			return bdb.Close
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			release := tc.hold(t, dir)
			other, err := store.Open(dir, store.Options{Create: true, Timeout: 100 * time.Millisecond})
			if err == nil {
				_ = other.Close()
				t.Fatal("second Open succeeded")
			}
			if !errors.Is(err, store.ErrLocked) {
				t.Errorf("second Open: %v, want ErrLocked", err)
			}
			if err := release(); err != nil {
				t.Fatal(err)
			}
			// Once released, the file opens and holds what was written.
			if st := load(t, MustOpenAt(t, dir)); st.NextID != 5 {
				t.Errorf("NextID = %d, want 5", st.NextID)
			}
		})
	}
}

func TestMigrateV0(t *testing.T) {
	// A prototype file: smspark's buckets but no schema key, and no outbox
	// bucket yet.
	dir := t.TempDir()
	path := dbPath(dir)
	run := running(42, "+32470000001", "1ABC123", "1021")
	old := ended(running(41, "+32470000001", "1XYZ999", "1021"), sessions.EndStop)
	acct := sessions.Account{ID: "A1", Package: sessions.Premium, Numbers: []string{"+32470000001"}, Created: t0}
	boltFile(t, path, func(tx *bolt.Tx) error {
		put := func(bucket string, k []byte, v any) error {
			b, err := tx.CreateBucketIfNotExists([]byte(bucket))
			if err != nil {
				return err
			}
			if v == nil {
				return nil
			}
			raw, ok := v.([]byte)
			if !ok {
				raw = mustJSON(t, v)
			}
			return b.Put(k, raw)
		}
		return errors.Join(
			put("meta", []byte("next_id"), u64(43)),
			put("sessions", u64(42), run),
			put("sessions", u64(41), old),
			put("running", []byte(run.Plate), u64(42)),
			put("accounts", []byte("A1"), acct),
			put("account_numbers", []byte("+32470000001"), []byte("A1")),
			put("settings", []byte("+32470000001"), sessions.Settings{Number: "+32470000001", LastPlate: "1ABC123", Parked: true}),
		)
	})

	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Fatalf("SchemaVersion after migration = %d, want %d", got, store.CurrentSchema)
	}
	st := load(t, db)
	if got := ids(st.Running); len(got) != 1 || got[0] != 42 {
		t.Errorf("running after migration = %v, want [42]", got)
	}
	if st.NextID != 43 || len(st.Accounts) != 1 || len(st.Settings) != 1 {
		t.Errorf("Load after migration = %+v", st)
	}
	// The outbox bucket the prototype lacked exists now.
	commit(t, db, sessions.Change{Messages: []sessions.Message{{ID: 43, To: "+32470000001", Status: "queued"}}, NextID: 44})
	if err := db.Check(context.Background()); err != nil {
		t.Errorf("Check after migration: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The schema key was recorded: the file is now of the current version.
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bdb.Close() }()
	if err := bdb.View(func(tx *bolt.Tx) error {
		if got := tx.Bucket([]byte("meta")).Get([]byte("schema")); !bytes.Equal(got, u64(store.CurrentSchema)) {
			t.Errorf("schema key = %x, want version %d", got, store.CurrentSchema)
		}
		for _, b := range []string{"journal", "smsc_ids", "mo_parts", "vouchers", "orders", "order_index"} {
			if tx.Bucket([]byte(b)) == nil {
				t.Errorf("bucket %s missing after migration", b)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateV1 opens a file of schema 1 (before the MO journal): it is
// migrated to the current schema with its data intact, and the journal
// works.
func TestMigrateV1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	run := running(7, "+32470000001", "1ABC123", "1021")
	boltFile(t, path, func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "sessions", "running", "accounts", "account_numbers", "settings", "outbox"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		return errors.Join(
			tx.Bucket([]byte("meta")).Put([]byte("schema"), u64(1)),
			tx.Bucket([]byte("meta")).Put([]byte("next_id"), u64(8)),
			tx.Bucket([]byte("sessions")).Put(u64(7), mustJSON(t, run)),
			tx.Bucket([]byte("running")).Put([]byte(run.Plate), u64(7)),
		)
	})
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Fatalf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
	if st := load(t, db); len(st.Running) != 1 || st.Running[0].ID != 7 {
		t.Fatalf("running after migration: %+v", st.Running)
	}
	j := sessions.JournalEntry{Key: "smsc|+32470000001|abc|1", From: "+32470000001", Received: t0, At: t0}
	commit(t, db, sessions.Change{Journal: []sessions.JournalEntry{j}})
	got, err := db.Journal(context.Background(), t0.Add(-time.Minute))
	if err != nil || len(got) != 1 || got[0].Key != j.Key {
		t.Fatalf("Journal = %+v, %v", got, err)
	}
	if got, _ := db.Journal(context.Background(), t0.Add(time.Second)); len(got) != 0 {
		t.Fatalf("Journal after t0 = %+v", got)
	}
}

func TestParts(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	for _, k := range []string{"smsc|+32470000001|7|3|1", "smsc|+32470000001|7|3|2", "smsc|+32470000002|7|3|1"} {
		if err := db.PutPart(ctx, []byte(k), []byte("part "+k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteParts(ctx, []byte("smsc|+32470000001|7|3|")); err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := db.Parts(ctx, func(k, v []byte) error { left = append(left, string(k)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != "smsc|+32470000002|7|3|1" {
		t.Fatalf("parts left: %v", left)
	}
}

func TestAPIKeysIdempotencyNonces(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	k := store.APIKey{ID: "K1", Hash: store.HashKey("sk_secret"), Role: "warden", City: "Brussels", Created: t0}
	if err := db.PutAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if got, err := db.APIKeyByHash(ctx, store.HashKey("sk_secret")); err != nil || got.City != "Brussels" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := db.APIKeyByHash(ctx, store.HashKey("sk_other")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	r := store.Idempotent{RequestHash: "h", Status: 201, Body: []byte(`{"id":"O1"}`), Created: t0}
	if err := db.PutIdempotentResponse(ctx, "portal:K1", "abc", r); err != nil {
		t.Fatal(err)
	}
	if got, err := db.IdempotentResponse(ctx, "portal:K1", "abc"); err != nil || got.Status != 201 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := db.IdempotentResponse(ctx, "portal:K2", "abc"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another scope: %v", err)
	}
	if fresh, _ := db.UseNonce(ctx, "n1", t0); !fresh {
		t.Fatal("first use of a nonce not fresh")
	}
	if fresh, _ := db.UseNonce(ctx, "n1", t0); fresh {
		t.Fatal("a replayed nonce was fresh")
	}
}

func TestRetentionAndCompact(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var ch sessions.Change
	for i := range 3000 {
		s := ended(running(uint64(i+1), "+32470000001", fmt.Sprintf("P%05d", i), "1021"), sessions.EndStop)
		s.End = t0.AddDate(-3, 0, i%400) // some older than 24 months, some not
		ch.Sessions = append(ch.Sessions, s)
	}
	ch.Sessions = append(ch.Sessions, running(9999, "+32470000002", "1KEEP01", "1021"))
	ch.NextID = 10000
	commit(t, db, ch)
	cutoff := t0.AddDate(-2, 0, 0)
	p, err := db.DeleteBefore(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := db.Sessions(ctx, store.SessionFilter{})
	for _, s := range left {
		if !s.Running() && s.End.Before(cutoff) {
			t.Fatalf("session %d ended %s survived", s.ID, s.End)
		}
	}
	if p.Sessions == 0 || len(left)+p.Sessions != 3001 {
		t.Fatalf("pruned %d, left %d", p.Sessions, len(left))
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, after, err := store.Compact(dir)
	if err != nil || after > before {
		t.Fatalf("compact: %d -> %d, %v", before, after, err)
	}
	db2 := MustOpenAt(t, dir)
	if st := load(t, db2); len(st.Running) != 1 || st.Running[0].Plate != "1KEEP01" {
		t.Fatalf("after compact: %+v", st.Running)
	}
}

func TestPruneRequests(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	old, recent := t0.Add(-48*time.Hour), t0
	for i, at := range []time.Time{old, recent} {
		key := fmt.Sprint("k", i)
		if err := db.PutIdempotentResponse(ctx, "key:K1", key, store.Idempotent{RequestHash: "h", Status: 201, Created: at}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UseNonce(ctx, fmt.Sprint("n", i), at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.PruneRequests(ctx, t0.Add(-24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if _, err := db.IdempotentResponse(ctx, "key:K1", "k0"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old response survived: %v", err)
	}
	if _, err := db.IdempotentResponse(ctx, "key:K1", "k1"); err != nil {
		t.Fatalf("the recent response was removed: %v", err)
	}
	if fresh, _ := db.UseNonce(ctx, "n1", t0); fresh {
		t.Fatal("the recent nonce was forgotten")
	}
}
