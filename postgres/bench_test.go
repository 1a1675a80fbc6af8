package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"smspark/postgres"
	"smspark/postgres/pgtest"
	"smspark/sessions"
)

// BenchmarkCommit measures Commit of one session start (with its settings
// and confirmation) from 64 concurrent callers, as the engine's handlers
// call it, on a server with fsync on: the group commit shares one
// transaction and one WAL flush among the calls that arrive together.
// calls/tx is how many Commit calls shared a transaction on average.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	srv, err := pgtest.Start(ctx, pgtest.Options{Fsync: true})
	if err != nil {
		pgtest.Skip(b, err)
	}
	b.Cleanup(func() { _ = srv.Stop() })
	url, err := srv.CreateDatabase(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var txs, calls atomic.Int64
	db, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 8, OnCommit: func(s postgres.CommitStats) {
		txs.Add(1)
		calls.Add(int64(s.Calls))
	}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	var next atomic.Uint64
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	b.SetParallelism(32) // 32 × GOMAXPROCS callers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := next.Add(2)
			number, plate := fmt.Sprintf("+3247%07d", id), fmt.Sprintf("1B%07d", id)
			err := db.Commit(ctx, []sessions.Change{{
				Sessions: []sessions.Session{{ID: id, Number: number, Plate: plate, Zone: "1021", City: "Brussels",
					Start: start, Until: start.Add(time.Hour)}},
				Settings: []sessions.Settings{{Number: number, LastPlate: plate}},
				Messages: []sessions.Message{{ID: id + 1, To: number, Status: sessions.StatusQueued, Text: "Parking started"}},
				NextID:   id + 2,
			}})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	if n := txs.Load(); n > 0 {
		b.ReportMetric(float64(calls.Load())/float64(n), "calls/tx")
	}
}
