#!/bin/sh
# mptcpdrill suites/mptcp: give the kernel a second local address (the test address + 1 in its
# last byte) and announce it as a "signal" endpoint with id 1. Usage: ../common/signal-endpoint.sh [PORT]
# Reads packetdrill's command environment: OPT_IP_VERSION, OPT_LOCAL_IP, OPT_LOCAL_DEV; and
# ENDPOINT_FLAGS, the endpoint's flags (default "signal"; "signal subflow" also opens a subflow
# from the address when the kernel is the client).
set -e
dev=${OPT_LOCAL_DEV:-tun0}
case "$OPT_IP_VERSION" in
ipv6)
	last=${OPT_LOCAL_IP##*:}
	addr="${OPT_LOCAL_IP%:*}:$(printf '%x' $((0x${last:-0} + 1)))"
	# Deprecated (preferred_lft 0), like a secondary IPv4 address: never the source the kernel
	# picks for a new connection (it would be, over the subnet-router anycast ::0 of the test
	# address), still usable by a subflow bound to it.
	ip -6 addr add "$addr/64" dev "$dev" nodad preferred_lft 0
	;;
*)
	v4=${OPT_LOCAL_IP##*:}
	addr="${v4%.*}.$((${v4##*.} + 1))"
	ip addr add "$addr/16" dev "$dev"
	;;
esac
if [ -n "$1" ]; then
	ip mptcp endpoint add "$addr" dev "$dev" id 1 port "$1" ${ENDPOINT_FLAGS:-signal}
else
	ip mptcp endpoint add "$addr" dev "$dev" id 1 ${ENDPOINT_FLAGS:-signal}
fi
