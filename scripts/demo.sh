#!/usr/bin/env bash
# A scripted conversation with smspark's engine through the dry-run command,
# on a temporary store: each SMS a motorist sends, and the reply.
set -euo pipefail
bin=${1:-bin/smspark}
data=$(mktemp -d "${TMPDIR:-/tmp}/smspark-demo.XXXXXX")
trap 'rm -rf "$data"' EXIT
from=+32475000001

say() { # say TIME TEXT [OPERATOR]
	printf '\n\033[1m%s  %s → 4411:\033[0m %s\n' "${1:11:5}" "$from" "$2"
	"$bin" sms --data "$data" --at "$1" --from "$from" --operator "${3:-proximus}" "$2" | sed 's/^/    /'
}

echo "smspark demo: a Proximus motorist parks in Brussels (zone 1021 Louise) on Monday 23 November 2026."
echo "Store: $data (removed at the end)"
say 2026-11-23T09:58:00+01:00 "hello"
say 2026-11-23T10:00:00+01:00 "1021 1-ABC-123"
say 2026-11-23T10:30:00+01:00 "I"
say 2026-11-23T11:08:00+01:00 "Q"
say 2026-11-23T11:10:00+01:00 "1021 1ABC123 please"
say 2026-11-23T12:00:00+01:00 "1021"
say 2026-11-23T13:00:00+01:00 "EN"
say 2026-11-23T13:01:00+01:00 "Q"
echo
echo "The first session was free (first use). Try your own: $bin sms --help"
