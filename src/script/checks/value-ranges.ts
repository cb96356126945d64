/**
 * Pass `value-ranges`: every statically known number fits the wire field it fills
 * (pkt-language.md §3-§4 and §8, RFC 9293 §3.1, RFC 8684 §3). A value that cannot be encoded
 * is an error; a legal but suspicious one (a window scale above 14) is a warning. The dump-only
 * spellings are covered too: `unknown K` (a kind byte), `ipproto N`, `rsv=N` (the reserved bits
 * of each MPTCP option), MP_CAPABLE `vN` and `cksum=N`, and `mp_reset … flags N`.
 */
import { error, warning, type Diagnostic } from "../diagnostic.ts";
import type { IcmpMessage, MpCapable } from "../ast.ts";
import type { Span } from "../span.ts";
import { staticInt, walkNodes, type CheckOptions, type CheckPass } from "./pass.ts";

const U8 = 0xffn;
const U16 = 0xffffn;
const U32 = 0xffff_ffffn;
const U64 = 0xffff_ffff_ffff_ffffn;
/** RFC 8684 §3.1: the MP_CAPABLE version and the MP_TCPRST flags are 4-bit fields. */
const U4 = 0xfn;
/** Widths of the reserved bits (RFC 8684 §3.2-§3.7 figures): MP_JOIN SYN, SYN/ACK, ADD_ADDR, MP_PRIO. */
const RSV3 = 7n;
/** MP_JOIN third ACK, MP_FAIL, MP_FASTCLOSE: 12 reserved bits. */
const RSV12 = 0xfffn;

/** One numeric field of a node kind: the property, its name in messages, and its maximum. */
type Limit = readonly [property: string, label: string, max: bigint];

/** Per node kind, the numeric fields and how large they may be. */
const LIMITS: Readonly<Record<string, readonly Limit[]>> = {
  tcp: [["ack", "ack", U32], ["win", "win", U16], ["urg", "urg", U16]],
  seqRange: [["start", "sequence number", U32], ["end", "sequence number", U32], ["length", "payload length", U16]],
  udp: [["length", "UDP payload length", U16]],
  icmp: [["id", "id", U16]],
  ipproto: [["protocol", "ipproto", U8], ["length", "IP payload length", U16]],
  echoedUdp: [["length", "UDP payload length", U16]],
  echoedRaw: [["length", "ICMP payload length", U16]],
  port: [["port", "port", U16]],
  hostPort: [["port", "port", U16]],
  tos: [["value", "tos", U8]],
  ttl: [["value", "ttl", U8]],
  flowlabel: [["value", "flowlabel", 0xf_ffffn]],
  psp: [["spi", "spi", U32]],
  mplsEntry: [["label", "MPLS label", 0xf_ffffn], ["tc", "MPLS tc", 7n], ["ttl", "MPLS ttl", U8]],
  greHeader: [["flags", "GRE flags", U16], ["sum", "GRE sum", U16], ["off", "GRE off", U16], ["key", "GRE key", U32], ["seq", "GRE seq", U32]],
  mss: [["value", "mss", U16]],
  wscale: [["value", "wscale", U8]],
  sackBlock: [["left", "SACK edge", U32], ["right", "SACK edge", U32]],
  timestamp: [["val", "TS val", U32], ["ecr", "TS ecr", U32]],
  accEcnField: [["value", "AccECN counter", 0xff_ffffn]],
  unknownOption: [["type", "option kind", U8]],
  mptcpVar: [["value", "MPTCP key", U64]],
  mpCapable: [["flags", "mpcapable flags", U8], ["dataLength", "mpcdatalen", U16], ["checksum", "cksum", U16]],
  mpJoinSyn: [["backup", "backup", 1n], ["addressId", "address_id", U8], ["token", "token", U32], ["rand", "rand", U32], ["reserved", "rsv", RSV3]],
  mpJoinSynAck: [["backup", "backup", 1n], ["addressId", "address_id", U8], ["rand", "rand", U32], ["reserved", "rsv", RSV3]],
  mpJoinAck: [["reserved", "rsv", RSV12]],
  dss: [["subflowSeq", "ssn", U32], ["dataLevelLength", "dll", U16], ["checksum", "cksum", U16], ["reserved", "rsv", 0x7fn]],
  addAddress: [["addressId", "address_id", U8], ["port", "port", U16], ["hmac", "hmac", U64], ["reserved", "rsv", RSV3]],
  removeAddress: [["addressIds", "address_id", U8], ["reserved", "rsv", U4]],
  mpPrio: [["backup", "backup", 1n], ["addressId", "address_id", U8], ["reserved", "rsv", RSV3]],
  mpFail: [["reserved", "rsv", RSV12]],
  mpFastclose: [["addend", "key addend", U64], ["reserved", "rsv", RSV12]],
  mpReset: [["reason", "reason", U8], ["flags", "mp_reset flags", U4]],
};

/** Legal values that deserve a second look: property, label, largest unsurprising value, note. */
const WARN_ABOVE: Readonly<Record<string, readonly (readonly [string, string, bigint, string])[]>> = {
  wscale: [["value", "wscale", 14n, "RFC 7323 §2.3: a shift count above 14 is treated as 14; fine when the script tests that clamp"]],
};

function checkValue(value: unknown, label: string, max: bigint, options: CheckOptions, out: Diagnostic[]): void {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  for (const v of values) {
    const n = staticInt(v, options);
    if (n === null || (n >= 0n && n <= max)) continue;
    const span = (v as { span: Span }).span;
    out.push(error("value-range", `Value ${n} does not fit '${label}' (0..${max})`, span));
  }
}

/** `dack4`/`dsn4` are 32-bit, `dack8`/`dsn8` 64-bit (RFC 8684 §3.3). */
function checkDssNumber(node: { width: 4 | 8; value: unknown }, options: CheckOptions, out: Diagnostic[]): void {
  checkValue(node.value, node.width === 4 ? "4-byte DSS field" : "8-byte DSS field", node.width === 4 ? U32 : U64, options, out);
}

/** `mpcapable vN`: the version is a 4-bit field (RFC 8684 §3.1); scripts use v0 and v1. */
function checkMpcVersion(node: MpCapable, out: Diagnostic[]): void {
  if (node.version === "none") return;
  const n = BigInt(node.version.slice(1));
  if (n <= U4) return;
  out.push(error("value-range", `Value ${n} does not fit 'mpcapable version' (0..${U4})`, node.versionSpan));
}

/**
 * RFC 1191 §4: the ICMPv4 "Next-Hop MTU" is 16 bits; RFC 4443 §3.2: the ICMPv6 Packet Too Big
 * "MTU" is 32 bits.
 */
function checkIcmpMtu(node: IcmpMessage, options: CheckOptions, out: Diagnostic[]): void {
  if (node.mtu !== null) checkValue(node.mtu, "mtu", node.type.name === "packet_too_big" ? U32 : U16, options, out);
}

/** Finds every out-of-range value under `root`. */
export function rangeDiagnostics(root: unknown, options: CheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkNodes(root, (node) => {
    const fields = node as unknown as Record<string, unknown>;
    if (node.kind === "mpCapable") checkMpcVersion(node as MpCapable, out);
    if (node.kind === "icmp") checkIcmpMtu(node as IcmpMessage, options, out);
    if (node.kind === "dssNumber") checkDssNumber(node as unknown as { width: 4 | 8; value: unknown }, options, out);
    for (const [property, label, max] of LIMITS[node.kind] ?? []) checkValue(fields[property], label, max, options, out);
    for (const [property, label, max, note] of WARN_ABOVE[node.kind] ?? []) {
      const n = staticInt(fields[property], options);
      if (n === null || n <= max) continue;
      const span = (fields[property] as { span: Span }).span;
      if (n <= (LIMITS[node.kind]?.find((l) => l[0] === property)?.[2] ?? n)) {
        out.push(warning("value-suspicious", `Value ${n} of '${label}' is above ${max}`, span, [note]));
      }
    }
  });
  return out;
}

/** The pass. */
export const valueRanges: CheckPass = {
  name: "value-ranges",
  run({ script, options, report }) {
    for (const event of script.events) {
      if (event.action.kind === "packet") rangeDiagnostics(event.action, options).forEach(report);
    }
  },
};
