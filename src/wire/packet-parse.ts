/**
 * The walk behind `parsePacket` (packet.ts): an IP packet (RFC 791, RFC 8200) with its
 * encapsulation layers (IP-in-IP, GRE RFC 2784, MPLS RFC 3032) and upper layer (TCP RFC 9293
 * §3.1, UDP RFC 768, ICMP), read at absolute offsets of one array: no subarray, view or wrapper
 * object per layer. Internal to src/wire; `parsePacketAt` lets a caller parse the network layer
 * inside a captured frame without first taking a view of it.
 */
import { getU16, getU32, sub } from "./bytes.ts";
import { IP_PROTO } from "./checksum.ts";
import { ETHERTYPE, greBufferLen, parseGre } from "./gre.ts";
import { parseIcmp } from "./icmp.ts";
import { type Ipv4Repr, IPV4_FIELD, IPV4_FLAG, IPV4_HEADER_LEN } from "./ipv4.ts";
import { ipv6FragmentInfo, parseIpv6Chain } from "./ipv6.ts";
import { mplsBufferLen, parseMpls } from "./mpls.ts";
import type { EncapRepr, IpRepr, PacketRepr } from "./packet.ts";
import { type Result, err, errAt, ok } from "./result.ts";
import type { SeqNum } from "./seq.ts";
import { type TcpRepr, TCP_FIELD, TCP_HEADER_LEN } from "./tcp.ts";
import { parseTcpOptions } from "./tcp-options.ts";
import { UdpView } from "./udp.ts";

const EMPTY = new Uint8Array(0);

/**
 * Decodes the IP packet at `bytes[start..]` (v4 or v6 by its version nibble). Never throws;
 * error offsets are indices into `bytes`. Views in the repr share `bytes`' memory.
 */
export function parsePacketAt(bytes: Uint8Array, start: number): Result<PacketRepr> {
  const encaps: EncapRepr[] = [];
  let at = start;
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
