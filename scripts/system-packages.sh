#!/usr/bin/env bash
# Debian packages the tests need: MariaDB client headers (mysqlclient), Chromium (browser tests) and
# Node.js with npm (the Tutor plugin's MFE widget is compiled and rendered by tests/tutor_plugin/mfe_harness).
# Installed only when missing; needs root (as on this machine kind) or sudo.
set -euo pipefail
missing=()
for pkg in libmariadb-dev pkg-config chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
