/**
 * Capture → `.pkt` lines, the engine of `mptcpdrill decode`: one object per run holds the state
 * (which addresses are the local host's, per-subflow ISNs, per-connection MPTCP keys) and turns
 * each capture item into lines. Direction follows packetdrill: `>` = sent by the local host.
 * Sequence numbers are relative to each direction's ISN (pkt-language.md §5.2), DSNs and Data
 * ACKs relative to the sender's / receiver's IDSN (§8.6, RFC 8684 §3.1), unless `abs` is set.
 */
import { formatIpAddress } from "../wire/address.ts";
import { formatPacket } from "../wire/dump.ts";
import type { FormatContext } from "../wire/format-context.ts";
import { mptcpIdsn, mptcpToken, type MptcpVersion } from "../wire/mptcp-crypto.ts";
import type { MptcpOption } from "../wire/mptcp-options.ts";
import { parsePacket, type PacketRepr } from "../wire/packet.ts";
import type { CaptureItem, CapturedPacket } from "../wire/pcap/captured-packet.ts";
import { stripLinkLayer } from "../wire/pcap/link-layer.ts";
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from "../wire/pcap/link-type.ts";
import type { SeqNum } from "../wire/seq.ts";
import type { TcpRepr } from "../wire/tcp.ts";
import { describeArp, describeIcmpv6 } from "./pkt-comments.ts";

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
}

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** ICMPv6 types with a `.pkt` name (pkt-language.md §3.3); the rest (ND, MLD, …) become comments. */
const ICMPV6_SCRIPTABLE: readonly number[] = [1, 2, 3, 4, 128, 129];
const other = (s: Side): Side => (s === "local" ? "remote" : "local");

/** Turns capture items into `.pkt` lines; create one per file. */
export class PktDecoder {
  private readonly options: DecodeOptions;
  private readonly hosts = new Map<string, Side>();
  private readonly flows = new Map<string, Flow>();
  private readonly conns: MptcpConn[] = [];
  private prev: { sec: number; nsec: number } | undefined;
  private tupleOn: boolean;
  /** Counters for the closing summary. */
  readonly stats = { packets: 0, tcp: 0, comments: 0, errors: 0 };

  constructor(options: DecodeOptions) {
    this.options = options;
    for (const a of options.local) this.hosts.set(a, "local");
    this.tupleOn = options.tuple === "ports" || options.tuple === "addresses";
  }

  /** The lines for one capture item (usually one). */
  push(item: CaptureItem): string[] {
    if (item.kind === "error") {
      this.stats.errors++;
      return [`// cannot decode: ${item.error.code} at offset ${item.error.offset} (${item.error.detail})`];
    }
    this.stats.packets++;
    return this.packet(item.packet);
  }

  private packet(frame: CapturedPacket): string[] {
    const link = stripLinkLayer(frame.linkType, frame.data);
    if (!link.ok) return this.failure(frame, link.error.code, link.error.offset);
    const { etherType, payload, payloadOffset } = link.value;
    if (etherType === ETHERTYPE_ARP) return this.comment(frame, describeArp(payload));
    if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return this.comment(frame, `ethertype 0x${etherType.toString(16).padStart(4, "0")}, ${payload.length} bytes`);
    const pkt = parsePacket(payload);
    if (!pkt.ok) return this.failure(frame, pkt.error.code, payloadOffset + pkt.error.offset, pkt.error.field);
    const v = pkt.value;
    if (v.l4.kind === "icmp" && v.l4.version === 6 && !ICMPV6_SCRIPTABLE.includes(v.l4.type)) {
      return this.comment(frame, describeIcmpv6(v.l4.type, formatIpAddress(v.ip.src), formatIpAddress(v.ip.dst)));
    }
    if (v.l4.kind === "tcp") return this.tcp(frame, v, v.l4);
    const dir = this.knownDirection(formatIpAddress(v.ip.src), formatIpAddress(v.ip.dst));
    const line = formatPacket(v, { tuple: this.tupleOn ? "addresses" : "none" });
    if (dir === undefined) return this.comment(frame, `${formatIpAddress(v.ip.src)} > ${formatIpAddress(v.ip.dst)}: ${line}`);
    return [`${this.time(frame)} ${dir === "local" ? ">" : "<"} ${line}`];
  }

  private failure(frame: CapturedPacket, code: string, offset: number, field?: string): string[] {
    this.stats.errors++;
    return [`// packet ${frame.number}: cannot decode: ${code} at offset ${offset}${field ? ` (${field})` : ""}`];
  }

  private comment(frame: CapturedPacket, text: string): string[] {
    this.stats.comments++;
    return [`// packet ${frame.number}: ${text}`];
  }

  /** `0.000000` for the first packet line, then `+0.000123` (time since the previous packet line). */
  private time(frame: CapturedPacket): string {
    const prev = this.prev;
    if (!frame.hasTimestamp && prev !== undefined) return "+0.000000";
    this.prev = { sec: frame.tsSec, nsec: frame.tsNsec };
    if (prev === undefined) return "0.000000";
    const deltaNs = (frame.tsSec - prev.sec) * 1e9 + (frame.tsNsec - prev.nsec);
    return `+${(Math.max(0, deltaNs) / 1e9).toFixed(6)}`;
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

  private tcp(frame: CapturedPacket, pkt: PacketRepr, tcp: TcpRepr): string[] {
    this.stats.tcp++;
    const src = formatIpAddress(pkt.ip.src);
    const dst = formatIpAddress(pkt.ip.dst);
    const mptcp = tcp.options.filter((o): o is MptcpOption => o.kind === "mptcp");
    const side = this.tcpSide(src, dst, tcp, mptcp);
    const flow = this.flow(`${src}:${tcp.srcPort}`, `${dst}:${tcp.dstPort}`);
    this.track(flow, side, tcp, mptcp);
    const line = formatPacket(pkt, this.context(flow, side));
    return [`${this.time(frame)} ${line}`];
  }

  /**
   * Known hosts decide; else an MP_JOIN SYN whose token names a known connection's key points
   * at that key's owner; else the sender is taken as local (the first SYN's sender, or without
   * a SYN the first sender) — a SYN/ACK's receiver is local.
   */
  private tcpSide(src: string, dst: string, tcp: TcpRepr, mptcp: readonly MptcpOption[]): Side {
    const known = this.knownDirection(src, dst);
    if (known !== undefined) return known;
    const join = mptcp.find((o) => o.subtype === "mpJoinSyn");
    const owner = join && join.subtype === "mpJoinSyn" ? this.tokenOwner(join.receiversToken) : undefined;
    const synAck = (tcp.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    const side: Side = owner !== undefined ? other(owner) : synAck ? "remote" : "local";
    this.learn(src, dst, side);
    return side;
  }

  private tokenOwner(token: number): Side | undefined {
    for (const c of this.conns) {
      for (const s of ["local", "remote"] as const) {
        const k = c.keys[s];
        if (k !== undefined && mptcpToken(k, c.version) === token) return s;
      }
    }
    return undefined;
  }

  private flow(a: string, b: string): Flow {
    const id = a < b ? `${a}|${b}` : `${b}|${a}`;
    let f = this.flows.get(id);
    if (f === undefined) {
      f = { isn: {}, conn: undefined };
      this.flows.set(id, f);
      if (this.flows.size > 1 && this.options.tuple === "auto") this.tupleOn = true;
    }
    return f;
  }

  private track(flow: Flow, side: Side, tcp: TcpRepr, mptcp: readonly MptcpOption[]): void {
    if (tcp.flags & TCP_SYN) flow.isn[side] = tcp.seq;
    else if (flow.isn[side] === undefined) flow.isn[side] = (tcp.seq - 1) >>> 0;
    if (tcp.flags & TCP_ACK && flow.isn[other(side)] === undefined) flow.isn[other(side)] = (tcp.ack - 1) >>> 0;
    for (const o of mptcp) this.trackMptcp(flow, side, o);
  }

  private trackMptcp(flow: Flow, side: Side, o: MptcpOption): void {
    if (o.subtype === "mpCapable") {
      flow.conn ??= this.newConn(o.version === 0 ? 0 : 1);
      if (o.sendersKey !== undefined) setKey(flow.conn, side, o.sendersKey);
      if (o.receiversKey !== undefined) setKey(flow.conn, other(side), o.receiversKey);
    } else if (o.subtype === "mpJoinSyn") {
      flow.conn = this.conns.find((c) => c.keys[other(side)] !== undefined && mptcpToken(c.keys[other(side)] as bigint, c.version) === o.receiversToken);
    } else if (o.subtype === "addAddr") {
      // RFC 8684 §3.4.1: an ADD_ADDR advertises an address of its sender; the echo returns it to that host.
      const addr = formatIpAddress(o.address);
      if (!this.hosts.has(addr)) this.hosts.set(addr, o.echo ? other(side) : side);
    }
  }

  private newConn(version: MptcpVersion): MptcpConn {
    const c: MptcpConn = { version, keys: {}, idsn: {} };
    this.conns.push(c);
    return c;
  }

  private context(flow: Flow, side: Side): FormatContext {
    const tuple = this.tupleOn ? (this.options.tuple === "ports" ? "ports" : "addresses") : "none";
    // Built field by field (no spreads): this runs once per packet on the hot path.
    const ctx: { -readonly [K in keyof FormatContext]: FormatContext[K] } = { direction: side === "local" ? ">" : "<", tuple };
    if (this.options.abs) return ctx;
    const seqBase = flow.isn[side];
    const ackBase = flow.isn[other(side)];
    if (seqBase !== undefined) ctx.seqBase = seqBase as SeqNum;
    if (ackBase !== undefined) ctx.ackBase = ackBase as SeqNum;
    const conn = flow.conn;
    if (conn === undefined) return ctx;
    const dsnBase = conn.idsn[side];
    const dataAckBase = conn.idsn[other(side)];
    if (dsnBase !== undefined) ctx.dsnBase = dsnBase;
    if (dataAckBase !== undefined) ctx.dataAckBase = dataAckBase;
    return ctx;
  }
}

function setKey(conn: MptcpConn, side: Side, key: bigint): void {
  if (conn.keys[side] === key) return;
  conn.keys[side] = key;
  conn.idsn[side] = mptcpIdsn(key, conn.version);
}
