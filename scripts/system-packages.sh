#!/usr/bin/env bash
# Debian packages the tests need: MariaDB client headers (mysqlclient) and Chromium (browser tests).
# Installed only when missing; needs root (as on this machine kind) or sudo.
set -euo pipefail
missing=()
for pkg in libmariadb-dev pkg-config chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
