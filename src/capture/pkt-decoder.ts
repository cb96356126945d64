/**
 * Capture → `.pkt` lines, the engine of `mptcpdrill decode` (part of the capture core, src/capture): one object per run holds the state
 * (which addresses are the local host's, per-subflow ISNs, per-connection MPTCP keys) and turns
 * each capture item into lines. Direction follows packetdrill: `>` = sent by the local host.
 * Sequence numbers are relative to each direction's ISN (pkt-language.md §5.2), DSNs and Data
 * ACKs relative to the sender's / receiver's IDSN (§8.6, RFC 8684 §3.1), unless `abs` is set.
 */
import { formatIpAddress } from "../wire/address.ts";
import { bytesEqual } from "../wire/bytes.ts";
import { formatPacket } from "../wire/dump.ts";
import type { FormatContext } from "../wire/format-context.ts";
import { mptcpIdsn, type MptcpVersion } from "../wire/mptcp-crypto.ts";
import type { MptcpOption } from "../wire/mptcp-options.ts";
import type { PacketRepr } from "../wire/packet.ts";
import { parsePacketAt } from "../wire/packet-parse.ts";
import type { CaptureItem, CapturedPacket } from "../wire/pcap/captured-packet.ts";
import { ipPayloadStart, stripLinkLayer } from "../wire/pcap/link-layer.ts";
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from "../wire/pcap/link-type.ts";
import type { Result } from "../wire/result.ts";
import type { SeqNum } from "../wire/seq.ts";
import type { TcpRepr } from "../wire/tcp.ts";
import { describeArp, describeIcmpv6 } from "./pkt-comments.ts";
import { TokenIndex } from "./token-index.ts";

/** Settings of one decode run. */
export interface DecodeOptions {
  /** Addresses of the local host; empty = the sender of the first SYN. */
  readonly local: readonly string[];
  /** Absolute sequence numbers, DSNs and Data ACKs. */
  readonly abs: boolean;
  /** `auto` prints `addr:port > addr:port` once a second TCP connection shows up. */
  readonly tuple: "auto" | "none" | "ports" | "addresses";
}

type Side = "local" | "remote";
interface MptcpConn {
  readonly version: MptcpVersion;
  readonly keys: Partial<Record<Side, bigint>>;
  readonly idsn: Partial<Record<Side, bigint>>;
}
interface Flow {
  /** ISN per sender side (the seq of its SYN, or one below its first seq). */
  readonly isn: Partial<Record<Side, number>>;
  conn: MptcpConn | undefined;
  /** The last format context built per sender side, reused while its bases are unchanged. */
  readonly ctx: Partial<Record<Side, FormatContext>>;
}
/**
 * A 4-tuple seen recently, with what it resolved to. Once a tuple has a side it keeps it (host
 * entries are only ever added), and its flow never changes, so later packets skip the address
 * formatting and map lookups.
 */
interface RecentTuple {
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly side: Side;
  readonly flow: Flow;
}

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** ICMPv6 types with a `.pkt` name (pkt-language.md §3.3); the rest (ND, MLD, …) become comments. */
const ICMPV6_SCRIPTABLE: readonly number[] = [1, 2, 3, 4, 128, 129];
const other = (s: Side): Side => (s === "local" ? "remote" : "local");
/** How many recent 4-tuples {@link PktDecoder} remembers (a bulk transfer alternates between two). */
const RECENT_TUPLES = 8;

/** Turns capture items into `.pkt` lines; create one per file. */
export class PktDecoder {
  private readonly options: DecodeOptions;
  private readonly hosts = new Map<string, Side>();
  private readonly flows = new Map<string, Flow>();
  private readonly tokens = new TokenIndex<MptcpConn, Side>();
  private readonly recent: RecentTuple[] = [];
  private hasPrev = false;
  private prevSec = 0;
  private prevNsec = 0;
  /** The last time delta printed and its text (bursts and coarse clocks repeat deltas). */
  private lastDeltaNs = -1;
  private lastDelta = "";
  private tupleOn: boolean;
  /** Counters for the closing summary. */
  readonly stats = { packets: 0, tcp: 0, comments: 0, errors: 0 };

  constructor(options: DecodeOptions) {
    this.options = options;
    for (const a of options.local) this.hosts.set(a, "local");
    this.tupleOn = options.tuple === "ports" || options.tuple === "addresses";
  }

  /** The `.pkt` line (or `// comment` line) for one capture item, without a newline. */
  push(item: CaptureItem): string {
    if (item.kind === "error") {
      this.stats.errors++;
      return `// cannot decode: ${item.error.code} at offset ${item.error.offset} (${item.error.detail})`;
    }
    this.stats.packets++;
    return this.packet(item.packet);
  }

  private packet(frame: CapturedPacket): string {
    // The usual frame (untagged IPv4/IPv6) is parsed in place; the rest goes through a LinkFrame.
    const start = ipPayloadStart(frame.linkType, frame.data);
    if (start >= 0) return this.ipPacket(frame, parsePacketAt(frame.data, start));
    const link = stripLinkLayer(frame.linkType, frame.data);
    if (!link.ok) return this.failure(frame, link.error.code, link.error.offset);
    const { etherType, payload, payloadOffset } = link.value;
    if (etherType === ETHERTYPE_ARP) return this.comment(frame, describeArp(payload));
    if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return this.comment(frame, `ethertype 0x${etherType.toString(16).padStart(4, "0")}, ${payload.length} bytes`);
    return this.ipPacket(frame, parsePacketAt(frame.data, payloadOffset));
  }

  /** The line of an IP packet parsed from `frame` (error offsets are frame offsets). */
  private ipPacket(frame: CapturedPacket, pkt: Result<PacketRepr>): string {
    if (!pkt.ok) return this.failure(frame, pkt.error.code, pkt.error.offset, pkt.error.field);
    const v = pkt.value;
    if (v.l4.kind === "tcp") return this.tcp(frame, v, v.l4);
    if (v.l4.kind === "icmp" && v.l4.version === 6 && !ICMPV6_SCRIPTABLE.includes(v.l4.type)) {
      return this.comment(frame, describeIcmpv6(v.l4.type, formatIpAddress(v.ip.src), formatIpAddress(v.ip.dst)));
    }
    const dir = this.knownDirection(formatIpAddress(v.ip.src), formatIpAddress(v.ip.dst));
    const line = formatPacket(v, { tuple: this.tupleOn ? "addresses" : "none" });
    if (dir === undefined) return this.comment(frame, `${formatIpAddress(v.ip.src)} > ${formatIpAddress(v.ip.dst)}: ${line}`);
    return `${this.time(frame)} ${dir === "local" ? ">" : "<"} ${line}`;
  }

  private failure(frame: CapturedPacket, code: string, offset: number, field?: string): string {
    this.stats.errors++;
    return `// packet ${frame.number}: cannot decode: ${code} at offset ${offset}${field ? ` (${field})` : ""}`;
  }

  private comment(frame: CapturedPacket, text: string): string {
    this.stats.comments++;
    return `// packet ${frame.number}: ${text}`;
  }

  /** `0.000000` for the first packet line, then `+0.000123` (time since the previous packet line). */
  private time(frame: CapturedPacket): string {
    if (!frame.hasTimestamp && this.hasPrev) return "+0.000000";
    const hadPrev = this.hasPrev;
    const deltaNs = (frame.tsSec - this.prevSec) * 1e9 + (frame.tsNsec - this.prevNsec);
    this.hasPrev = true;
    this.prevSec = frame.tsSec;
    this.prevNsec = frame.tsNsec;
    if (!hadPrev) return "0.000000";
    if (deltaNs !== this.lastDeltaNs) {
      this.lastDeltaNs = deltaNs;
      this.lastDelta = `+${formatSeconds6(deltaNs)}`;
    }
    return this.lastDelta;
  }

  /** The side that sent a packet from `src` to `dst`, from what is known; learns the other end. */
  private knownDirection(src: string, dst: string): Side | undefined {
    const side = this.hosts.get(src) ?? (this.hosts.has(dst) ? other(this.hosts.get(dst) as Side) : undefined);
    if (side !== undefined) this.learn(src, dst, side);
    return side;
  }

  private learn(src: string, dst: string, side: Side): void {
    if (!this.hosts.has(src)) this.hosts.set(src, side);
    if (!this.hosts.has(dst)) this.hosts.set(dst, other(side));
  }

  private tcp(frame: CapturedPacket, pkt: PacketRepr, tcp: TcpRepr): string {
    this.stats.tcp++;
    const t = this.recentTuple(pkt.ip.src, pkt.ip.dst, tcp) ?? this.resolveTuple(pkt, tcp);
    this.track(t.flow, t.side, tcp);
    const line = formatPacket(pkt, this.context(t.flow, t.side));
    return `${this.time(frame)} ${line}`;
  }

  private recentTuple(src: Uint8Array, dst: Uint8Array, tcp: TcpRepr): RecentTuple | undefined {
    for (const t of this.recent) {
      if (t.srcPort === tcp.srcPort && t.dstPort === tcp.dstPort && bytesEqual(t.src, src) && bytesEqual(t.dst, dst)) return t;
    }
    return undefined;
  }

  /** The side and flow of a tuple not seen recently (learning hosts and flows on the way). */
  private resolveTuple(pkt: PacketRepr, tcp: TcpRepr): RecentTuple {
    const src = formatIpAddress(pkt.ip.src);
    const dst = formatIpAddress(pkt.ip.dst);
    const side = this.tcpSide(src, dst, tcp);
    const flow = this.flow(`${src}:${tcp.srcPort}`, `${dst}:${tcp.dstPort}`);
    const t: RecentTuple = { src: pkt.ip.src.slice(), dst: pkt.ip.dst.slice(), srcPort: tcp.srcPort, dstPort: tcp.dstPort, side, flow };
    if (this.recent.unshift(t) > RECENT_TUPLES) this.recent.pop();
    return t;
  }

  /**
   * Known hosts decide; else an MP_JOIN SYN whose token names a known connection's key points
   * at that key's owner; else the sender is taken as local (the first SYN's sender, or without
   * a SYN the first sender) — a SYN/ACK's receiver is local.
   */
  private tcpSide(src: string, dst: string, tcp: TcpRepr): Side {
    const known = this.knownDirection(src, dst);
    if (known !== undefined) return known;
    const join = tcp.options.find((o) => o.kind === "mptcp" && o.subtype === "mpJoinSyn");
    const owner = join?.kind === "mptcp" && join.subtype === "mpJoinSyn" ? this.tokenOwner(join.receiversToken) : undefined;
    const synAck = (tcp.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    const side: Side = owner !== undefined ? other(owner) : synAck ? "remote" : "local";
    this.learn(src, dst, side);
    return side;
  }

  private tokenOwner(token: number): Side | undefined {
    return this.tokens.get(token)?.side;
  }

  private flow(a: string, b: string): Flow {
    const id = a < b ? `${a}|${b}` : `${b}|${a}`;
    let f = this.flows.get(id);
    if (f === undefined) {
      f = { isn: {}, conn: undefined, ctx: {} };
      this.flows.set(id, f);
      if (this.flows.size > 1 && this.options.tuple === "auto") this.tupleOn = true;
    }
    return f;
  }

  private track(flow: Flow, side: Side, tcp: TcpRepr): void {
    if (tcp.flags & TCP_SYN) flow.isn[side] = tcp.seq;
    else if (flow.isn[side] === undefined) flow.isn[side] = (tcp.seq - 1) >>> 0;
    if (tcp.flags & TCP_ACK && flow.isn[other(side)] === undefined) flow.isn[other(side)] = (tcp.ack - 1) >>> 0;
    for (const o of tcp.options) if (o.kind === "mptcp") this.trackMptcp(flow, side, o);
  }

  private trackMptcp(flow: Flow, side: Side, o: MptcpOption): void {
    if (o.subtype === "mpCapable") {
      flow.conn ??= this.newConn(o.version === 0 ? 0 : 1);
      if (o.sendersKey !== undefined) this.setKey(flow.conn, side, o.sendersKey);
      if (o.receiversKey !== undefined) this.setKey(flow.conn, other(side), o.receiversKey);
    } else if (o.subtype === "mpJoinSyn") {
      const owner = this.tokens.get(o.receiversToken);
      flow.conn = owner?.side === other(side) ? owner.conn : undefined;
    } else if (o.subtype === "addAddr") {
      // RFC 8684 §3.4.1: an ADD_ADDR advertises an address of its sender; the echo returns it to that host.
      const addr = formatIpAddress(o.address);
      if (!this.hosts.has(addr)) this.hosts.set(addr, o.echo ? other(side) : side);
    }
  }

  private newConn(version: MptcpVersion): MptcpConn {
    return { version, keys: {}, idsn: {} };
  }

  private setKey(conn: MptcpConn, side: Side, key: bigint): void {
    if (conn.keys[side] === key) return;
    conn.keys[side] = key;
    conn.idsn[side] = mptcpIdsn(key, conn.version);
    this.tokens.add(conn, side, key, conn.version);
  }

  /**
   * The format context of a packet from `side` on `flow`. The bases change only on handshakes and
   * key sightings, so the last context per side is reused while it still matches (comparing is
   * cheaper than building one per packet).
   */
  private context(flow: Flow, side: Side): FormatContext {
    const tuple = this.tupleOn ? (this.options.tuple === "ports" ? "ports" : "addresses") : "none";
    const abs = this.options.abs;
    const seqBase = abs ? undefined : flow.isn[side];
    const ackBase = abs ? undefined : flow.isn[other(side)];
    const conn = abs ? undefined : flow.conn;
    const dsnBase = conn?.idsn[side];
    const dataAckBase = conn?.idsn[other(side)];
    const last = flow.ctx[side];
    if (last !== undefined && last.tuple === tuple && last.seqBase === seqBase && last.ackBase === ackBase
      && last.dsnBase === dsnBase && last.dataAckBase === dataAckBase) return last;
    // Built field by field (no spreads), absent bases left out.
    const ctx: { -readonly [K in keyof FormatContext]: FormatContext[K] } = { direction: side === "local" ? ">" : "<", tuple };
    if (seqBase !== undefined) ctx.seqBase = seqBase as SeqNum;
    if (ackBase !== undefined) ctx.ackBase = ackBase as SeqNum;
    if (dsnBase !== undefined) ctx.dsnBase = dsnBase;
    if (dataAckBase !== undefined) ctx.dataAckBase = dataAckBase;
    flow.ctx[side] = ctx;
    return ctx;
  }
}

/**
 * `deltaNs / 1e9` with 6 decimals, as `toFixed(6)` prints it: whole microseconds below 1e15
 * (31 years) are exact in a double, so integer arithmetic gives the same digits faster.
 */
function formatSeconds6(deltaNs: number): string {
  if (deltaNs <= 0) return "0.000000";
  const us = deltaNs / 1000;
  if (!Number.isInteger(us) || us >= 1e15) return (deltaNs / 1e9).toFixed(6);
  const sec = Math.floor(us / 1e6);
  const frac = us - sec * 1e6;
  return `${sec}.${frac < 100000 ? FRAC_PAD[String(frac).length] : ""}${frac}`;
}

/** Zeros that pad an n-digit microsecond fraction to 6 digits. */
const FRAC_PAD = ["", "00000", "0000", "000", "00", "0", ""];
