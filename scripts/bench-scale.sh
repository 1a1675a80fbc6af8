#!/usr/bin/env bash
# scripts/bench-scale.sh — the README's scale figures, reproducibly: warden
# lookups over HTTP and the start of an engine with a million running
# sessions. A sibling of scripts/bench.sh (the SMPP round trips).
#
#   1. Warden lookups: TestWardenLoadFigure (./httpapi/) loads 100,000
#      running sessions and runs
#      keep-alive clients in the same process at 16, 64 and 256
#      connections, SCALE_WARDEN_SECONDS each: lookups/s, p50 and p99.
#   2. The start: BenchmarkScaleStart (cmd/smspark) writes SCALE_RUNNING running
#      sessions (default 1,000,000) and their numbers' settings into a new
#      store, then, run again on it, opens it and builds the engine as
#      serve does: start to ready, live heap, peak RSS, store file size.
#
# It prints one table with the machine's load average at start and end,
# nproc and the git commit.
#
# Environment (all optional):
#   SCALE_WARDEN_SECONDS  seconds per connection count (default 10)
#   SCALE_WARDEN_CONNS    connection counts (default 16,64,256)
#   SCALE_RUNNING         running sessions for the start (default 1000000)
#   BENCH_DIR             where the temporary store goes (default $TMPDIR or /tmp)
#   BENCH_KEEP=1          keep the temporary directory
#   GOGC, GOMEMLIMIT, ... are passed on as set.
set -euo pipefail

WARDEN_SECONDS=${SCALE_WARDEN_SECONDS:-10}
WARDEN_CONNS=${SCALE_WARDEN_CONNS:-16,64,256}
RUNNING=${SCALE_RUNNING:-1000000}

cd "$(dirname "$0")/.."
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/smspark-scale.XXXXXX")
cleanup() {
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "bench-scale: kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

echo "bench-scale: building" >&2
make -s build >&2

NPROC=$(nproc)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo -dirty)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "bench-scale: warden lookups, connections $WARDEN_CONNS, ${WARDEN_SECONDS}s each" >&2
SMSPARK_WARDEN_LOAD=1 SMSPARK_WARDEN_SECONDS=$WARDEN_SECONDS SMSPARK_WARDEN_CONNS=$WARDEN_CONNS \
	go test -run '^TestWardenLoadFigure$' -count=1 -v ./httpapi/ >"$WORK/warden.log" 2>&1 ||
	{ cat "$WORK/warden.log" >&2; echo "bench-scale: the warden load failed" >&2; exit 1; }
# "  64 connections, 10s:    64200 lookups/s  p50 ... ms  p90 ... ms  p99 ... ms ... CPU x µs/lookup"
WARDEN_ROWS=$(awk '/ connections, [0-9]+s:/ {
	for (i = 1; i <= NF; i++) {
		if ($(i+1) == "connections,") c = $i
		if ($(i+1) == "lookups/s") r = $i
		if ($i == "p50") p50 = $(i+1)
		if ($i == "p99") p99 = $(i+1)
		if ($i == "CPU") cpu = $(i+1)
	}
	printf "| %s | %.0f | %s | %s | %s |\n", c, r, p50, p99, cpu }' "$WORK/warden.log")
[ -n "$WARDEN_ROWS" ] || { cat "$WORK/warden.log" >&2; echo "bench-scale: no warden figures" >&2; exit 1; }
WARDEN_SETUP=$(sed -n 's/.*setup (\([0-9]* running sessions loaded\)).*/\1/p' "$WORK/warden.log" | head -1)

echo "bench-scale: filling a store with $RUNNING running sessions" >&2
# BenchmarkScaleStart (cmd/smspark) fills -scale.data once, then measures;
# the second run measures alone, so its peak RSS is the start's, not the
# fill's.
scale() {
	go test -run '^$' -bench '^BenchmarkScaleStart$' -benchtime 1x -count 1 -v ./cmd/smspark/ \
		-args -scale.data "$WORK/store" -scale.running "$RUNNING"
}
scale >"$WORK/fill.log" 2>&1 || { cat "$WORK/fill.log" >&2; exit 1; }
echo "bench-scale: measuring the start" >&2
scale >"$WORK/measure.log" 2>&1 || { cat "$WORK/measure.log" >&2; exit 1; }
field() { sed -n "s/^[[:space:]]*$1: *//p" "$WORK/measure.log" | head -1; }

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<TABLE

smspark bench-scale $STARTED, commit $COMMIT, $NPROC CPUs
load average at start $LOAD_START, at end $LOAD_END

Warden lookups over HTTP ($WARDEN_SETUP, keep-alive clients in the same process, ${WARDEN_SECONDS}s each):

| connections | lookups/s | p50 ms | p99 ms | CPU µs/lookup (server+clients) |
|---|---|---|---|---|
$WARDEN_ROWS

Engine start (\`BenchmarkScaleStart\`: open, load, build the engine as serve does):

| figure | value |
|---|---|
| running sessions | $(field "running sessions") |
| start to ready | $(field "start to ready") |
| live heap | $(field "live heap") |
| peak RSS | $(field "peak RSS") |
| store file | $(field "store file") |
TABLE
