#!/bin/sh
# mptcpdrill suites/mptcp: per-namespace settings every script of this suite starts from.
# Runs as a backtick command inside the script's own network namespace (cwd: the script's folder).
# Usage: ../common/defaults.sh [checksum]
#   MPTCP on, DSS checksums off unless "checksum" is given, no path-manager endpoints, room for
#   4 extra subflows and 4 accepted ADD_ADDRs, and a plain FIFO on the test device (no pacing).
set -e
sysctl -q net.mptcp.enabled=1
if [ "$1" = checksum ]; then sysctl -q net.mptcp.checksum_enabled=1; else sysctl -q net.mptcp.checksum_enabled=0; fi
sysctl -q net.ipv4.tcp_timestamps=1
ip mptcp endpoint flush
ip mptcp limits set subflows 4 add_addr_accepted 4
tc qdisc replace dev "${OPT_LOCAL_DEV:-tun0}" root pfifo
