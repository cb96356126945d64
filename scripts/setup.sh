#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine (as root): Debian packages, then npm ci.
# Idempotent: installs only what is missing, so `make run` / `make test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libpcap-dev tshark tcpdump iproute2 ethtool python3 procps kmod qemu-system-x86 busybox-static xz-utils chromium libxml2-utils)
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
# A node_modules that is a symlink belongs to another checkout (a git worktree): npm ci would
# empty the folder it points to and replace the link, so it is left to its owner.
if [ -L node_modules ]; then
  :
elif [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-fund --no-audit
  touch "$stamp"
fi

# The Debian kernel the VM test boots (`mptcpdrill vm`, docs/kernels.md): fetched once into the
# cache with apt-get download + dpkg-deb -x (nothing installed), its initramfs built; later calls
# find it there. Without root (no apt) the VM test skips.
if [ "$(id -u)" = 0 ]; then
  node --import tsx src/cli/main.ts vm --fetch --kernel debian:6.1 >/dev/null || echo "setup: could not fetch debian:6.1 (the VM test will skip)" >&2
fi
