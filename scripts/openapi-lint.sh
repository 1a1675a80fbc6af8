#!/usr/bin/env bash
# Lints the HTTP API's OpenAPI document with Redocly's CLI, an independent
# implementation of the OpenAPI rules (the Go tests check the server against
# the document; this checks the document itself). The CLI's version is pinned
# in tools/openapi-lint/package.json and its lockfile; npm ci installs exactly
# that. Needs Node.js 20.19+ and npm (Debian: apt-get install nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/../tools/openapi-lint"
if ! command -v npm >/dev/null; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
npm ci --no-audit --no-fund --loglevel=error
# No update check or telemetry: CI may have no way out, and needs none.
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off
exec node_modules/.bin/redocly lint --config redocly.yaml --format=stylish ../../httpapi/openapi.yaml
