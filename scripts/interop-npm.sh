#!/usr/bin/env bash
# interop-npm.sh - run smspark's interoperability test against an SMSC
# built on the npm package smpp (interop/npm/smsc.js, driven by
# interop/npm_test.go): MOs across re-binds, receipts, codings,
# throttling and generic_nack, every MO answered exactly once.
# Installs Node.js and npm (Debian packages) when npm is missing, then the
# package with npm ci from interop/npm/package-lock.json.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
	echo "interop-npm.sh: installing nodejs and npm" >&2
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		sudo="sudo"
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
(cd interop/npm && npm ci --no-audit --no-fund)

exec go test -tags interop -count=1 -v -run TestNPMSMPP ./interop/
