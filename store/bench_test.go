package store_test

import (
	"context"
	"fmt"
	"testing"

	"smspark/sessions"
	"smspark/store"
)

// BenchmarkCommit measures one Commit (one transaction, one fsync) of a
// batch of 1 or 100 changes, each a session start with its settings and
// confirmation. Compare ns/change: the engine's group commit pays one fsync
// per batch.
func BenchmarkCommit(b *testing.B) {
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("changes=%d", size), func(b *testing.B) {
			db, err := store.Open(b.TempDir(), store.Options{Create: true}) // with fsync
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = db.Close() })
			ctx := context.Background()
			id := uint64(1)
			batch := make([]sessions.Change, size)
			for b.Loop() {
				for i := range batch {
					number := fmt.Sprintf("+3247%07d", id%10000)
					plate := fmt.Sprintf("1B%05d", id%100000)
					batch[i] = sessions.Change{
						Sessions: []sessions.Session{running(id, number, plate, "1021")},
						Settings: []sessions.Settings{{Number: number, LastPlate: plate, Parked: true}},
						Messages: []sessions.Message{{ID: id + 1, To: number, Status: "queued", Outcome: sessions.Started, Text: "Parking started"}},
						NextID:   id + 2,
					}
					id += 2
				}
				if err := db.Commit(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size), "ns/change")
		})
	}
}
