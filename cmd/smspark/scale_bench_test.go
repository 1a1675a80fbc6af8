package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/config"
	"smspark/sessions"
	"smspark/store"
)

// The scale harness's flags (go test -bench ScaleStart ./cmd/smspark/ -args -scale.running=1000000).
var (
	scaleRunning = flag.Int("scale.running", 10_000, "scale harness: running sessions (one per number)")
	scaleEnded   = flag.Int("scale.ended", 0, "scale harness: ended sessions")
	scaleTraffic = flag.Bool("scale.traffic", false, "scale harness: each ended session's two MOs and two replies too")
	scaleData    = flag.String("scale.data", "", "scale harness: data directory to fill (kept), or holding a store already filled")
	scaleConfig  = flag.String("scale.config", "", "scale harness: YAML configuration (default: the embedded reference data)")
)

// BenchmarkScaleStart fills a store (once, untimed; -scale.data reuses
// one) and times opening it and building the engine as serve does. It
// reports the live heap per running session and the store file's size;
// with -v, the whole measurement (phases, peak RSS, records per bucket).
func BenchmarkScaleStart(b *testing.B) {
	cfg, err := loadConfig(*scaleConfig)
	if err != nil {
		b.Fatal(err)
	}
	dir := *scaleData
	if dir == "" {
		dir = b.TempDir()
	}
	ctx := context.Background()
	if store.Exists(dir) != nil {
		var out bytes.Buffer
		f := scaleFill{dataDir: dir, cfg: cfg, running: *scaleRunning, ended: *scaleEnded, traffic: *scaleTraffic, batch: 20_000}
		if err := f.run(ctx, &out); err != nil {
			b.Fatal(err)
		}
		b.Log("\n" + out.String())
	}
	var fig scaleFigures
	var out bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		if fig, err = scaleMeasure(ctx, &out, cfg, dir); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.Log("\n" + out.String())
	if fig.running > 0 {
		b.ReportMetric(float64(fig.heap)/float64(fig.running), "heap-B/running")
	}
	b.ReportMetric(float64(fig.file)/(1<<20), "file-MiB")
}

// TestScaleHarness: the harness fills a store that the engine starts on,
// every running session back, every bucket reported.
func TestScaleHarness(t *testing.T) {
	cfg := config.Default()
	dir := t.TempDir()
	var out bytes.Buffer
	f := scaleFill{dataDir: dir, cfg: cfg, running: 300, ended: 200, traffic: true, batch: 64}
	if err := f.run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if err := f.run(context.Background(), &out); err == nil {
		t.Fatal("a second fill of the same directory succeeded")
	}
	fig, err := scaleMeasure(context.Background(), &out, cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if fig.running != 300 || fig.file == 0 {
		t.Fatalf("measured %+v, want 300 running sessions in a file", fig)
	}
	for _, want := range []string{"running sessions:   300", "store file:", "bucket"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// loadTimer times the store's Load for the report.
type loadTimer struct {
	*store.DB
	load time.Duration
}

func (l *loadTimer) Load(ctx context.Context) (sessions.State, error) {
	began := time.Now()
	st, err := l.DB.Load(ctx)
	l.load = time.Since(began)
	return st, err
}

// scaleFigures are one measurement's numbers.
type scaleFigures struct {
	running    int
	heap, file int64 // live heap of the engine, bytes of the store file
}

// scaleMeasure opens the store and builds the engine as serve does
// (store.Open, then sessions.New: Load and the in-memory indexes), and
// reports to out: the time from before the open to the engine ready (and
// the part spent in the store's Load); the live heap after a GC, minus
// the heap before the open, per running session; the peak resident size
// of the process; the records per bucket and the bytes of the file.
func scaleMeasure(ctx context.Context, out io.Writer, cfg *config.Config, dataDir string) (scaleFigures, error) {
	var fig scaleFigures
	if err := store.Exists(dataDir); err != nil {
		return fig, err
	}
	path := filepath.Join(dataDir, store.FileName)
	fi, err := os.Stat(path)
	if err != nil {
		return fig, err
	}
	fig.file = fi.Size()
	// Two GCs: sync.Pools keep their objects through one.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)

	began := time.Now()
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		return fig, err
	}
	defer db.Close()
	opened := time.Since(began)
	timer := &loadTimer{DB: db}
	opts := engineOptions(cfg, db, systemClock{})
	opts.Store = timer
	eng, err := sessions.New(ctx, opts)
	if err != nil {
		return fig, err
	}
	ready := time.Since(began)

	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	for _, n := range eng.RunningByCity() {
		fig.running += n
	}
	runtime.KeepAlive(eng)
	if err := db.Close(); err != nil {
		return fig, err
	}
	fig.heap = int64(after.HeapAlloc) - int64(before.HeapAlloc)

	fmt.Fprintf(out, "running sessions:   %d\n", fig.running)
	fmt.Fprintf(out, "start to ready:     %s (open %s, store Load %s, engine build %s), GOMAXPROCS %d\n",
		ready.Round(time.Millisecond), opened.Round(time.Millisecond), timer.load.Round(time.Millisecond),
		(ready - opened - timer.load).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Fprintf(out, "live heap:          %s", mib(fig.heap))
	if fig.running > 0 {
		fmt.Fprintf(out, ", %d bytes per running session", fig.heap/int64(fig.running))
	}
	fmt.Fprintln(out)
	if hwm := peakRSS(); hwm != "" {
		fmt.Fprintf(out, "peak RSS:           %s\n", hwm)
	}
	fmt.Fprintf(out, "store file:         %s\n", mib(fig.file))
	return fig, bucketReport(out, path)
}

// bucketReport lists, per bucket of the store's file, its records and the
// bytes its pages hold.
func bucketReport(out io.Writer, path string) error {
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer bdb.Close()
	return bdb.View(func(tx *bolt.Tx) error {
		fmt.Fprintf(out, "%-16s %12s %12s %12s\n", "bucket", "records", "in use", "pages")
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s := b.Stats()
			pages := int64(s.BranchPageN+s.BranchOverflowN+s.LeafPageN+s.LeafOverflowN) * int64(tx.DB().Info().PageSize)
			fmt.Fprintf(out, "%-16s %12d %12s %12s\n", name, s.KeyN, mib(int64(s.BranchInuse+s.LeafInuse)), mib(pages))
			return nil
		})
	})
}

// peakRSS returns the process's peak resident size (Linux), or "".
func peakRSS() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
