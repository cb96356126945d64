/**
 * A whole IP packet: IPv4 or IPv6 (by version nibble), optional encapsulation layers (IP-in-IP,
 * GRE, MPLS; pkt-language.md §3.1), and the upper layer (TCP, UDP, ICMPv4/v6, or other).
 * `emitPacket` computes lengths and checksums (RFC 791, RFC 9293 §3.1, RFC 768, RFC 4443 §2.3,
 * RFC 2784 §2.5) unless told to keep the repr's values, for deliberately malformed packets.
 *
 * Byte fields of parsed reprs (addresses, option data, payload) are subarrays of the input:
 * copy the input first if its buffer is reused.
 */
import { getU16, getU32, sub } from "./bytes.ts";
import { IP_PROTO, internetChecksum, l4Checksum } from "./checksum.ts";
import { ETHERTYPE, type GreRepr, emitGre, greBufferLen, parseGre } from "./gre.ts";
import { type IcmpRepr, emitIcmp, icmpBufferLen, parseIcmp } from "./icmp.ts";
import { type IpEmitOptions, type Ipv4Repr, IPV4_FIELD, IPV4_FLAG, IPV4_HEADER_LEN, emitIpv4, ipv4BufferLen } from "./ipv4.ts";
import { type Ipv6Repr, emitIpv6, ipv6BufferLen, ipv6FragmentInfo, parseIpv6Chain } from "./ipv6.ts";
import { type MplsRepr, emitMpls, mplsBufferLen, parseMpls } from "./mpls.ts";
import { type Result, err, errAt, ok } from "./result.ts";
import type { SeqNum } from "./seq.ts";
import { type TcpRepr, TCP_FIELD, TCP_HEADER_LEN, emitTcp, tcpBufferLen } from "./tcp.ts";
import { parseTcpOptions } from "./tcp-options.ts";
import { type UdpRepr, UdpView, emitUdp, udpBufferLen } from "./udp.ts";

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
 * The walk keeps absolute offsets into `bytes` instead of taking a subarray per layer, so a
 * plain IPv4/TCP packet allocates only the views its repr holds (addresses, payload).
 */
export function parsePacket(bytes: Uint8Array): Result<PacketRepr> {
  const encaps: EncapRepr[] = [];
  let at = 0;
  let end = bytes.length;
  for (let depth = 0; depth < 8; depth++) {
    const r = parseIpLayer(bytes, at, end);
    if (!r.ok) return errAt(r.error, at);
    const { ip, upper, upperEnd, protocol, fragment } = r.value;
    if (fragment) return ok({ encaps, ip, l4: { kind: "other", protocol }, payload: sub(bytes, upper, upperEnd) });
    if (protocol === IP_PROTO.ipv4 || protocol === IP_PROTO.ipv6) {
      encaps.push(ip);
      at = upper;
      end = upperEnd;
      continue;
    }
    if (protocol === IP_PROTO.gre || protocol === IP_PROTO.mpls) {
      encaps.push(ip);
      const inner = parseTunnel(sub(bytes, upper, upperEnd), protocol, encaps);
      if (!inner.ok) return errAt(inner.error, upper);
      at = upper + inner.value;
      end = upperEnd;
      continue;
    }
    return parseL4(bytes, upper, upperEnd, protocol, encaps, ip);
  }
  return err("unsupported", at, "packet.encapsulationDepth");
}

/** An IP header and where its payload is: `bytes[upper..upperEnd)`, absolute offsets. */
interface IpLayer {
  readonly ip: IpRepr;
  readonly upper: number;
  readonly upperEnd: number;
  readonly protocol: number;
  readonly fragment: boolean;
}

/** The IP header at `b[at..end)`; error offsets are relative to `at`. */
function parseIpLayer(b: Uint8Array, at: number, end: number): Result<IpLayer> {
  if (at >= end) return err("truncated", 0, "ip.version");
  const ver = (b[at] as number) >> 4;
  if (ver === 4) return parseIpv4Layer(b, at, end);
  if (ver === 6) {
    const c = parseIpv6Chain(sub(b, at, end));
    if (!c.ok) return c;
    const { repr, upperOffset } = c.value;
    let fragment = false;
    for (const e of repr.extensions) {
      const f = ipv6FragmentInfo(e);
      if (f !== undefined && (f.offset !== 0 || f.more)) fragment = true;
    }
    return ok({ ip: repr, upper: at + upperOffset, upperEnd: at + c.value.end, protocol: repr.nextHeader, fragment });
  }
  return err("bad-version", 0, "ip.version");
}

/** {@link Ipv4View.checked} and {@link ipv4ReprOf} in one pass over `b[at..end)`, without a view. */
function parseIpv4Layer(b: Uint8Array, at: number, end: number): Result<IpLayer> {
  const len = end - at;
  if (len < IPV4_HEADER_LEN) return err("truncated", 0, "ipv4.header");
  const hl = ((b[at] as number) & 0xf) * 4;
  if (hl < IPV4_HEADER_LEN) return err("bad-length", 0, "ipv4.ihl");
  if (hl > len) return err("truncated", 0, "ipv4.ihl");
  const total = getU16(b, at + IPV4_FIELD.totalLength);
  if (total < hl) return err("bad-length", IPV4_FIELD.totalLength, "ipv4.totalLength");
  if (total > len) return err("truncated", IPV4_FIELD.totalLength, "ipv4.totalLength");
  const flagsFragment = getU16(b, at + IPV4_FIELD.flagsFragment);
  const protocol = b[at + IPV4_FIELD.protocol] as number;
  const ip: Ipv4Repr = {
    kind: "ipv4", tos: b[at + IPV4_FIELD.tos] as number, identification: getU16(b, at + IPV4_FIELD.identification),
    flags: flagsFragment >> 13, fragmentOffset: flagsFragment & 0x1fff, ttl: b[at + IPV4_FIELD.ttl] as number, protocol,
    src: sub(b, at + IPV4_FIELD.src, at + IPV4_FIELD.src + 4), dst: sub(b, at + IPV4_FIELD.dst, at + IPV4_FIELD.dst + 4),
    options: hl === IPV4_HEADER_LEN ? EMPTY : sub(b, at + IPV4_HEADER_LEN, at + hl), totalLength: total,
    checksum: getU16(b, at + IPV4_FIELD.checksum),
  };
  const fragment = (flagsFragment & 0x1fff) !== 0 || ((flagsFragment >> 13) & IPV4_FLAG.MF) !== 0;
  return ok({ ip, upper: at + hl, upperEnd: at + total, protocol, fragment });
}

/** Parses GRE/MPLS layers into `encaps`; returns the offset of the inner IP header in `b`. */
function parseTunnel(b: Uint8Array, protocol: number, encaps: EncapRepr[]): Result<number> {
  let at = 0;
  if (protocol === IP_PROTO.gre) {
    const g = parseGre(b);
    if (!g.ok) return g;
    encaps.push(g.value);
    at = greBufferLen(g.value);
    if (g.value.protocol === ETHERTYPE.ipv4 || g.value.protocol === ETHERTYPE.ipv6) return ok(at);
    if (g.value.protocol !== ETHERTYPE.mpls) return err("unsupported", 2, "gre.protocol");
  }
  const m = parseMpls(sub(b, at));
  if (!m.ok) return errAt(m.error, at);
  encaps.push(m.value);
  return ok(at + mplsBufferLen(m.value));
}

/** The upper layer at `b[at..end)` and the whole packet's repr; error offsets are absolute. */
function parseL4(b: Uint8Array, at: number, end: number, protocol: number, encaps: EncapRepr[], ip: IpRepr): Result<PacketRepr> {
  if (protocol === IP_PROTO.tcp) return parseTcpLayer(b, at, end, encaps, ip);
  const seg = sub(b, at, end);
  if (protocol === IP_PROTO.udp) {
    const c = UdpView.checked(seg);
    if (!c.ok) return errAt(c.error, at);
    const v = c.value;
    return ok({ encaps, ip, l4: { kind: "udp", srcPort: v.srcPort, dstPort: v.dstPort, length: v.length, checksum: v.checksum }, payload: v.payload });
  }
  const version = ip.kind === "ipv4" ? 4 : 6;
  if ((protocol === IP_PROTO.icmp && version === 4) || (protocol === IP_PROTO.icmpv6 && version === 6)) {
    const r = parseIcmp(seg, version);
    return r.ok ? ok({ encaps, ip, l4: r.value, payload: EMPTY }) : errAt(r.error, at);
  }
  return ok({ encaps, ip, l4: { kind: "other", protocol }, payload: seg });
}

/** {@link TcpView.checked} and {@link tcpReprOf} in one pass over `b[at..end)`, without a view. */
function parseTcpLayer(b: Uint8Array, at: number, end: number, encaps: EncapRepr[], ip: IpRepr): Result<PacketRepr> {
  const len = end - at;
  if (len < TCP_HEADER_LEN) return err("truncated", at, "tcp.header");
  const offsetByte = b[at + TCP_FIELD.dataOffset] as number;
  const hl = (offsetByte >> 4) * 4;
  if (hl < TCP_HEADER_LEN) return err("bad-length", at + TCP_FIELD.dataOffset, "tcp.dataOffset");
  if (hl > len) return err("truncated", at + TCP_FIELD.dataOffset, "tcp.dataOffset");
  // Option error offsets are indices into `b`, hence already absolute.
  const opts = parseTcpOptions(b, at + TCP_HEADER_LEN, at + hl);
  if (!opts.ok) return opts;
  const tcp: TcpRepr = {
    kind: "tcp", srcPort: getU16(b, at), dstPort: getU16(b, at + TCP_FIELD.dstPort), seq: getU32(b, at + TCP_FIELD.seq) as SeqNum,
    ack: getU32(b, at + TCP_FIELD.ack) as SeqNum, flags: ((offsetByte & 1) << 8) | (b[at + TCP_FIELD.flags] as number),
    window: getU16(b, at + TCP_FIELD.window), urgent: getU16(b, at + TCP_FIELD.urgent), options: opts.value,
    checksum: getU16(b, at + TCP_FIELD.checksum),
  };
  const reserved = (offsetByte >> 1) & 7;
  return ok({ encaps, ip, l4: reserved === 0 ? tcp : { ...tcp, reserved }, payload: sub(b, at + hl, end) });
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
