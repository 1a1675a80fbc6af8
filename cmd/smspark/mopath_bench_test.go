package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smspark/config"
	"smspark/smpp"
	"smspark/smpp/smsc"
)

// BenchmarkMOPath measures the whole MO path in one process, as serve
// runs it: the simulator encodes a deliver_sm, the engine's SMPP client
// decodes it, the parser and the session engine apply it, the store
// commits it with fsync, the outbox commits the reply and encodes its
// submit_sm, and the simulator decodes that. One op is one MO and its
// reply. Allocations (-benchmem) are the whole process's: engine and
// simulator together. The clock is fixed, so each run does the same work.
//
//	go test -run='^$' -bench=BenchmarkMOPath -benchmem ./cmd/smspark/
func BenchmarkMOPath(b *testing.B) {
	for _, phones := range []int{1, 32} {
		b.Run(fmt.Sprintf("phones=%d", phones), func(b *testing.B) {
			sim := startBenchEngine(b)
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(max(1, phones/2)) // GOMAXPROCS × phones/2 goroutines
			if phones == 1 {
				b.SetParallelism(1)
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				number, plate := smsc.LoadPhone(7, int(next.Add(1)))
				texts := [2]string{"1021 " + plate, "Q"}
				ctx := context.Background()
				for k := 0; pb.Next(); k++ {
					d, err := sim.DeliverMO(ctx, smsc.MO{From: number, To: "4411", Text: texts[k%2]})
					if err != nil || d.Status != smsc.StatusOK {
						b.Errorf("MO %q: %v %v", texts[k%2], d.Status, err)
						return
					}
					wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					_, err = sim.WaitMT(wctx, number)
					cancel()
					if err != nil {
						b.Errorf("no reply to %s: %v", number, err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "MOs/s")
		})
	}
}

// startBenchEngine starts the simulator and the real engine bound to it,
// on a fresh data directory, and returns the simulator once the bind is up.
func startBenchEngine(b *testing.B) *smsc.Server {
	b.Helper()
	clock := &setClock{now: mustTimeTB(b, "2026-11-23T10:00:00+01:00")}
	sim, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret",
		Operator: "proximus", Clock: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.Listen(); err != nil {
		b.Fatal(err)
	}
	simCtx, simCancel := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(simCtx) }()
	cfg := config.Default()
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: sim.Addr(), SystemID: "smspark",
		Password: "secret", BindMode: config.BindTransceiver, Window: 100, MaxSubmitsPerSecond: 100000,
		EnquireLink: 30 * time.Second, ReconnectMin: 10 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}}
	m := &Main{Config: cfg, DataDir: b.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: zerolog.Nop(), Clock: clock}
	if err := m.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("engine Run: %v", err)
		}
		m.Close()
		simCancel()
		<-simDone
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := sim.WaitBound(wctx, 1); err != nil {
		b.Fatalf("engine did not bind: %v", err)
	}
	for {
		up := true
		for _, s := range m.Client.Status() {
			up = up && s.State == smpp.StateUp
		}
		if up {
			return sim
		}
		select {
		case <-wctx.Done():
			b.Fatalf("the engine's binds are not up: %+v", m.Client.Status())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func mustTimeTB(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
