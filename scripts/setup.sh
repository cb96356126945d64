#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine (as root): Debian packages, then npm ci.
# Idempotent: installs only what is missing, so `make run` / `make test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libpcap-dev tshark tcpdump iproute2 ethtool python3 procps kmod chromium libxml2-utils)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages (${missing[*]}); run as root or install them" >&2
    exit 2
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

stamp=node_modules/.mptcpdrill-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-fund --no-audit
  touch "$stamp"
fi
