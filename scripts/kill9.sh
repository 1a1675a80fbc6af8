#!/usr/bin/env bash
# The kill -9 test at a bigger size: the engine is SIGKILLed several times
# under load from the simulator's virtual phones and restarted. Every start
# parks a plate never used before; every MO the simulator got a
# deliver_sm_resp for must be answered and its effect be in the store (the
# session it started exists, the one it stopped ended by a stop). make test
# runs the same test small.
#
#   scripts/kill9.sh [PHONES] [KILLS] [SECONDS]     (default 200 5 30)
set -euo pipefail
cd "$(dirname "$0")/.."
export SMSPARK_KILL9_PHONES=${1:-200} SMSPARK_KILL9_KILLS=${2:-5} SMSPARK_KILL9_SECONDS=${3:-30}
exec go test -count=1 -run TestKill9UnderLoad -v -timeout 30m ./cmd/smspark/
