#!/usr/bin/env bash
# interop.sh - run smspark's interoperability tests (package interop):
# the engine against an SMSC built on Perl's Net::SMPP (interop/smsc.pl).
# Installs the Debian package libnet-smpp-perl first when Perl cannot
# load Net::SMPP. scripts/interop-npm.sh runs the one against npm's smpp.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! perl -MNet::SMPP -e1 2>/dev/null; then
	echo "interop.sh: installing libnet-smpp-perl" >&2
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		sudo="sudo"
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnet-smpp-perl
	perl -MNet::SMPP -e1
fi

exec go test -tags interop -count=1 -v -run TestNetSMPP ./interop/
