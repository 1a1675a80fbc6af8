#!/usr/bin/env bash
# scripts/bench.sh — the SMPP round-trip figures of the README, reproducibly.
#
# Builds bin/smspark, writes a bench configuration (the reference data with
# one SMSC on loopback, window 100), and for each load runs a fresh
# `smspark serve` (new temporary data directory) against
# `smspark sim --load`:
#   1. BENCH_PHONES phones as fast as the engine answers,
#   2. BENCH_PHONES phones at BENCH_RATE MO/s.
# It measures a bare fsync on the same disk in the same run and prints one
# table: round trips/s, MO→MT p50/p99 (the simulator's), engine and
# simulator CPU per round trip (utime+stime from /proc), the engine's peak
# RSS (VmHWM), its commits/s, MOs per commit and average commit time (from
# /metrics, smspark_store_commit_seconds) and that time's ratio to the bare
# fsync; with the machine's load average at start and end, nproc and the
# git commit. It stops everything it started and exits non-zero if the
# engine or the simulator fails.
#
# Environment (all optional):
#   BENCH_SECONDS  seconds of load per run (default 15)
#   BENCH_PHONES   virtual phones (default 300)
#   BENCH_RATE     MO/s of the second run (default 1000)
#   BENCH_FSYNCS   bare fsyncs to time (default 500)
#   BENCH_DIR      where the temporary directory goes (default $TMPDIR or /tmp;
#                  choose the disk you mean to measure)
#   BENCH_KEEP=1   keep the temporary directory (logs, configuration, stores)
#   GOGC, GOMEMLIMIT, ... are passed to the engine as set.
set -euo pipefail

SECONDS_PER_RUN=${BENCH_SECONDS:-15}
PHONES=${BENCH_PHONES:-300}
RATE=${BENCH_RATE:-1000}
FSYNCS=${BENCH_FSYNCS:-500}

cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/smspark-bench.XXXXXX")
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "bench: kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench: $*" >&2; exit 1; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# cpu_ticks PID: utime+stime in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the command name, which may hold spaces).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat") || return 1
	stat=${stat##*) }
	set -- $stat
	echo $(( ${12} + ${13} ))
}

# metric URL NAME: the value of an unlabelled sample, 0 when absent.
metric() {
	curl -fsS "$1" | awk -v n="$2" '$1 == n { v = $2 } END { print (v == "" ? 0 : v) }'
}

echo "bench: building" >&2
make -s build >&2
go build -o bin/fsyncbench ./scripts/fsyncbench

HZ=$(getconf CLK_TCK)
NPROC=$(nproc)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo -dirty)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "bench: bare fsync in $WORK" >&2
FSYNC_LINE=$(bin/fsyncbench -dir "$WORK" -n "$FSYNCS")
FSYNC_US=$(sed -n 's/.*fsync_mean_us=\([0-9.]*\).*/\1/p' <<<"$FSYNC_LINE")
FSYNC_P50_US=$(sed -n 's/.*fsync_p50_us=\([0-9.]*\).*/\1/p' <<<"$FSYNC_LINE")

ROWS=()

# run NAME RATE: one engine, one simulator, one row of the table.
run() {
	local name=$1 rate=$2 dir="$WORK/$1"
	mkdir -p "$dir"
	local smpp_port http_port admin_port
	smpp_port=$(free_port)
	http_port=$(free_port)
	admin_port=$(free_port)
	# The reference data with one transceiver bind to the simulator.
	sed "s|^smscs: \[\]|smscs:\n  - name: bench-1\n    operator: proximus\n    address: 127.0.0.1:$smpp_port\n    system_id: smspark\n    password: bench\n    window: 100\n    max_submits_per_second: 100000|" \
		config/reference.yml >"$dir/bench.yml"
	grep -q "address: 127.0.0.1:$smpp_port" "$dir/bench.yml" || die "could not write the bench configuration"

	# The simulator first: it listens and waits for the engine to bind.
	( bin/smspark sim --listen "127.0.0.1:$smpp_port" --load --json --phones "$PHONES" \
		--rate "$rate" --duration "${SECONDS_PER_RUN}s" --wait 60s >"$dir/sim.json" 2>"$dir/sim.log"
	  rc=$?; times >"$dir/sim.times"; exit $rc ) &
	local sim=$!
	PIDS+=("$sim")
	bin/smspark serve --config "$dir/bench.yml" --data "$dir/data" --http "127.0.0.1:$http_port" \
		--admin "127.0.0.1:$admin_port" 2>"$dir/engine.log" &
	local engine=$!
	PIDS+=("$engine")

	# The load starts when the simulator says the engine has bound.
	local i
	for i in $(seq 600); do
		grep -q "engine bound" "$dir/sim.log" 2>/dev/null && break
		kill -0 "$engine" 2>/dev/null || { cat "$dir/engine.log" >&2; die "$name: the engine exited before binding"; }
		kill -0 "$sim" 2>/dev/null || { cat "$dir/sim.log" >&2; die "$name: the simulator exited before the engine bound"; }
		sleep 0.1
	done
	# /metrics is served on the admin listener.
	local url="http://127.0.0.1:$admin_port/metrics"
	local t0 c0 s0
	t0=$(cpu_ticks "$engine")
	c0=$(metric "$url" smspark_store_commit_seconds_count)
	s0=$(metric "$url" smspark_store_commit_seconds_sum)
	echo "bench: $name: $PHONES phones, rate ${rate} (0: as fast as answered), ${SECONDS_PER_RUN}s" >&2

	local sim_rc=0
	wait "$sim" || sim_rc=$?
	kill -0 "$engine" 2>/dev/null || { cat "$dir/engine.log" >&2; die "$name: the engine died under load"; }
	local t1 c1 s1 hwm
	t1=$(cpu_ticks "$engine")
	c1=$(metric "$url" smspark_store_commit_seconds_count)
	s1=$(metric "$url" smspark_store_commit_seconds_sum)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$engine/status")
	kill -TERM "$engine"
	local engine_rc=0
	wait "$engine" || engine_rc=$?
	if [ "$sim_rc" != 0 ]; then
		cat "$dir/sim.log" >&2
		die "$name: the simulator failed (exit $sim_rc)"
	fi
	[ "$engine_rc" = 0 ] || { tail -20 "$dir/engine.log" >&2; die "$name: the engine exited $engine_rc on SIGTERM"; }

	# The simulator's CPU: its subshell's children times, "XmY.YYYs XmY.YYYs".
	local sim_cpu
	sim_cpu=$(awk 'NR == 2 { n = split($0, f, " "); s = 0
		for (i = 1; i <= n; i++) { split(f[i], p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
		print s }' "$dir/sim.times")

	local label
	if [ "$rate" = 0 ]; then label="$PHONES phones, as fast as answered"; else label="$PHONES phones at $rate MO/s"; fi
	ROWS+=("$(jq -r --arg what "$label" --argjson hz "$HZ" --argjson t0 "$t0" --argjson t1 "$t1" \
		--argjson c0 "$c0" --argjson c1 "$c1" --argjson s0 "$s0" --argjson s1 "$s1" \
		--argjson hwm "$hwm" --argjson simcpu "$sim_cpu" --argjson fsync "$FSYNC_US" '
		def r(n): (. * pow(10; n) | round) / pow(10; n);
		(.replies | if . == 0 then 1 else . end) as $rt
		| (($c1 - $c0)) as $commits
		| (.duration_ms / 1000) as $secs
		| (if $commits > 0 then ($s1 - $s0) / $commits * 1000 else 0 end) as $commit_ms
		| [$what, (.throughput_per_second | r(0)), (.p50_ms | r(1)), (.p99_ms | r(1)),
		   (($t1 - $t0) / $hz * 1e6 / $rt | r(0)), ($simcpu * 1e6 / $rt | r(0)),
		   ($hwm / 1024 | r(0)), ($commits / $secs | r(0)),
		   (if $commits > 0 then .acked / $commits | r(1) else 0 end),
		   ($commit_ms | r(2)), ($commit_ms * 1000 / $fsync | r(1)),
		   .refused, .errors]
		| "| " + (map(tostring) | join(" | ")) + " |"' "$dir/sim.json")")
}

run full 0
run rate "$RATE"

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<TABLE

smspark bench $STARTED, commit $COMMIT, $NPROC CPUs, ${SECONDS_PER_RUN}s per run
load average at start $LOAD_START, at end $LOAD_END
bare fsync (4 KiB rewrite + fdatasync, $FSYNCS times, same disk): mean $FSYNC_US µs, p50 $FSYNC_P50_US µs

| load | round trips/s | MO→MT p50 ms | p99 ms | engine CPU µs/round trip | sim CPU µs/round trip | engine peak RSS MB | commits/s | MOs/commit | avg commit ms | commit ÷ fsync | refused | errors |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
TABLE
printf '%s\n' "${ROWS[@]}"
