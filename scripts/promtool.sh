#!/usr/bin/env bash
# promtool.sh - check smspark's monitoring with Prometheus' own tool:
#   1. promtool check rules / test rules on deploy/alerts.yml and
#      deploy/alerts_test.yml (and go test ./deploy: unit, config, dashboard);
#   2. a real engine (`smspark serve`, one SMSC: a `smspark sim` on loopback)
#      under a little load; its /metrics, on the admin listener, must pass
#      `promtool check metrics` and hold every smspark_* metric
#      deploy/alerts.yml and deploy/grafana-dashboard.json use (every
#      series whose labels the config says exists from the first scrape);
#      the public API listener must not serve /metrics.
# Installs Debian's `prometheus` package when promtool is missing. After the
# install, everything runs under a 110 s limit; children are killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SMSPARK_PROMTOOL_BOUNDED:-}" ]; then
	if ! command -v promtool >/dev/null 2>&1; then
		echo "promtool.sh: installing the Debian package prometheus (for promtool)" >&2
		sudo=""
		if [ "$(id -u)" -ne 0 ]; then
			sudo="sudo"
		fi
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus
		command -v promtool >/dev/null
	fi
	# timeout signals its whole process group: this script and its children.
	SMSPARK_PROMTOOL_BOUNDED=1 exec timeout -k 5 110 "$0" "$@"
fi

say() { echo "promtool.sh: $*" >&2; }

work=$(mktemp -d)
sim_pid="" serve_pid=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for pid in $sim_pid $serve_pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $sim_pid $serve_pid; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ]; then
		for log in "$work"/*.log; do
			[ -s "$log" ] && { say "--- last lines of $(basename "$log")"; tail -n 20 "$log" >&2; }
		done
		say "FAILED"
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

say "promtool: $(promtool --version 2>&1 | head -n 1)"
promtool check rules deploy/alerts.yml
promtool test rules deploy/alerts_test.yml
go test -count=1 ./deploy/

say "building smspark"
go build -o "$work/smspark" ./cmd/smspark

# A free TCP port on loopback: nothing answers a connect to it.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	say "no free port found"
	return 1
}
smsc_port=$(free_port)
http_port=$(free_port)
while [ "$http_port" = "$smsc_port" ]; do http_port=$(free_port); done
# The admin endpoint, which serves /metrics, on a free port too, not its
# default 127.0.0.1:8081, which another engine may hold.
admin_port=$(free_port)
while [ "$admin_port" = "$smsc_port" ] || [ "$admin_port" = "$http_port" ]; do admin_port=$(free_port); done

# The reference data with one SMSC: the simulator.
ref=config/reference.yml
if [ "$(grep -c '^smscs: \[\]$' "$ref")" -ne 1 ]; then
	say "$ref has no single 'smscs: []' line to replace"
	exit 1
fi
smsc="smscs:\n  - name: sim-1\n    operator: proximus\n    address: 127.0.0.1:$smsc_port\n    system_id: smspark\n    password: s3cret\n    window: 100\n    max_submits_per_second: 5000\n    reconnect_min: 100ms\n    reconnect_max: 500ms"
sed "s/^smscs: \[\]\$/$smsc/" "$ref" >"$work/smspark.yml"

# The simulator throttles submits beyond 1000/s: a throttle may or may not
# happen; the throttle counter is in the scrape either way.
"$work/smspark" sim --listen "127.0.0.1:$smsc_port" --operator proximus --load --phones 20 --duration 3s \
	--wait 30s --fault throttle=1000 >"$work/sim.log" 2>&1 &
sim_pid=$!
"$work/smspark" serve --config "$work/smspark.yml" --data "$work/data" --http "127.0.0.1:$http_port" \
	--admin "127.0.0.1:$admin_port" >"$work/serve.log" 2>&1 &
serve_pid=$!

base="http://127.0.0.1:$http_port"
metrics="http://127.0.0.1:$admin_port/metrics"
for _ in $(seq 1 100); do
	curl -fsS --max-time 2 "$base/healthz" >/dev/null 2>&1 && break
	kill -0 "$serve_pid" 2>/dev/null || { say "smspark serve exited"; exit 1; }
	sleep 0.2
done
curl -fsS --max-time 2 "$base/healthz" >/dev/null

say "load: 20 phones for 3 s through the simulator"
if ! wait "$sim_pid"; then
	sim_pid=""
	say "smspark sim failed"
	exit 1
fi
sim_pid=""
tail -n 1 "$work/sim.log" >&2

# /readyz answers 503 now that the simulator has gone: a second status code.
curl -sS --max-time 5 "$base/readyz" >/dev/null 2>&1 || true

# /metrics is for the operator's Prometheus: on the admin listener only.
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$base/metrics")
if [ "$code" != 404 ]; then
	say "the public API listener answers /metrics with $code, want 404"
	exit 1
fi

# Every smspark_* name the rules and the dashboard use must be in the scrape
# (as a sample name: histograms appear as _bucket, _count and _sum). Every
# series whose labels the config says exists from the first scrape, so one
# scrape must do.
grep -ohE '\bsmspark_[a-z0-9_]+' deploy/alerts.yml deploy/grafana-dashboard.json | sort -u >"$work/used.txt"
missing_metrics() {
	grep -v '^#' "$work/metrics.txt" | sed -E 's/[{ ].*//' | sort -u >"$work/scraped.txt"
	while read -r name; do
		if ! grep -qxF "$name" "$work/scraped.txt" && ! grep -qxF "${name}_count" "$work/scraped.txt"; then
			echo "$name"
		fi
	done <"$work/used.txt"
}
curl -fsS --max-time 10 "$metrics" >"$work/metrics.txt"
missing=$(missing_metrics)
if [ -n "$missing" ]; then
	say "used by deploy/ but not in the scrape:" $missing
	exit 1
fi

say "promtool check metrics"
if ! lint=$(promtool check metrics <"$work/metrics.txt" 2>&1) || [ -n "$lint" ]; then
	echo "$lint" >&2
	say "promtool check metrics reported problems on the scrape"
	exit 1
fi

say "stopping smspark serve (SIGTERM)"
kill -TERM "$serve_pid"
rc=0
wait "$serve_pid" || rc=$?
serve_pid=""
if [ "$rc" -ne 0 ]; then
	say "smspark serve exited $rc after SIGTERM"
	exit 1
fi
say "OK: rules, rule tests, and a live /metrics ($(wc -l <"$work/used.txt") metrics used by deploy/ all scraped)"
