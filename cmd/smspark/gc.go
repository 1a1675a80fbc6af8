package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/rs/zerolog"
)

// cgroupMemoryMax returns the memory.max file of the process's cgroup
// (v2): a systemd service's MemoryMax= or a container's limit.
func cgroupMemoryMax() string {
	raw, _ := os.ReadFile("/proc/self/cgroup")
	for line := range strings.SplitSeq(string(raw), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			return filepath.Join("/sys/fs/cgroup", path, "memory.max")
		}
	}
	return "/sys/fs/cgroup/memory.max"
}

// memoryLimit returns the soft memory limit serve sets when GOMEMLIMIT is
// not set: 90 % of the container's memory limit (memory.max as read, "max"
// or unreadable meaning none), leaving room for what the Go heap does not
// count (bbolt's map is file-backed and reclaimable, goroutine stacks,
// the runtime); 0 when there is no limit to follow or GOMEMLIMIT is set.
//
// GOGC stays Go's default (100) unless set: a higher value halves the
// collections' CPU at low heap but adds the same share to the peak of a
// large engine (a million running sessions hold about 740 MiB live), and
// the soft limit already keeps a container's engine from being killed.
func memoryLimit(getenv func(string) string, memoryMax string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(memoryMax), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n / 10 * 9
}

// setMemoryLimit applies memoryLimit to the running process and logs the
// garbage collector's policy.
func setMemoryLimit(log zerolog.Logger) {
	raw, _ := os.ReadFile(cgroupMemoryMax())
	if limit := memoryLimit(os.Getenv, string(raw)); limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	log.Info().Str("gogc", os.Getenv("GOGC")).Int64("memory_limit_bytes", debug.SetMemoryLimit(-1)).
		Msg("garbage collector policy")
}
