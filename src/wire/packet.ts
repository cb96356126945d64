/**
 * A whole IP packet: IPv4 or IPv6 (by version nibble), optional encapsulation layers (IP-in-IP,
 * GRE, MPLS; pkt-language.md §3.1), and the upper layer (TCP, UDP, ICMPv4/v6, or other).
 * `emitPacket` computes lengths and checksums (RFC 791, RFC 9293 §3.1, RFC 768, RFC 4443 §2.3,
 * RFC 2784 §2.5) unless told to keep the repr's values, for deliberately malformed packets.
 *
 * Byte fields of parsed reprs (addresses, option data, payload) are subarrays of the input:
 * copy the input first if its buffer is reused.
 */
import { sub } from "./bytes.ts";
import { IP_PROTO, internetChecksum, l4Checksum } from "./checksum.ts";
import { type GreRepr, emitGre, greBufferLen } from "./gre.ts";
import { type IcmpRepr, emitIcmp, icmpBufferLen } from "./icmp.ts";
import { type IpEmitOptions, type Ipv4Repr, emitIpv4, ipv4BufferLen } from "./ipv4.ts";
import { type Ipv6Repr, emitIpv6, ipv6BufferLen } from "./ipv6.ts";
import { type MplsRepr, emitMpls, mplsBufferLen } from "./mpls.ts";
import { parsePacketAt } from "./packet-parse.ts";
import type { Result } from "./result.ts";
import { type TcpRepr, emitTcp, tcpBufferLen } from "./tcp.ts";
import { type UdpRepr, emitUdp, udpBufferLen } from "./udp.ts";

/** The IP header that carries the upper layer. */
export type IpRepr = Ipv4Repr | Ipv6Repr;
/** An outer layer: an IP header carrying another IP header, GRE, or an MPLS stack. */
export type EncapRepr = Ipv4Repr | Ipv6Repr | GreRepr | MplsRepr;
/** An upper layer this codec does not decode (or a non-first fragment): bytes are in `payload`. */
export interface OtherL4Repr {
  readonly kind: "other";
  readonly protocol: number;
}
/** The upper layer of a packet. */
export type L4Repr = TcpRepr | UdpRepr | IcmpRepr | OtherL4Repr;

/** A decoded packet. */
export interface PacketRepr {
  /** Outer layers, outermost first (empty for a plain packet). */
  readonly encaps: readonly EncapRepr[];
  /** The innermost IP header, the one whose payload is `l4`. */
  readonly ip: IpRepr;
  readonly l4: L4Repr;
  /** TCP/UDP payload; everything after the IP header(s) for `other`; empty for ICMP (data is in the body). */
  readonly payload: Uint8Array;
}

/** What {@link emitPacket} keeps from the reprs instead of computing. */
export type PacketEmitOptions = IpEmitOptions;

const EMPTY = new Uint8Array(0);

/**
 * Decodes a whole IP packet (v4 or v6 by its version nibble). Never throws.
 *
 * The walk (packet-parse.ts) keeps absolute offsets into `bytes` instead of taking a subarray per
 * layer, so a plain IPv4/TCP packet allocates only the views its repr holds (addresses, payload).
 */
export function parsePacket(bytes: Uint8Array): Result<PacketRepr> {
  return parsePacketAt(bytes, 0);
}

function l4Len(l4: L4Repr, payload: Uint8Array): number {
  switch (l4.kind) {
    case "tcp": return tcpBufferLen(l4) + payload.length;
    case "udp": return udpBufferLen(l4) + payload.length;
    case "icmp": return icmpBufferLen(l4);
    case "other": return payload.length;
  }
}

function layerLen(e: EncapRepr): number {
  switch (e.kind) {
    case "ipv4": return ipv4BufferLen(e);
    case "ipv6": return ipv6BufferLen(e);
    case "gre": return greBufferLen(e);
    case "mpls": return mplsBufferLen(e);
  }
}

/** The byte length {@link emitPacket} produces for `repr`. */
export function packetBufferLen(repr: PacketRepr): number {
  let n = layerLen(repr.ip) + l4Len(repr.l4, repr.payload);
  for (const e of repr.encaps) n += layerLen(e);
  return n;
}

/** Encodes `repr` into a new buffer of {@link packetBufferLen} bytes. */
export function emitPacket(repr: PacketRepr, opts: PacketEmitOptions = {}): Uint8Array {
  const buf = new Uint8Array(packetBufferLen(repr));
  emitPacketInto(repr, buf, 0, opts);
  return buf;
}

/** Encodes `repr` at `buf[at..]` (which must hold {@link packetBufferLen} bytes); returns the length. */
export function emitPacketInto(repr: PacketRepr, buf: Uint8Array, at: number, opts: PacketEmitOptions = {}): number {
  const total = packetBufferLen(repr);
  let i = at;
  for (const e of repr.encaps) i += emitLayer(e, buf, i, total - (i - at) - layerLen(e), opts);
  i += emitLayer(repr.ip, buf, i, total - (i - at) - layerLen(repr.ip), opts);
  emitL4(repr, buf, i, opts);
  if (repr.encaps.length > 0) fillGreChecksums(repr.encaps, buf, at, at + total, opts);
  return total;
}

function emitLayer(e: EncapRepr, buf: Uint8Array, i: number, rest: number, opts: PacketEmitOptions): number {
  switch (e.kind) {
    case "ipv4": return emitIpv4(e, buf, i, rest, opts);
    case "ipv6": return emitIpv6(e, buf, i, rest, opts);
    case "gre": return emitGre(e, buf, i);
    case "mpls": return emitMpls(e, buf, i);
  }
}

/** GRE checksums cover the GRE header and its payload, so they are filled innermost first (RFC 2784 §2.5). */
function fillGreChecksums(encaps: readonly EncapRepr[], buf: Uint8Array, at: number, end: number, opts: PacketEmitOptions): void {
  const offsets: number[] = [];
  let i = at;
  for (const e of encaps) {
    offsets.push(i);
    i += layerLen(e);
  }
  for (let k = encaps.length - 1; k >= 0; k--) {
    const g = encaps[k] as EncapRepr;
    if (g.kind !== "gre" || !g.hasChecksum || (opts.keepChecksums && g.checksum !== undefined)) continue;
    const gi = offsets[k] as number;
    buf[gi + 4] = 0;
    buf[gi + 5] = 0;
    const cs = internetChecksum(buf, gi, end);
    buf[gi + 4] = cs >> 8;
    buf[gi + 5] = cs & 0xff;
  }
}

function emitL4(repr: PacketRepr, buf: Uint8Array, at: number, opts: PacketEmitOptions): void {
  const { l4, payload, ip } = repr;
  const len = l4Len(l4, payload);
  let csOffset: number;
  let proto: number;
  if (l4.kind === "tcp") {
    buf.set(payload, at + emitTcp(l4, buf, at));
    csOffset = 16;
    proto = IP_PROTO.tcp;
  } else if (l4.kind === "udp") {
    buf.set(payload, at + emitUdp(l4, buf, at, payload.length, opts.keepLengths === true));
    csOffset = 6;
    proto = IP_PROTO.udp;
  } else if (l4.kind === "icmp") {
    emitIcmp(l4, buf, at);
    csOffset = 2;
    proto = IP_PROTO.icmpv6;
  } else {
    buf.set(payload, at);
    return;
  }
  if (opts.keepChecksums && l4.checksum !== undefined) return;
  const seg = sub(buf, at, at + len);
  let cs: number;
  if (l4.kind === "icmp" && l4.version === 4) {
    seg[2] = 0;
    seg[3] = 0;
    cs = internetChecksum(seg);
  } else cs = l4Checksum(ip.src, ip.dst, proto, seg, csOffset);
  // RFC 768: "If the computed checksum is zero, it is transmitted as all ones".
  if (cs === 0 && l4.kind === "udp") cs = 0xffff;
  seg[csOffset] = cs >> 8;
  seg[csOffset + 1] = cs & 0xff;
}

/** Which checksums of a parsed packet verify (`undefined` where the layer has none). */
export interface ChecksumReport {
  /** IPv4 header checksum of the innermost IP header. */
  readonly ipv4Header?: boolean;
  /** TCP/UDP/ICMP checksum (a UDP checksum of 0 over IPv4 means "none" and counts as valid). */
  readonly l4?: boolean;
}

/** Recomputes the checksums of `repr` and compares them with the values it was parsed with. */
export function verifyChecksums(repr: PacketRepr): ChecksumReport {
  const bytes = emitPacket(repr, { keepLengths: true });
  const again = parsePacket(bytes);
  if (!again.ok) return {};
  const { ip, l4 } = again.value;
  const out: { ipv4Header?: boolean; l4?: boolean } = {};
  if (ip.kind === "ipv4" && repr.ip.kind === "ipv4") out.ipv4Header = ip.checksum === repr.ip.checksum;
  if (l4.kind !== "other" && repr.l4.kind === l4.kind && repr.l4.checksum !== undefined) {
    const noUdpSum = l4.kind === "udp" && ip.kind === "ipv4" && repr.l4.checksum === 0;
    out.l4 = noUdpSum || l4.checksum === repr.l4.checksum;
  }
  return out;
}

/** Builds a plain (unencapsulated) packet repr. */
export function packet(ip: IpRepr, l4: L4Repr, payload: Uint8Array = EMPTY): PacketRepr {
  return { encaps: [], ip, l4, payload };
}
