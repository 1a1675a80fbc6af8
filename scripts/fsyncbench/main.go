// Command fsyncbench measures a bare fsync on the disk of a directory: it
// rewrites one 4 KiB page of a preallocated file and fdatasyncs it, as
// bbolt does for each commit, and prints the mean and the median in
// microseconds. scripts/bench.sh runs it beside the engine's data
// directory so that the engine's commit time can be compared with it.
//
//	go run ./scripts/fsyncbench -dir /tmp/x -n 500
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "directory on the disk to measure")
	n := flag.Int("n", 500, "fsyncs")
	flag.Parse()
	if err := run(*dir, *n); err != nil {
		fmt.Fprintln(os.Stderr, "fsyncbench:", err)
		os.Exit(1)
	}
}

func run(dir string, n int) error {
	if n < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	f, err := os.CreateTemp(dir, "fsyncbench-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	// Preallocate so that the timed syncs write data, not file size.
	if _, err := f.Write(make([]byte, 64*len(page))); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	took := make([]time.Duration, n)
	for i := range n {
		page[0] = byte(i)
		start := time.Now()
		if _, err := f.WriteAt(page, int64(i%64*len(page))); err != nil {
			return err
		}
		if err := fdatasync(f); err != nil {
			return err
		}
		took[i] = time.Since(start)
	}
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	slices.Sort(took)
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	fmt.Printf("fsync_mean_us=%.1f fsync_p50_us=%.1f n=%d dir=%s\n",
		us(sum/time.Duration(n)), us(took[n/2]), n, filepath.Clean(dir))
	return nil
}
