package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
	"smspark/store"
)

// fillScale commits n running sessions of n numbers, each number's
// settings, and an ended session before each running one (so the running
// sessions are not contiguous in the sessions bucket). A few records carry
// what JSON escapes or what the fast decoders do not take. It returns what
// Load must return.
func fillScale(tb testing.TB, db *store.DB, n int) ([]sessions.Session, []sessions.Settings) {
	tb.Helper()
	var run []sessions.Session
	var sets []sessions.Settings
	c := sessions.Change{}
	for i := range n {
		number := fmt.Sprintf("+3247%07d", i)
		plate := fmt.Sprintf("%dSC%04d", 1+i%9, i)
		old := ended(running(uint64(2*i+1), number, plate, "1030"), sessions.EndStop)
		s := running(uint64(2*i+2), number, plate, []string{"1021", "1030", "8370"}[i%3])
		st := sessions.Settings{Number: number, LastPlate: plate, LastZone: s.Zone, Parked: true,
			Month: "2026-11", MonthCents: int64(i % 5000)}
		switch i % 1000 {
		case 7:
			s.City = "Bruxelles <\"Centre\">" // escaped by JSON
			st.PassRequests = []time.Time{t0, t0.Add(time.Minute)}
		case 8:
			s.Grant, s.ReducedPercent, s.Reminded = "G\u00e9", 25, true
			st.Language, st.PasswordHash = "fr", "$2a$10$abc"
		}
		c.Sessions = append(c.Sessions, old, s)
		c.Settings = append(c.Settings, st)
		run, sets = append(run, s), append(sets, st)
	}
	c.NextID = uint64(2*n + 1)
	commit(tb, db, c)
	return run, sets
}

// TestLoadAtScale loads 5,000 running sessions (decoded in parallel, by
// the fast path and, for a few, by encoding/json) and checks that Load
// returns exactly what was committed, in ID order.
func TestLoadAtScale(t *testing.T) {
	db := MustOpen(t)
	wantRun, wantSets := fillScale(t, db, 5000)
	st := load(t, db)
	if len(st.Running) != len(wantRun) || len(st.Settings) != len(wantSets) {
		t.Fatalf("Load: %d running, %d settings; want %d, %d", len(st.Running), len(st.Settings), len(wantRun), len(wantSets))
	}
	for i := range wantRun {
		// Times come back in UTC from JSON; compare them as instants.
		got, want := st.Running[i], wantRun[i]
		if !got.Start.Equal(want.Start) || !got.Until.Equal(want.Until) {
			t.Fatalf("running[%d] times: %v %v, want %v %v", i, got.Start, got.Until, want.Start, want.Until)
		}
		got.Start, got.Until, want.Start, want.Until = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("running[%d]:\n got %+v\nwant %+v", i, got, want)
		}
	}
	// Settings come back ordered by number, as they were made.
	for i := range wantSets {
		got, want := st.Settings[i], wantSets[i]
		if len(got.PassRequests) != len(want.PassRequests) {
			t.Fatalf("settings[%d]: %+v, want %+v", i, got, want)
		}
		for j := range want.PassRequests {
			if !got.PassRequests[j].Equal(want.PassRequests[j]) {
				t.Fatalf("settings[%d]: %+v, want %+v", i, got, want)
			}
		}
		got.PassRequests, want.PassRequests = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("settings[%d]:\n got %+v\nwant %+v", i, got, want)
		}
	}
	if st.NextID != 10_001 {
		t.Errorf("NextID %d", st.NextID)
	}
}

// TestLoadAtScaleCorrupt: one undecodable record among thousands fails
// Load with ErrCorrupt naming it.
func TestLoadAtScaleCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bucket string
		key    []byte
		want   string
	}{
		{"session", "sessions", u64(2 * 2345), "session 4690"},
		{"settings", "settings", []byte("+32470002345"), `settings "+32470002345"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := MustOpenAt(t, dir)
			fillScale(t, db, 3000)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			boltFile(t, dbPath(dir), func(tx *bolt.Tx) error {
				return tx.Bucket([]byte(tc.bucket)).Put(tc.key, []byte(`{"number":`))
			})
			db = MustOpenAt(t, dir)
			_, err := db.Load(context.Background())
			if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v; want ErrCorrupt naming %s", err, tc.want)
			}
			_ = db.Close() // Check would report the damage
		})
	}
}

// BenchmarkLoad measures Load of n running sessions with their numbers'
// settings (and as many ended sessions): ns/session is the store's part of
// the engine's start per running session.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("running=%d", n), func(b *testing.B) {
			db, err := store.Open(b.TempDir(), store.Options{Create: true, NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = db.Close() })
			fillScale(b, db, n)
			for b.Loop() {
				if _, err := db.Load(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/session")
		})
	}
}
