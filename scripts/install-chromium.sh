#!/usr/bin/env bash
# Installs Debian's chromium, the browser the fleet HTML report's browser
# test drives (fleet/browser_test.go), when it is not there yet:
#
#   scripts/install-chromium.sh        # as root, on Debian or the golang image
#
# Idempotent: does nothing when /usr/bin/chromium exists. Quiet on success;
# apt-get's output is shown only when it fails, so the cause can be read.
# Debian's package, not a downloaded build: it comes through the machine's
# ordinary package mirror and is updated with the rest of the system.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-chromium: run as root (apt-get installs system packages)" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update >"$log" 2>&1; then
	cat "$log" >&2
	echo "install-chromium: apt-get update failed (see above)" >&2
	exit 1
fi
if ! apt-get install -y --no-install-recommends chromium fonts-dejavu-core >"$log" 2>&1; then
	cat "$log" >&2
	echo "install-chromium: apt-get install chromium failed (see above)" >&2
	exit 1
fi
