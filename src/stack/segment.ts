/**
 * One TCP segment inside its IP packet, as the stack sees it: addresses, the wire `TcpRepr` and
 * the payload; `decodeSegment` / `encodeSegment` turn IPv4 or IPv6 packets into segments and back,
 * checking and computing the TCP checksum over the pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
 *
 * A thin adapter over src/wire's IP and TCP codecs: the stack wants a flat segment with a verified
 * TCP checksum, not src/wire's general packet repr (encapsulations, UDP, ICMP).
 */
import type { IpAddress } from "../wire/address.ts";
import { IP_PROTO, l4Checksum } from "../wire/checksum.ts";
import { emitIpv4, parseIpv4 } from "../wire/ipv4.ts";
import { emitIpv6, parseIpv6Chain } from "../wire/ipv6.ts";
import { TCP_FIELD, TcpView, emitTcp, tcpBufferLen, tcpReprOf, type TcpRepr } from "../wire/tcp.ts";
import { type TcpOption, tcpOptionsLen } from "../wire/tcp-options.ts";

/** A TCP segment with its IP addresses. `tcp.checksum` is ignored when encoding. */
export interface Segment {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly tcp: TcpRepr;
  readonly payload: Uint8Array;
}

/** Why an inbound packet was not turned into a segment. */
export type DecodeFailure = "malformed" | "not-tcp" | "bad-checksum";

/** Decodes an IPv4 or IPv6 packet carrying TCP; verifies the TCP checksum. */
export function decodeSegment(bytes: Uint8Array): { ok: true; seg: Segment } | { ok: false; why: DecodeFailure } {
  const version = (bytes[0] ?? 0) >> 4;
  let src: IpAddress;
  let dst: IpAddress;
  let l4: Uint8Array;
  if (version === 4) {
    const ip = parseIpv4(bytes);
    if (!ip.ok) return { ok: false, why: "malformed" };
    if (ip.value.protocol !== IP_PROTO.tcp || ip.value.fragmentOffset !== 0) return { ok: false, why: "not-tcp" };
    ({ src, dst } = ip.value);
    l4 = bytes.subarray(((bytes[0] as number) & 0xf) * 4, ip.value.totalLength);
  } else if (version === 6) {
    const ip = parseIpv6Chain(bytes);
    if (!ip.ok) return { ok: false, why: "malformed" };
    if (ip.value.repr.nextHeader !== IP_PROTO.tcp) return { ok: false, why: "not-tcp" };
    ({ src, dst } = ip.value.repr);
    l4 = bytes.subarray(ip.value.upperOffset, ip.value.end);
  } else return { ok: false, why: "malformed" };
  const view = TcpView.checked(l4);
  if (!view.ok) return { ok: false, why: "malformed" };
  if (l4Checksum(src, dst, IP_PROTO.tcp, l4, TCP_FIELD.checksum) !== view.value.checksum) return { ok: false, why: "bad-checksum" };
  const tcp = tcpReprOf(view.value);
  if (!tcp.ok) return { ok: false, why: "malformed" };
  return { ok: true, seg: { src: src.slice(), dst: dst.slice(), tcp: tcp.value, payload: view.value.payload.slice() } };
}

/** Pads options to a 4-byte multiple with trailing NOPs, as Linux does after a 22- or 26-byte MPTCP option. */
function withNopPadding(tcp: TcpRepr): TcpRepr {
  const rem = tcpOptionsLen(tcp.options) % 4;
  if (rem === 0) return tcp;
  const nops: TcpOption[] = Array.from({ length: 4 - rem }, () => ({ kind: "nop" }));
  return { ...tcp, options: [...tcp.options, ...nops] };
}

/** Encodes a segment as an IPv4 (4-byte addresses) or IPv6 packet with correct checksums. */
export function encodeSegment(seg: Segment, ttl = 64): Uint8Array {
  const tcpLen = tcpBufferLen(seg.tcp) + seg.payload.length;
  const v4 = seg.src.length === 4;
  const ipLen = v4 ? 20 : 40;
  const buf = new Uint8Array(ipLen + tcpLen);
  if (v4) {
    emitIpv4({ kind: "ipv4", tos: 0, identification: 0, flags: 0x2, fragmentOffset: 0, ttl, protocol: IP_PROTO.tcp,
      src: seg.src, dst: seg.dst, options: new Uint8Array(0) }, buf, 0, tcpLen);
  } else {
    emitIpv6({ kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: ttl, nextHeader: IP_PROTO.tcp,
      src: seg.src, dst: seg.dst, extensions: [] }, buf, 0, tcpLen);
  }
  const { checksum: _ignored, ...tcp } = withNopPadding(seg.tcp);
  const hl = emitTcp(tcp, buf, ipLen);
  buf.set(seg.payload, ipLen + hl);
  const l4 = buf.subarray(ipLen);
  const cs = l4Checksum(seg.src, seg.dst, IP_PROTO.tcp, l4, TCP_FIELD.checksum);
  l4[TCP_FIELD.checksum] = cs >> 8;
  l4[TCP_FIELD.checksum + 1] = cs & 0xff;
  return buf;
}
