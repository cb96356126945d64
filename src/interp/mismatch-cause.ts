/**
 * The cause of an outbound packet mismatch, in words (issue #13, pkt-language.md §9).
 *
 * packetdrill compares a live packet field by field in header order (§3.5), so a packet with the
 * wrong flags and another option set is reported by its first side effect: `live packet field
 * ipv4_total_length: expected: 44 vs actual: 52` for an RST expected where a DSS ACK came. The
 * cause line names what a reader looks for first, in this order: the TCP flags; which options
 * (and MPTCP subtypes) are present or missing; then field values (seq, ack, window, option and
 * MPTCP fields); lengths and checksums only when nothing else differs. packetdrill's own line
 * stays in the message, second (mismatch.ts `mismatchText`).
 *
 * Everything here is pure: it reads the two packets and the mismatch the matcher found.
 */
import { formatIpAddress } from "../wire/address.ts";
import type { MptcpOption } from "../wire/mptcp-options.ts";
import { formatMpCapableFlags } from "../wire/option-format.ts";
import type { PacketRepr } from "../wire/packet.ts";
import { type SeqNum, seqAdd, seqLe } from "../wire/seq.ts";
import { TCP_FLAG, formatTcpFlags } from "../wire/tcp.ts";
import type { TcpOption } from "../wire/tcp-options.ts";
import type { Mismatch } from "./mismatch.ts";

/** Flag bits and their names, in the order `formatTcpFlags` prints the letters. */
const FLAG_NAMES: readonly (readonly [number, string])[] = [
  [TCP_FLAG.FIN, "FIN"], [TCP_FLAG.SYN, "SYN"], [TCP_FLAG.RST, "RST"], [TCP_FLAG.PSH, "PSH"], [TCP_FLAG.URG, "URG"],
  [TCP_FLAG.ECE, "ECE"], [TCP_FLAG.CWR, "CWR"], [TCP_FLAG.AE, "AE"], [TCP_FLAG.ACK, "ACK"],
];

const ALL_FLAGS = FLAG_NAMES.reduce((a, [bit]) => a | bit, 0);

/** `R. (RST|ACK)`, `- (none)`: the `.pkt` spelling of a flag set and its names. */
export function describeFlags(flags: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  return `${formatTcpFlags(flags)} (${names.length === 0 ? "none" : names.join("|")})`;
}

/** `expected flags R. (RST|ACK), live packet has . (ACK)`, or null when the flags agree. */
export function flagsCause(expected: number, actual: number): string | null {
  if (((expected ^ actual) & ALL_FLAGS) === 0) return null;
  return `expected flags ${describeFlags(expected)}, live packet has ${describeFlags(actual)}`;
}

const MPTCP_NAMES: Readonly<Record<MptcpOption["subtype"], string>> = {
  mpCapable: "mpcapable", mpJoinSyn: "mp_join_syn", mpJoinSynAck: "mp_join_syn_ack", mpJoinAck: "mp_join_ack", dss: "dss",
  addAddr: "add_address", removeAddr: "remove_address", mpPrio: "mp_prio", mpFail: "mp_fail", mpFastclose: "mp_fastclose",
  mpTcpRst: "mp_reset", unknown: "mptcp_unknown",
};

/** The script spelling of an MPTCP subtype (`mp_reset` for MP_TCPRST, `add_address` for ADD_ADDR). */
export function mptcpSubtypeName(subtype: MptcpOption["subtype"]): string {
  return MPTCP_NAMES[subtype];
}

/** The script keyword of an option (`TS`, `sackOK`, `dss`, `mp_reset` …), without its values. */
export function optionName(o: TcpOption): string {
  switch (o.kind) {
    case "sackPermitted": return "sackOK";
    case "timestamps": return "TS";
    case "fastOpen": return "FO";
    case "fastOpenExp": return "FOEXP";
    case "accEcn": return "ECN";
    case "mptcp": return mptcpSubtypeName(o.subtype);
    case "unknown": return `unknown ${o.type}`;
    default: return o.kind;
  }
}

const isPadding = (name: string): boolean => name === "nop" || name === "eol";

/** `a` minus `b` as multisets, in `a`'s order. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((n) => {
    const i = left.indexOf(n);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

function list(names: readonly string[]): string {
  return names.join(", ");
}

/**
 * Which options differ by presence: `expected option mp_reset, live packet has dss instead`,
 * `expected option TS, live packet lacks it`, `live packet has unexpected option mpcapable`, or
 * the same options in another order. NOP/EOL padding counts only when nothing else differs.
 * Null when both packets carry the same options in the same order.
 */
export function optionsCause(script: readonly TcpOption[], live: readonly TcpOption[]): string | null {
  const s = script.map(optionName);
  const l = live.map(optionName);
  if (s.length === l.length && s.every((n, i) => n === l[i])) return null;
  let missing = minus(s, l);
  let extra = minus(l, s);
  if (missing.length === 0 && extra.length === 0) return `options in another order: expected <${list(s)}>, live packet has <${list(l)}>`;
  if (missing.some((n) => !isPadding(n)) || extra.some((n) => !isPadding(n))) {
    missing = missing.filter((n) => !isPadding(n));
    extra = extra.filter((n) => !isPadding(n));
  }
  const [m0] = missing;
  const [e0] = extra;
  if (missing.length === 1 && extra.length === 1 && m0 !== undefined && e0 !== undefined) {
    const mptcp = script.some((o) => o.kind === "mptcp" && optionName(o) === m0) && live.some((o) => o.kind === "mptcp" && optionName(o) === e0);
    return `expected ${mptcp ? "MPTCP option" : "option"} ${m0}, live packet has ${e0} instead`;
  }
  const parts: string[] = [];
  if (missing.length > 0) {
    parts.push(`expected option${missing.length > 1 ? "s" : ""} ${list(missing)}, live packet lacks ${missing.length > 1 ? "them" : "it"}`);
  }
  if (extra.length > 0) parts.push(`live packet has unexpected option${extra.length > 1 ? "s" : ""} ${list(extra)}`);
  return parts.join("; ");
}

/** A value for a cause line: decimal below 2^32, hex above (keys, tokens, HMACs). */
function val(v: number | bigint | string | undefined): string {
  if (v === undefined) return "?";
  if (typeof v === "string") return v;
  const b = BigInt(v);
  return b >= 0n && b < 0x1_0000_0000n ? b.toString() : `0x${BigInt.asUintN(64, b).toString(16)}`;
}

const truth = (v: number | bigint | string | undefined): boolean => v !== undefined && v !== 0 && v !== 0n && v !== "0";

/** The cause of an `mptcp <subtype> <field>` mismatch. */
function mptcpFieldCause(sub: string, name: string, e: Mismatch["expected"], a: Mismatch["actual"]): string {
  if (name.endsWith("_width")) {
    const what = name.startsWith("dack") ? "Data ACK" : "DSN";
    const width = (v: Mismatch["expected"]): string => (truth(v) ? "8" : "4");
    const short = name.startsWith("dack") ? "dack" : "dsn";
    const an = (w: string): string => (w === "8" ? "an" : "a");
    return `expected ${sub} with ${an(width(e))} ${width(e)}-octet ${what} (${short}${width(e)}), live packet has ${an(width(a))} ${width(a)}-octet one (${short}${width(a)})`;
  }
  if (sub === "dss" && (name === "dack" || name === "mapping")) {
    const what = name === "dack" ? "a Data ACK" : "a mapping (dsn, ssn, dll)";
    return truth(e) ? `expected dss with ${what}, live packet has none` : `live packet's dss has ${what} the script does not expect`;
  }
  if (sub === "mpcapable" && name === "flags" && e !== undefined && a !== undefined) {
    return `expected mpcapable ${formatMpCapableFlags(Number(e))}, live packet has ${formatMpCapableFlags(Number(a))}`;
  }
  if (sub === "dss" && name === "fin") return `expected DATA_FIN ${truth(e) ? "set" : "clear"} in dss, live packet has it ${truth(a) ? "set" : "clear"}`;
  return `expected ${sub} ${name}=${val(e)}, live packet has ${name}=${val(a)}`;
}

const HEADER_WORDS: Readonly<Record<string, string>> = {
  tcp_window: "win", tcp_urg_ptr: "urg", ttl: "ttl", tos: "tos", ip_ecn: "ECN codepoint", tcp_reserved_bits: "reserved bits",
  tcp_ts_val: "TS val",
};

/** One side of an outbound comparison in script space: flags and sequence range. */
export interface SegmentShape {
  readonly flags: number;
  readonly seq: SeqNum;
  readonly len: number;
}

function shape(s: SegmentShape): string {
  return `${formatTcpFlags(s.flags)} ${s.seq}:${seqAdd(s.seq, s.len)}(${s.len})`;
}

/**
 * `extra packet: …` when the live segment carries data that ends at or before the expected seq:
 * the SUT sent a packet the script does not expect here (a retransmission, a duplicate, or a line
 * the script lacks), so its other differences are not the point. Not for SYNs (the ISN is being
 * learnt) nor for segments without data (a pure ACK occupies no sequence space).
 */
export function extraPacketCause(expected: SegmentShape, live: SegmentShape): string | null {
  if (live.len === 0 || ((expected.flags | live.flags) & TCP_FLAG.SYN) !== 0) return null;
  if (!seqLe(seqAdd(live.seq, live.len), expected.seq)) return null;
  return `extra packet: live packet ${shape(live)} lies before the expected ${shape(expected)} (a retransmission, a duplicate or a line the script lacks)`;
}

/**
 * The cause of one field mismatch the matcher found, or null when packetdrill's line already
 * says it (payload bytes, flow labels, socket choice).
 */
export function fieldCause(m: Mismatch): string | null {
  const e = m.expected;
  const a = m.actual;
  if (m.field === "tcp_seq") return `expected seq ${val(e)}, live packet has seq ${val(a)}`;
  if (m.field === "tcp_ack_seq") return `expected ack ${val(e)}, live packet has ack ${val(a)}`;
  if (m.field === "payload_len" && e !== undefined && a !== undefined) return `expected ${val(e)} bytes of payload, live packet has ${val(a)}`;
  if (m.field === "ipv4_total_length" || m.field === "ipv6_payload_len") {
    return `lengths differ, nothing else: expected a ${m.field === "ipv4_total_length" ? "total length" : "payload length"} of ${val(e)} bytes, live packet has ${val(a)}`;
  }
  if (m.field === "tcp_data_offset" && typeof e === "number" && typeof a === "number") {
    return `lengths differ, nothing else: expected a ${e * 4}-byte TCP header, live packet has ${a * 4} bytes`;
  }
  const word = HEADER_WORDS[m.field];
  if (word !== undefined && e !== undefined) return `expected ${word} ${val(e)}, live packet has ${word} ${val(a)}`;
  if (m.field.startsWith("tcp_option ") && typeof e === "string") return `expected option ${e}, live packet has ${val(a)}`;
  if (m.field.startsWith("tcp_option ")) return `expected option ${m.field.slice(11)} of ${val(e)} bytes, live packet has ${val(a)} bytes`;
  const mp = /^mptcp (\S+) (\S+)$/.exec(m.field);
  if (mp !== null) {
    const [, sub = "", name = ""] = mp;
    if (name === "checksum") return `expected ${sub} checksum ${val(e)}, live packet has ${val(a)} (nothing else differs)`;
    return mptcpFieldCause(sub, name, e, a);
  }
  if (m.field === "mptcp subtype") {
    const name = (v: Mismatch["expected"]): string => MPTCP_NAMES[v as MptcpOption["subtype"]] ?? val(v);
    return `expected MPTCP option ${name(e)}, live packet has ${name(a)} instead`;
  }
  return null;
}

/** Fields whose difference is only a consequence of another (lengths of headers and packets). */
export function isLengthField(field: string): boolean {
  return field === "ipv4_total_length" || field === "ipv6_payload_len" || field === "tcp_data_offset" || field === "payload_len";
}

/**
 * The cause of a mismatch found while sniffing (before any field was compared): no packet at all
 * (a missing packet), or a packet of another socket (named by its tuple).
 */
export function sniffCause(m: Mismatch, live: PacketRepr | null): string | null {
  if (m.kind === "timeout") return "missing packet: the SUT sent no packet for this line before the timeout";
  if (m.field === "socket" && live !== null && (live.l4.kind === "tcp" || live.l4.kind === "udp")) {
    const tuple = `${formatIpAddress(live.ip.src)}:${live.l4.srcPort} > ${formatIpAddress(live.ip.dst)}:${live.l4.dstPort}`;
    return `live packet belongs to another connection or subflow (${tuple})`;
  }
  return null;
}
