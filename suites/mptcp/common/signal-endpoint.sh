#!/bin/sh
# mptcpdrill suites/mptcp: give the kernel a second local address (the test address + 1 in its
# last byte) and announce it as a "signal" endpoint with id 1. Usage: ../common/signal-endpoint.sh [PORT]
# Reads packetdrill's command environment: OPT_IP_VERSION, OPT_LOCAL_IP, OPT_LOCAL_DEV.
set -e
dev=${OPT_LOCAL_DEV:-tun0}
case "$OPT_IP_VERSION" in
ipv6)
	last=${OPT_LOCAL_IP##*:}
	addr="${OPT_LOCAL_IP%:*}:$(printf '%x' $((0x${last:-0} + 1)))"
	ip -6 addr add "$addr/64" dev "$dev" nodad
	;;
*)
	v4=${OPT_LOCAL_IP##*:}
	addr="${v4%.*}.$((${v4##*.} + 1))"
	ip addr add "$addr/16" dev "$dev"
	;;
esac
if [ -n "$1" ]; then
	ip mptcp endpoint add "$addr" dev "$dev" id 1 port "$1" signal
else
	ip mptcp endpoint add "$addr" dev "$dev" id 1 signal
fi
