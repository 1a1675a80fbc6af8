package sessions_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"smspark/sessions"
)

// BenchmarkHandle measures whole commands — parse, apply, commit with fsync
// — from many concurrent callers, as MOs arrive from several SMSC binds.
// Group commit lets the callers share each sync; the "serial" case shows
// the cost of one sync per command for comparison in the same run.
func BenchmarkHandle(b *testing.B) {
	for _, par := range []int{1, 64, 256} {
		b.Run(fmt.Sprintf("callers=%d", par), func(b *testing.B) {
			h := newBenchHarness(b)
			var next atomic.Int64
			b.SetParallelism(max(1, par/2)) // GOMAXPROCS × par/2 goroutines
			if par == 1 {
				b.SetParallelism(1)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := next.Add(1)
				number := fmt.Sprintf("+32475%06d", i)
				plate := fmt.Sprintf("%dBEN%03d", i%10, i%1000)
				text := [2]string{"1021 " + plate, "Q"}
				k := 0
				for pb.Next() {
					r, err := h.eng.Handle(context.Background(), sessions.MO{From: number, Operator: "proximus", Text: text[k%2]})
					if err != nil {
						b.Fatal(err)
					}
					if r.Outcome != sessions.Started && r.Outcome != sessions.Stopped && r.Outcome != sessions.Replaced {
						b.Fatalf("%s", r.Outcome)
					}
					k++
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
		})
	}
}

func newBenchHarness(b *testing.B) *harness {
	h := newHarness(b)
	h.clock.Set(at(b, "2026-11-23 10:00"))
	return h
}
