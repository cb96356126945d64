/**
 * Outbound verification (pkt-language.md §3.5, §4, §5, §8.9; house-style rule 13): a live packet
 * is mapped into script space and compared field by field in packetdrill's order. The answer is
 * a {@link Mismatch} value, never an exception.
 */
import type { Span } from "../script/span.ts";
import { allZero, bytesEqual } from "../wire/bytes.ts";
import { formatTcpOption } from "../wire/option-format.ts";
import type { MptcpOption } from "../wire/mptcp-options.ts";
import type { PacketRepr } from "../wire/packet.ts";
import { type SeqNum, seqAdd } from "../wire/seq.ts";
import { TCP_FLAG, type TcpRepr, tcpBufferLen } from "../wire/tcp.ts";
import { type TcpOption, emitTcpOption, tcpOptionLen } from "../wire/tcp-options.ts";
import type { ConnectionMapping } from "./mapping.ts";
import { expectedOutboundMptcp, mptcpContext } from "./mptcp-complete.ts";
import { checkOutboundDss, checkOutboundMpc, mapOutboundDss } from "./mptcp-dss.ts";
import { hmac160 } from "./mptcp-join.ts";
import { extraPacketCause, fieldCause, flagsCause, isLengthField, optionName, optionsCause } from "./mismatch-cause.ts";
import { type Mismatch, fieldMismatch, plainMismatch, withCause } from "./mismatch.ts";
import { ECN, type ScriptOption, type ScriptTcpPacket } from "./script-packet.ts";

/** What the matcher needs besides the two packets. */
export interface MatchContext {
  readonly conn: ConnectionMapping;
  /** `--tcp_ts_tick_usecs`; 0 = TS val unchecked (§5.3). */
  readonly tsTickUsecs: number;
  /** The event's timing tolerance in µs (for TS val checks). */
  readonly toleranceUsecs: number;
  /** The event's expected time minus the script start, µs (TS val check base). */
  readonly eventTimeUsecs: number;
}

/** Live TCP header mapped into script space (seq, ack, SACK edges; §5.2). TS vals are left live. */
export function mapOutboundTcp(live: TcpRepr, conn: ConnectionMapping): TcpRepr {
  const syn = (live.flags & TCP_FLAG.SYN) !== 0;
  const options = live.options.map((o): TcpOption =>
    o.kind === "sack"
      ? { kind: "sack", blocks: o.blocks.map((b) => ({ left: conn.outboundAck(b.left, false), right: conn.outboundAck(b.right, false) })) }
      : o.kind === "mptcp" && conn.mptcp !== null ? mapOutboundDss(o, conn.mptcp) : o);
  // The ack field is mapped only when ACK is set (a bare RST carries a raw 0 there, §5.2).
  const ack = (live.flags & TCP_FLAG.ACK) !== 0 ? conn.outboundAck(live.ack, syn) : live.ack;
  return { ...live, seq: conn.outboundSeq(live.seq, syn), ack, options };
}

const FLAG_FIELDS: readonly (readonly [string, number])[] = [
  ["tcp_fin", TCP_FLAG.FIN], ["tcp_syn", TCP_FLAG.SYN], ["tcp_rst", TCP_FLAG.RST], ["tcp_psh", TCP_FLAG.PSH],
  ["tcp_ack", TCP_FLAG.ACK], ["tcp_urg", TCP_FLAG.URG],
];

function aceOf(flags: number): number {
  return (flags & TCP_FLAG.ECE ? 1 : 0) | (flags & TCP_FLAG.CWR ? 2 : 0) | (flags & TCP_FLAG.AE ? 4 : 0);
}

/** IP-layer checks (§3.5 step 5): version, protocol, header length, total length, ECN/TOS, TTL. */
function matchIp(sp: ScriptTcpPacket, live: PacketRepr, expectedL4Len: number, span: Span): Mismatch | null {
  const ip = live.ip;
  if (ip.kind === "ipv4") {
    if (ip.protocol !== 6) return fieldMismatch("ipv4_protocol", 6, ip.protocol, span);
    const ihl = 5 + ((ip.options.length + 3) >> 2);
    if (ihl !== 5) return fieldMismatch("ipv4_header_length", 5, ihl, span);
    if (sp.options !== null && ip.totalLength !== undefined && ip.totalLength !== 20 + expectedL4Len) {
      return fieldMismatch("ipv4_total_length", 20 + expectedL4Len, ip.totalLength, span);
    }
  } else {
    if (ip.nextHeader !== 6) return fieldMismatch("ipv6_next_header", 6, ip.nextHeader, span);
    if (sp.options !== null && ip.payloadLength !== undefined && ip.payloadLength !== expectedL4Len) {
      return fieldMismatch("ipv6_payload_len", expectedL4Len, ip.payloadLength, span);
    }
  }
  const tos = ip.kind === "ipv4" ? ip.tos : ip.trafficClass;
  const e = sp.ip.ecn;
  if (e === "ect01") {
    if ((tos & 3) !== ECN.ect0 && (tos & 3) !== ECN.ect1) {
      return plainMismatch("packet", "ip_ecn", `live packet field ip_ecn: expected: 0x1 or 0x2 vs actual: 0x${(tos & 3).toString(16)}`, span, false);
    }
  } else if (e !== null && (tos & 3) !== e) return fieldMismatch("ip_ecn", e, tos & 3, span);
  if (sp.ip.tos !== null && tos !== sp.ip.tos) return fieldMismatch("tos", sp.ip.tos, tos, span);
  const ttl = ip.kind === "ipv4" ? ip.ttl : ip.hopLimit;
  if (sp.ip.ttl !== null && sp.ip.ttl !== 255 && ttl !== sp.ip.ttl) return fieldMismatch("ttl", sp.ip.ttl, ttl, span);
  return null;
}

/** TCP header checks (§3.5 step 5) on the script-mapped live header. */
function matchTcpHeader(sp: ScriptTcpPacket, mapped: TcpRepr, expectedHdrLen: number, span: Span): Mismatch | null {
  if (sp.options !== null && tcpBufferLen(mapped) !== expectedHdrLen) {
    return fieldMismatch("tcp_data_offset", expectedHdrLen / 4, tcpBufferLen(mapped) / 4, span);
  }
  for (const [name, bit] of FLAG_FIELDS) {
    if ((sp.flags & bit) !== (mapped.flags & bit)) return fieldMismatch(name, sp.flags & bit ? 1 : 0, mapped.flags & bit ? 1 : 0, span);
  }
  if (sp.ace) {
    if (aceOf(sp.flags) !== aceOf(mapped.flags)) return fieldMismatch("tcp_ace", aceOf(sp.flags), aceOf(mapped.flags), span);
  } else {
    for (const [name, bit] of [["tcp_ece", TCP_FLAG.ECE], ["tcp_cwr", TCP_FLAG.CWR], ["tcp_ae", TCP_FLAG.AE]] as const) {
      if ((sp.flags & bit) !== (mapped.flags & bit)) return fieldMismatch(name, sp.flags & bit ? 1 : 0, mapped.flags & bit ? 1 : 0, span);
    }
  }
  if ((mapped.reserved ?? 0) !== 0) return fieldMismatch("tcp_reserved_bits", 0, mapped.reserved ?? 0, span);
  return matchTcpFields(sp, mapped, span);
}

/** The TCP header's value fields (§3.5 step 5, after the flags): seq, ack_seq, window, urgent pointer. */
function matchTcpFields(sp: ScriptTcpPacket, mapped: TcpRepr, span: Span): Mismatch | null {
  if (mapped.seq !== sp.seq) return fieldMismatch("tcp_seq", sp.seq, mapped.seq, span);
  // §10.8: ack_seq is compared even without ACK.
  if (mapped.ack !== sp.ack) return fieldMismatch("tcp_ack_seq", sp.ack, mapped.ack, span);
  if (sp.window !== null && mapped.window !== sp.window) return fieldMismatch("tcp_window", sp.window, mapped.window, span);
  if (mapped.urgent !== sp.urgent) return fieldMismatch("tcp_urg_ptr", sp.urgent, mapped.urgent, span);
  return null;
}

function optionValueMismatch(kind: number, what: string, expected: number | string, actual: number | string, span: Span, field: string): Mismatch {
  return {
    ...plainMismatch("packet", field, `bad ${what} in outbound TCP option (kind=${kind}): expected: ${expected} actual: ${actual}`, span, false),
    expected, actual,
  };
}

const KIND_NUMBER: Readonly<Record<string, number>> = {
  eol: 0, nop: 1, mss: 2, wscale: 3, sackPermitted: 4, sack: 5, timestamps: 8, md5: 19, mptcp: 30, fastOpen: 34, fastOpenExp: 254, accEcn: 172,
};

/** Compares one option pair (§4); `s.wire.kind === l.kind` already holds. */
function matchOption(s: ScriptOption, l: TcpOption, ctx: MatchContext, span: Span): Mismatch | null {
  const w = s.wire;
  const k = l.kind === "unknown" ? l.type : (KIND_NUMBER[l.kind] ?? 0);
  const field = `tcp_option ${w.kind}`;
  // G: `bad value in outbound TCP option (kind=2): expected: mss 600 actual: mss 1460`.
  const bad = (): Mismatch => optionValueMismatch(k, "value", formatTcpOption(w), formatTcpOption(l), span, field);
  if (w.kind === "mss" && l.kind === "mss") return s.wild.has("mss") || w.mss === l.mss ? null : bad();
  if (w.kind === "wscale" && l.kind === "wscale") return s.wild.has("wscale") || w.shift === l.shift ? null : bad();
  if (w.kind === "timestamps" && l.kind === "timestamps") return matchTimestamp(w.tsVal, l.tsVal, s, ctx, span);
  if (w.kind === "mptcp" && l.kind === "mptcp") return matchMptcp(w, l, s.wild, span);
  if (w.kind === "sack" && l.kind === "sack") {
    const same = w.blocks.length === l.blocks.length && w.blocks.every((b, i) => s.wild.has(`sack${i}`) || (b.left === l.blocks[i]?.left && b.right === l.blocks[i]?.right));
    return same ? null : bad();
  }
  if (tcpOptionLen(w) !== tcpOptionLen(l)) return optionValueMismatch(k, "length", tcpOptionLen(w), tcpOptionLen(l), span, field);
  if (s.wild.size > 0) return null;
  return bytesEqual(encode(w), encode(l)) ? null : bad();
}

function encode(o: TcpOption): Uint8Array {
  const buf = new Uint8Array(tcpOptionLen(o));
  emitTcpOption(o, buf, 0);
  return buf;
}

/** §5.3: pair the TS vals; check only with `--tcp_ts_tick_usecs`. ecr is never checked. */
function matchTimestamp(scriptVal: number, liveVal: number, s: ScriptOption, ctx: MatchContext, span: Span): Mismatch | null {
  if (s.wild.has("val")) return null;
  const rewritten = ctx.conn.mapOutboundTsVal(scriptVal, liveVal);
  if (ctx.tsTickUsecs === 0) return null;
  const diff = Math.abs(((rewritten - scriptVal) | 0));
  if (diff * ctx.tsTickUsecs <= ctx.toleranceUsecs) return null;
  return {
    ...plainMismatch("packet", "tcp_ts_val", `bad outbound TCP timestamp value, tolerance ${ctx.toleranceUsecs}`, span, false),
    expected: scriptVal, actual: rewritten,
  };
}

/** §8.9: MPTCP options field by field, named `mptcp <subtype> <field>`; wildcards skip. */
function matchMptcp(w: MptcpOption, l: MptcpOption, wild: ReadonlySet<string>, span: Span): Mismatch | null {
  if (w.subtype !== l.subtype) {
    return { ...plainMismatch("packet", "mptcp subtype", `MPTCP option mismatch: 30 (expected ${w.subtype} vs actual ${l.subtype})`, span, false), expected: w.subtype, actual: l.subtype };
  }
  for (const [name, e, a] of mptcpFields(w, l)) {
    if (wild.has(name) || e === a) continue;
    const field = `mptcp ${mptcpName(w.subtype)} ${name}`;
    const num = (v: number | bigint | boolean | undefined): number | bigint => (typeof v === "boolean" ? (v ? 1 : 0) : (v ?? -1));
    return fieldMismatch(field, num(e), num(a), span);
  }
  return null;
}

function mptcpName(subtype: MptcpOption["subtype"]): string {
  const names: Readonly<Record<string, string>> = {
    mpCapable: "mpcapable", mpJoinSyn: "mp_join_syn", mpJoinSynAck: "mp_join_syn_ack", mpJoinAck: "mp_join_ack", dss: "dss",
    addAddr: "add_address", removeAddr: "remove_address", mpPrio: "mp_prio", mpFail: "mp_fail", mpFastclose: "mp_fastclose", mpTcpRst: "mp_reset",
  };
  return names[subtype] ?? subtype;
}

type FieldTriple = readonly [string, number | bigint | boolean | undefined, number | bigint | boolean | undefined];

/** The comparable fields of an MPTCP option pair of the same subtype, in wire order. */
function mptcpFields(w: MptcpOption, l: MptcpOption): FieldTriple[] {
  const same = <K extends string>(o: MptcpOption, k: K): number | bigint | boolean | undefined => (o as unknown as Record<K, number | bigint | boolean | undefined>)[k];
  const pick = (pairs: readonly (readonly [string, string])[]): FieldTriple[] => pairs.map(([n, k]) => [n, same(w, k), same(l, k)] as const);
  switch (w.subtype) {
    case "mpCapable": return pick([["version", "version"], ["flags", "flags"], ["key", "sendersKey"], ["rkey", "receiversKey"], ["dll", "dataLevelLength"], ["checksum", "checksum"]]);
    case "mpJoinSyn": return pick([["backup", "backup"], ["address_id", "addressId"], ["token", "receiversToken"], ["rand", "sendersRandom"]]);
    case "mpJoinSynAck": return pick([["backup", "backup"], ["address_id", "addressId"], ["hmac", "sendersHmac"], ["rand", "sendersRandom"]]);
    case "dss": {
      if (l.subtype !== "dss") return [];
      const dack = w.dataAck64 ? "dack8" : "dack4";
      const dsn = w.dsn64 ? "dsn8" : "dsn4";
      return [
        ["fin", w.dataFin, l.dataFin], ["dack", w.dataAck !== undefined, l.dataAck !== undefined], [dack + "_width", w.dataAck64, l.dataAck64],
        [dack, w.dataAck, l.dataAck], ["mapping", w.mapping !== undefined, l.mapping !== undefined], [dsn + "_width", w.dsn64, l.dsn64],
        [dsn, w.mapping?.dsn, l.mapping?.dsn], ["ssn", w.mapping?.subflowSeq, l.mapping?.subflowSeq],
        ["dll", w.mapping?.dataLevelLength, l.mapping?.dataLevelLength], ["cksum", w.mapping?.checksum, l.mapping?.checksum],
      ];
    }
    case "addAddr": {
      const addr = (o: MptcpOption): bigint | undefined => (o.subtype === "addAddr" ? o.address.reduce((a, b) => (a << 8n) | BigInt(b), 0n) : undefined);
      return [["address", addr(w), addr(l)], ...pick([["echo", "echo"], ["address_id", "addressId"], ["port", "port"], ["hmac", "hmac"]])];
    }
    case "mpJoinAck": return [["hmac", hmac160(w.sendersHmac), l.subtype === "mpJoinAck" ? hmac160(l.sendersHmac) : undefined]];
    case "removeAddr": {
      // §8.9: the list of address ids, in wire order (one byte each; the length is checked first).
      const ids = (o: MptcpOption): bigint | undefined => (o.subtype === "removeAddr" ? o.addressIds.reduce((a, b) => (a << 8n) | BigInt(b), 0n) : undefined);
      return [["address_id", ids(w), ids(l)]];
    }
    case "mpPrio": return pick([["backup", "backup"], ["address_id", "addressId"]]);
    case "mpFail": return pick([["dsn8", "dsn"]]);
    case "mpFastclose": return pick([["key", "receiversKey"]]);
    case "mpTcpRst": return pick([["flags", "flags"], ["reason", "reason"]]);
    default: return [];
  }
}

/** TCP options pairwise in order (§4): same count and kinds, then per-kind rules. */
function matchOptions(sp: ScriptTcpPacket, live: readonly TcpOption[], ctx: MatchContext, span: Span): Mismatch | null {
  if (sp.options === null) return null;
  const so = sp.options;
  const kinds = (o: TcpOption): string => (o.kind === "mptcp" ? "mptcp" : o.kind);
  if (so.length !== live.length || so.some((s, i) => kinds(s.wire) !== kinds(live[i] as TcpOption))) {
    return plainMismatch("packet", "tcp_options", "bad outbound TCP options", span, false);
  }
  for (let i = 0; i < so.length; i++) {
    const s = so[i] as ScriptOption;
    const l = live[i] as TcpOption;
    const m = s.wire.kind === "mptcp" && l.kind === "mptcp" && ctx.conn.mptcp !== null
      ? matchMptcpLine(sp, s, l, ctx, span) : matchOption(s, l, ctx, span);
    if (m) return m;
  }
  return null;
}

/** §8.9: an MPTCP option completed against the run's MPTCP state, then compared field by field. */
function matchMptcpLine(sp: ScriptTcpPacket, s: ScriptOption, l: MptcpOption, ctx: MatchContext, span: Span): Mismatch | null {
  const mp = ctx.conn.mptcp;
  if (mp === null) return null;
  const e = expectedOutboundMptcp(s, l, mptcpContext(sp, ctx.conn, mp.run));
  return matchMptcp(e.expected, l, e.wild, span);
}

/** The kernel's DSS and MP_CAPABLE data mappings: data end learnt, checksums verified (RFC 8684 §3.1, §3.3.1). */
function checkOutboundMptcpData(sp: ScriptTcpPacket, live: PacketRepr, conn: ConnectionMapping): Mismatch | null {
  const mp = conn.mptcp;
  if (mp === null || live.l4.kind !== "tcp") return null;
  // `cksum=*` on the line's mpcapable skips the MP_CAPABLE checksum check.
  const verifyMpc = !(sp.options ?? []).some((s) => s.node.kind === "mpCapable" && s.node.checksum?.kind === "wildcard");
  for (const o of live.l4.options) {
    if (o.kind !== "mptcp") continue;
    const cm = o.subtype === "dss" ? checkOutboundDss(o, live.payload, mp, sp.span)
      : o.subtype === "mpCapable" ? checkOutboundMpc(o, live.payload, mp, verifyMpc, sp.span) : null;
    if (cm) return cm;
  }
  return null;
}

/**
 * Compares an (aggregated) live outbound packet with a TCP line (§3.5 steps 2–8): payload size,
 * IP fields, TCP header in script space, options, payload bytes. Records TS pairs on the way.
 * A packet mismatch carries its cause (mismatch-cause.ts) besides packetdrill's field.
 */
export function matchOutbound(sp: ScriptTcpPacket, live: PacketRepr, ctx: MatchContext): Mismatch | null {
  const m = matchInOrder(sp, live, ctx);
  if (m === null || m.kind !== "packet" || live.l4.kind !== "tcp") return m;
  return withCause(m, causeOf(sp, live.l4, live.payload.length, ctx, m));
}

/**
 * Classifies a packet mismatch (issue #13): an extra packet (data before the expected seq), then
 * flags, then options present or missing, then field values; a length leads only when no other
 * field differs. Behind a length difference (where the matcher stopped) the header fields and the
 * options' shapes are compared here, without touching run state.
 */
function causeOf(sp: ScriptTcpPacket, live: TcpRepr, liveLen: number, ctx: MatchContext, m: Mismatch): string | null {
  const mapped = mapOutboundTcp(live, ctx.conn);
  const extra = extraPacketCause({ flags: sp.flags, seq: sp.seq, len: sp.payloadLen }, { flags: mapped.flags, seq: mapped.seq, len: liveLen });
  if (extra !== null) return extra;
  const flags = flagsCause(sp.flags, mapped.flags);
  const opts = sp.options === null ? null : optionsCause(sp.options.map((o) => o.wire), mapped.options);
  // Both are differences of kind (which packet this is), so both are named when both differ.
  if (flags !== null || opts !== null) return [flags, opts].filter((c) => c !== null).join("; ");
  const first = isLengthField(m.field) ? (matchTcpFields(sp, mapped, sp.span) ?? optionLengthMismatch(sp, mapped.options) ?? m) : m;
  return fieldCause(first);
}

/** The structural DSS fields that set its length (RFC 8684 §3.3: "A" and "a", "M" and "m" flags). */
const DSS_SHAPE = /^(dack|mapping|dack\d_width|dsn\d_width)$/;

/**
 * Why an option pair of the same kinds differs in length, compared on the script's own option
 * values (no completion against run state, so nothing is bound or recorded while a failure is
 * explained): a DSS's Data ACK or mapping presence and widths, else the two lengths.
 */
function optionLengthMismatch(sp: ScriptTcpPacket, live: readonly TcpOption[]): Mismatch | null {
  const so = sp.options ?? [];
  for (let i = 0; i < so.length && i < live.length; i++) {
    const w = (so[i] as ScriptOption).wire;
    const l = live[i] as TcpOption;
    if (tcpOptionLen(w) === tcpOptionLen(l)) continue;
    if (w.kind === "mptcp" && l.kind === "mptcp" && w.subtype === "dss" && l.subtype === "dss") {
      const shape = mptcpFields(w, l).find(([name, e, a]) => DSS_SHAPE.test(name) && e !== a);
      if (shape !== undefined) return fieldMismatch(`mptcp dss ${shape[0]}`, shape[1] ? 1 : 0, shape[2] ? 1 : 0, sp.span);
    }
    const k = l.kind === "unknown" ? l.type : (KIND_NUMBER[l.kind] ?? 0);
    return optionValueMismatch(k, "length", tcpOptionLen(w), tcpOptionLen(l), sp.span, `tcp_option ${optionName(w)}`);
  }
  return null;
}

/** packetdrill's order of checks (§3.5 steps 2–8); the first difference wins. */
function matchInOrder(sp: ScriptTcpPacket, live: PacketRepr, ctx: MatchContext): Mismatch | null {
  const span = sp.span;
  if (live.l4.kind !== "tcp") {
    return plainMismatch("packet", "ip_protocol", `live packet header layer 1: expected: TCP header vs actual: ${live.l4.kind.toUpperCase()} header`, span, false);
  }
  if (live.payload.length !== sp.payloadLen) {
    return {
      ...plainMismatch("packet", "payload_len", `live packet payload: expected ${sp.payloadLen} bytes vs actual ${live.payload.length} bytes`, span),
      expected: sp.payloadLen, actual: live.payload.length,
    };
  }
  const expectedOpts = (sp.options ?? []).map((o) => o.wire);
  const hdrLen = tcpBufferLen({ ...live.l4, options: expectedOpts });
  const ipm = matchIp(sp, live, hdrLen + sp.payloadLen, span);
  if (ipm) return ipm;
  const mapped = mapOutboundTcp(live.l4, ctx.conn);
  const hm = matchTcpHeader(sp, mapped, hdrLen, span);
  if (hm) return hm;
  const fm = matchFlowLabel(sp, live, ctx.conn, span);
  if (fm) return fm;
  const om = matchOptions(sp, mapped.options, ctx, span);
  if (om) return om;
  const dm = checkOutboundMptcpData(sp, live, ctx.conn);
  if (dm) return dm;
  if (!allZero(live.payload)) return plainMismatch("packet", "payload", "incorrect outbound data payload", span, false);
  return null;
}

/**
 * §5.4: a scripted IPv6 flow label. The live label must be set; the same script label must keep
 * its live label, a new script label must get a new one; the pair seen last is remembered.
 */
function matchFlowLabel(sp: ScriptTcpPacket, live: PacketRepr, conn: ConnectionMapping, span: Span): Mismatch | null {
  if (sp.ip.flowLabel === null || live.ip.kind !== "ipv6") return null;
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const got = live.ip.flowLabel;
  if (got === 0) return plainMismatch("packet", "flowlabel", "flowlabel unmarked in the live packet", span, false);
  const pair = conn.flowLabel;
  if (pair !== null && pair.script === sp.ip.flowLabel && pair.live !== got) {
    return plainMismatch("packet", "flowlabel", `inconsistent flowlabels for this packet: expected: ${hex(pair.live)} vs actual: ${hex(got)}`, span, false);
  }
  if (pair !== null && pair.script !== sp.ip.flowLabel && pair.live === got) {
    return plainMismatch("packet", "flowlabel", "expected a different flowlabel but got the same", span, false);
  }
  conn.flowLabel = { script: sp.ip.flowLabel, live: got };
  return null;
}

/** The end of a script segment: `seq + len` (for the final RST and aggregation checks). */
export function segmentEnd(seq: SeqNum, len: number): SeqNum {
  return seqAdd(seq, len);
}
