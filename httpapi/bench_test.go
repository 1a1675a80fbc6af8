package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"smspark/sessions"
	"smspark/store"
)

// Warden lookups: how many a second the server answers on loopback, and
// how fast, with 100,000 running sessions. The clients are minimal
// HTTP/1.1 keep-alive connections (one request at a time each, the
// response read with net/http's parser), in the same process: they share
// the machine's cores with the server.

// runningPlate is the plate of the i-th preloaded session.
func runningPlate(i int) string { return fmt.Sprintf("1B%05d", i) }

// preloadSessions writes n running sessions (distinct plates, zone 1021,
// started between 09:00 and 10:00 on 2026-11-23, each for 4h30) before
// the engine loads the store.
func preloadSessions(n int) func(testing.TB, *store.DB) {
	return func(tb testing.TB, db *store.DB) {
		tb.Helper()
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			tb.Fatal(err)
		}
		t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
		batch := make([]sessions.Change, 0, 5000)
		for i := range n {
			start := t0.Add(time.Duration(i%3600) * time.Second)
			batch = append(batch, sessions.Change{Sessions: []sessions.Session{{
				ID: uint64(i + 1), Number: fmt.Sprintf("+3247%07d", i), Plate: runningPlate(i), Zone: "1021", City: "Brussels",
				Channel: sessions.ChannelSMS, Start: start, Until: start.Add(4*time.Hour + 30*time.Minute)}},
				NextID: uint64(i + 2)})
			if len(batch) == cap(batch) || i == n-1 {
				if err := db.Commit(context.Background(), batch); err != nil {
					tb.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
}

// lookupClient is one keep-alive connection asking warden lookups.
type lookupClient struct {
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	key  string
	host string
	rng  *rand.Rand
	n    int // sessions preloaded
	// check, when set, checks a response against openapi.yaml.
	check func(req *http.Request, resp *http.Response, body []byte) error
	buf   bytes.Buffer
}

func dialLookup(addr, key string, n int, seed uint64) (*lookupClient, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &lookupClient{conn: c, br: bufio.NewReaderSize(c, 8<<10), bw: bufio.NewWriterSize(c, 4<<10), key: key, host: addr,
		rng: rand.New(rand.NewPCG(seed, 7)), n: n}, nil
}

// lookup asks one plate (9 in 10 running, the others unknown) and reads
// the answer. It returns the status and whether the plate was valid.
func (c *lookupClient) lookup(validate bool) (int, error) {
	i := c.rng.IntN(c.n)
	plate := runningPlate(i)
	if i%10 == 0 {
		plate = fmt.Sprintf("9Z%05d", i)
	}
	target := "/v1/enforcement/plates/" + plate + "?zone=1021"
	c.bw.WriteString("GET " + target + " HTTP/1.1\r\nHost: " + c.host + "\r\nAuthorization: Bearer " + c.key + "\r\n\r\n")
	if err := c.bw.Flush(); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	c.buf.Reset()
	_, err = c.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if validate && c.check != nil {
		req, _ := http.NewRequest(http.MethodGet, "http://"+c.host+target, nil)
		resp.Request = req
		if err := c.check(req, resp, c.buf.Bytes()); err != nil {
			return resp.StatusCode, err
		}
	}
	if resp.StatusCode == http.StatusOK && i%10 != 0 && !bytes.Contains(c.buf.Bytes(), []byte(`"valid":true`)) {
		return resp.StatusCode, fmt.Errorf("%s: running, but %s", plate, c.buf.String())
	}
	return resp.StatusCode, nil
}

func (c *lookupClient) Close() error { return c.conn.Close() }

// startWardenAPI starts the server with n running sessions.
func startWardenAPI(tb testing.TB, n int) *api {
	tb.Helper()
	a := startAPIWith(tb, apiOptions{preload: preloadSessions(n)})
	a.clock.Set(time.Date(2026, 11, 23, 10, 5, 0, 0, a.cfg.Location))
	// One checked request through the ordinary client first.
	if code, v := a.do("GET", "/v1/enforcement/plates/"+runningPlate(42)+"?zone=1021", "warden-brussels", nil); code != 200 || v["valid"] != true {
		tb.Fatalf("warm-up: %d %v", code, v)
	}
	return a
}

// BenchmarkEnforcement measures warden lookups over keep-alive
// connections: b.RunParallel with 32 goroutines (connections) per CPU.
// It reports lookups/s and latency percentiles.
//
//	go test -run '^$' -bench Enforcement -benchtime 5s ./httpapi/
func BenchmarkEnforcement(b *testing.B) {
	const n = 100_000
	a := startWardenAPI(b, n)
	s := mustSpec(b)
	var (
		mu   sync.Mutex
		lats []time.Duration
		seed atomic.Uint64
	)
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := dialLookup(a.addr, a.keys["warden-brussels"], n, seed.Add(1))
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		c.check = s.check
		local := make([]time.Duration, 0, 1024)
		for k := 0; pb.Next(); k++ {
			t0 := time.Now()
			code, err := c.lookup(k%1000 == 0)
			local = append(local, time.Since(t0))
			if err != nil || code != 200 {
				b.Errorf("lookup: %d %v", code, err)
				return
			}
		}
		mu.Lock()
		lats = append(lats, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(lats) > 0 {
		b.ReportMetric(float64(len(lats))/b.Elapsed().Seconds(), "lookups/s")
		p := percentiles(lats)
		b.ReportMetric(float64(p(0.50).Microseconds()), "p50-µs")
		b.ReportMetric(float64(p(0.99).Microseconds()), "p99-µs")
	}
}

// percentiles sorts lats and returns a function giving a percentile.
func percentiles(lats []time.Duration) func(q float64) time.Duration {
	slices.Sort(lats)
	return func(q float64) time.Duration {
		if len(lats) == 0 {
			return 0
		}
		i := int(q * float64(len(lats)))
		return lats[min(i, len(lats)-1)]
	}
}

// TestWardenLoadFigure is a measurement, not a pass/fail timing test: it
// runs keep-alive clients against a server with 100,000 running sessions
// for a while and prints lookups per second and latency percentiles. It
// runs only with SMSPARK_WARDEN_LOAD=1:
//
//	SMSPARK_WARDEN_LOAD=1 go test -run TestWardenLoadFigure -count=1 -v ./httpapi/
//
// SMSPARK_WARDEN_CONNS lists the numbers of connections to try
// (default "16,64,256"), SMSPARK_WARDEN_SECONDS how long each runs
// (default 10). One response in 1,000 is checked against openapi.yaml;
// every one must be a 200 whose validity is right.
func TestWardenLoadFigure(t *testing.T) {
	if os.Getenv("SMSPARK_WARDEN_LOAD") != "1" {
		t.Skip("a measurement: set SMSPARK_WARDEN_LOAD=1")
	}
	const n = 100_000
	conns := []int{16, 64, 256}
	if v := os.Getenv("SMSPARK_WARDEN_CONNS"); v != "" {
		conns = nil
		for f := range strings.SplitSeq(v, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 1 {
				t.Fatalf("SMSPARK_WARDEN_CONNS: %q", v)
			}
			conns = append(conns, c)
		}
	}
	secs := 10
	if v := os.Getenv("SMSPARK_WARDEN_SECONDS"); v != "" {
		var err error
		if secs, err = strconv.Atoi(v); err != nil || secs < 1 {
			t.Fatalf("SMSPARK_WARDEN_SECONDS: %q", v)
		}
	}
	setup := time.Now()
	a := startWardenAPI(t, n)
	t.Logf("setup (%d running sessions loaded): %v; GOMAXPROCS %d, %d CPUs", n, time.Since(setup).Round(time.Millisecond),
		runtime.GOMAXPROCS(0), runtime.NumCPU())
	s := mustSpec(t)
	for _, nc := range conns {
		res := runLoad(t, a, s, n, nc, time.Duration(secs)*time.Second)
		perLookup := res.cpu / time.Duration(max(res.total, 1))
		t.Logf("%4d connections, %ds: %8.0f lookups/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %6.2f ms  "+
			"CPU %5.1f µs/lookup (server+clients; %.0f/s if all %d CPUs were ours)  (%d lookups, %d checked against openapi.yaml, %d errors)",
			nc, secs, res.rate, ms(res.p(0.50)), ms(res.p(0.90)), ms(res.p(0.99)), ms(res.p(0.999)), ms(res.p(1)),
			float64(perLookup.Nanoseconds())/1000, float64(runtime.NumCPU())*float64(time.Second)/float64(max(perLookup, 1)),
			runtime.NumCPU(), res.total, res.checked, res.errors)
		if res.errors > 0 {
			t.Errorf("%d lookups failed; first: %v", res.errors, res.firstErr)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the CPU time (user and system) the process used so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type loadResult struct {
	rate           float64
	cpu            time.Duration // the process's CPU time (server and clients)
	total, checked int
	errors         int
	firstErr       error
	p              func(float64) time.Duration
}

// runLoad runs nc closed-loop clients for d and gathers their latencies.
func runLoad(t *testing.T, a *api, s *spec, n, nc int, d time.Duration) loadResult {
	t.Helper()
	clients := make([]*lookupClient, nc)
	for i := range clients {
		c, err := dialLookup(a.addr, a.keys["warden-brussels"], n, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		c.check = s.check
		clients[i] = c
		defer c.Close()
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      []time.Duration
		res      loadResult
		stop     atomic.Bool
		checked  atomic.Int64
		started  = make(chan struct{})
		deadline time.Time
	)
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lats := make([]time.Duration, 0, 64<<10)
			var errs int
			var first error
			<-started
			for k := 0; !stop.Load(); k++ {
				validate := k%1000 == 0
				t0 := time.Now()
				code, err := c.lookup(validate)
				lats = append(lats, time.Since(t0))
				if validate {
					checked.Add(1)
				}
				if err == nil && code != 200 {
					err = fmt.Errorf("status %d", code)
				}
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					if err == io.EOF || isNetClosed(err) {
						break
					}
				}
			}
			mu.Lock()
			all = append(all, lats...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	cpu0 := cpuTime(t)
	t0 := time.Now()
	deadline = t0.Add(d)
	close(started)
	<-time.NewTimer(time.Until(deadline)).C
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(t0)
	res.cpu = cpuTime(t) - cpu0
	res.total = len(all)
	res.checked = int(checked.Load())
	res.rate = float64(len(all)) / elapsed.Seconds()
	res.p = percentiles(all)
	return res
}
