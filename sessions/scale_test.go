package sessions_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"smspark/sessions"
)

// TestStartAtScale starts an engine on a store of 10,000 running sessions
// and their numbers' settings, checks that it indexed every one (by plate,
// by number, by expiry), and logs the heap each running session takes: the
// figure BenchmarkScaleStart (cmd/smspark) reports at a million.
func TestStartAtScale(t *testing.T) {
	const n, expiring = 10_000, 3599
	h := newHarness(t)
	now := h.clock.Now()
	zones := []struct{ code, city string }{{"1021", "Brussels"}, {"1030", "Brussels"}, {"8370", "Blankenberge"}, {"3000", "Leuven"}}
	plate := func(i int) string { return fmt.Sprintf("%dSC%04d", 1+i%9, i) }
	number := func(i int) string { return fmt.Sprintf("+3247%07d", i) }
	fill := func() { // in a function: the change is garbage before the heap is measured
		c := sessions.Change{NextID: n + 1}
		for i := range n {
			z := zones[i%len(zones)]
			start := now.Add(-time.Duration(1+i%3600) * time.Second)
			s := sessions.Session{ID: uint64(i + 1), Number: number(i), Operator: "proximus",
				Plate: plate(i), Zone: z.code, City: z.city, Channel: sessions.ChannelSMS, Start: start,
				Until: start.Add(2 * time.Hour)}
			if i == expiring {
				s.Until, s.Reminded = now.Add(time.Minute), true
			}
			c.Sessions = append(c.Sessions, s)
			c.Settings = append(c.Settings, sessions.Settings{Number: number(i), LastPlate: plate(i), LastZone: z.code,
				Parked: true, Month: "2026-11", MonthCents: int64(i % 5000)})
		}
		if err := h.db.Commit(context.Background(), []sessions.Change{c}); err != nil {
			t.Fatal(err)
		}
	}
	fill()

	// Restart, measuring the heap from after the close (bbolt holds memory
	// after a large commit until then) to the engine ready.
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	// Two GCs: sync.Pools keep their objects through one.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	h.open()
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)

	total := 0
	for _, k := range h.eng.RunningByCity() {
		total += k
	}
	if total != n {
		t.Fatalf("%d running sessions after start, want %d", total, n)
	}
	for i := 0; i < n; i += 997 {
		v := h.eng.Check(plate(i), zones[i%len(zones)].code, now)
		if !v.Valid || v.Session.ID != uint64(i+1) {
			t.Fatalf("Check(%s): %+v", plate(i), v)
		}
	}
	// The number index: a stop without a plate finds the number's session.
	r, err := h.eng.Handle(context.Background(), sessions.MO{From: number(4242), Operator: "proximus", Text: "Q"})
	if err != nil || r.Outcome != sessions.Stopped || r.Sessions[0].Plate != plate(4242) {
		t.Fatalf("stop: %+v, %v", r, err)
	}
	// The expiry heap: the one session whose latest end passes ends.
	later := now.Add(2 * time.Minute)
	h.clock.Set(later)
	if err := h.eng.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := h.eng.Check(plate(expiring), zones[expiring%len(zones)].code, later); v.Valid {
		t.Fatalf("session %d still valid after its latest end", expiring+1)
	}
	if v := h.eng.Check(plate(0), zones[0].code, later); !v.Valid {
		t.Fatalf("session 1 ended: %+v", v)
	}
	t.Logf("%d running sessions: %d bytes of heap each after start (the engine's indexes, sessions and settings)",
		n, (int64(after.HeapAlloc)-int64(before.HeapAlloc))/n)
}
