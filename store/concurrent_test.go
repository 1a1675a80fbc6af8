package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"smspark/sessions"
	"smspark/store"
)

// churn commits n batches on plates of prefix: each starts a session,
// replacing the plate's previous one, queues its message and remembers the
// number's last plate. It calls after(i) after commit i.
func churn(t *testing.T, db *store.DB, prefix string, first uint64, n int, after func(int)) {
	t.Helper()
	last := map[string]sessions.Session{}
	for i := range n {
		id := first + uint64(i)*2
		number := fmt.Sprintf("+3247%07d", i%7)
		plate := fmt.Sprintf("%s%03d", prefix, i%5)
		s := running(id, number, plate, "1021")
		c := sessions.Change{
			Sessions: []sessions.Session{s},
			Settings: []sessions.Settings{{Number: number, LastPlate: plate, Parked: true}},
			Messages: []sessions.Message{{ID: id + 1, To: number, Status: "queued", Outcome: sessions.Started}},
			NextID:   id + 2,
		}
		if prev, ok := last[plate]; ok {
			c.Sessions = append(c.Sessions, ended(prev, sessions.EndReplaced))
		}
		last[plate] = s
		if err := db.Commit(context.Background(), []sessions.Change{c}); err != nil {
			t.Errorf("Commit %d: %v", i, err)
			return
		}
		if after != nil {
			after(i)
		}
	}
}

func TestConcurrentCommitAndReads(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	done := make(chan struct{})
	var writers, readers sync.WaitGroup
	writers.Go(func() { churn(t, db, "1AAA", 1, 150, nil) })
	writers.Go(func() { churn(t, db, "2BBB", 10001, 150, nil) })
	for r := range 3 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				st, err := db.Load(ctx)
				if err != nil {
					t.Errorf("reader %d: Load: %v", r, err)
					return
				}
				seen := map[string]bool{}
				for _, s := range st.Running {
					if seen[s.Plate] {
						t.Errorf("reader %d: plate %s runs twice", r, s.Plate)
					}
					seen[s.Plate] = true
				}
				if _, err := db.Sessions(ctx, store.SessionFilter{Running: true, Zone: "1021"}); err != nil {
					t.Errorf("reader %d: Sessions: %v", r, err)
				}
				if _, err := db.Messages(ctx, store.MessageFilter{Status: "queued", Limit: 10}); err != nil {
					t.Errorf("reader %d: Messages: %v", r, err)
				}
				if _, err := db.Settings(ctx, "+32470000001"); err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("reader %d: Settings: %v", r, err)
				}
			}
		})
	}
	writers.Wait()
	close(done)
	readers.Wait()

	st := load(t, db)
	if len(st.Running) != 10 {
		t.Errorf("running = %d sessions, want 10 (5 plates per writer)", len(st.Running))
	}
}

func TestBackupUnderCommits(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	committed := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Go(func() {
		churn(t, db, "1AAA", 1, 200, func(int) { once.Do(func() { close(committed) }) })
	})
	<-committed // backups start while commits go on

	var copies [][]byte
	for range 3 {
		var buf bytes.Buffer
		n, err := db.Backup(ctx, &buf)
		if err != nil {
			t.Fatalf("Backup: %v", err)
		}
		if n != int64(buf.Len()) {
			t.Errorf("Backup returned %d, wrote %d bytes", n, buf.Len())
		}
		copies = append(copies, buf.Bytes())
	}
	wg.Wait()

	for i, b := range copies {
		t.Run(fmt.Sprint("copy", i), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(dbPath(dir), b, 0o600); err != nil {
				t.Fatal(err)
			}
			cp := MustOpenAt(t, dir) // its cleanup runs Check
			if err := cp.Check(ctx); err != nil {
				t.Fatalf("Check of backup: %v", err)
			}
			st := load(t, cp)
			if len(st.Running) == 0 || len(st.Running) > 5 {
				t.Errorf("backup has %d running sessions, want 1 to 5", len(st.Running))
			}
		})
	}
}

// cancelWriter cancels its context on its first write.
type cancelWriter struct {
	cancel context.CancelFunc
	n      int
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	w.n += len(p)
	return len(p), nil
}

func TestBackupCancelled(t *testing.T) {
	db := MustOpen(t)
	commit(t, db, sessions.Change{Sessions: []sessions.Session{running(1, "+32470000001", "1ABC123", "1021")}})

	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := db.Backup(ctx, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Backup: %v, want context.Canceled", err)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &cancelWriter{cancel: cancel}
		n, err := db.Backup(ctx, w)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Backup: %v, want context.Canceled", err)
		}
		if n != int64(w.n) {
			t.Errorf("Backup reported %d bytes, wrote %d", n, w.n)
		}
	})
}
