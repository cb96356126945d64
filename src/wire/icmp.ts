/**
 * ICMPv4 (RFC 792, RFC 1191 §4 frag_needed MTU) and ICMPv6 (RFC 4443, packet_too_big MTU):
 * offsets, a checked view, `IcmpRepr` with echo, error (the echoed invoking IP header + 8 bytes)
 * and other bodies, parse/emit, type/code names and the `.pkt` form of pkt-language.md §3.3.
 */
import { type IpAddress } from "./address.ts";
import { getU16, getU32, setU16, setU32, sub } from "./bytes.ts";
import { type Result, err, ok } from "./result.ts";

/** Byte offsets of the ICMP header fields (both versions). */
export const ICMP_FIELD = { type: 0, code: 1, checksum: 2, rest: 4, data: 8 } as const;

/** Length of the ICMP header (type, code, checksum, 4 bytes rest-of-header). */
export const ICMP_HEADER_LEN = 8;

/** The message body after type, code and checksum; `rest` is the 32-bit rest-of-header word. */
export type IcmpBody =
  | { readonly kind: "echo"; readonly identifier: number; readonly sequence: number; readonly data: Uint8Array }
  /** An error: `invoking` is the echoed invoking packet (IP header + at least 8 bytes). */
  | { readonly kind: "error"; readonly rest: number; readonly invoking: Uint8Array }
  | { readonly kind: "other"; readonly rest: number; readonly data: Uint8Array };

/** An ICMPv4 (`version: 4`) or ICMPv6 (`version: 6`) message as plain data. */
export interface IcmpRepr {
  readonly kind: "icmp";
  readonly version: 4 | 6;
  readonly type: number;
  readonly code: number;
  readonly body: IcmpBody;
  /** Checksum as parsed; computed when emitting unless kept (ICMPv6 needs the pseudo-header). */
  readonly checksum?: number;
}

const V4_TYPES: Record<number, string> = {
  0: "echo_reply", 3: "unreachable", 4: "source_quench", 5: "redirect", 8: "echo_request", 11: "time_exceeded",
  12: "parameter_problem", 13: "timestamp_request", 14: "timestamp_reply", 15: "information_request",
  16: "information_reply", 17: "address_mask_request", 18: "address_mask_reply",
};
const V6_TYPES: Record<number, string> = { 1: "unreachable", 2: "packet_too_big", 3: "time_exceeded", 4: "parameter_problem", 128: "echo_request", 129: "echo_reply" };
const V4_UNREACH = ["net_unreachable", "host_unreachable", "protocol_unreachable", "port_unreachable", "frag_needed",
  "source_route_failed", "net_unknown", "host_unknown", "source_host_isolated", "net_prohibited", "host_prohibited",
  "net_unreachable_for_tos", "host_unreachable_for_tos", "packet_filtered", "precedence_violation", "precedence_cutoff"];
const V6_CODES: Record<number, readonly string[]> = {
  1: ["no_route", "admin_prohibited", "not_neighbour", "address_unreachable", "port_unreachable"],
  3: ["exceeded_hop_limit", "exceeded_frag_time"],
  4: ["header_field", "unknown_next_header", "unknown_option"],
};

/** Error message types: v4 3, 4, 5, 11, 12; v6 1–4 (RFC 4443 §2.1: types 0–127 are errors). */
export function isIcmpError(version: 4 | 6, type: number): boolean {
  return version === 4 ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type < 128;
}

/** Echo types: v4 0 and 8, v6 128 and 129. */
export function isIcmpEcho(version: 4 | 6, type: number): boolean {
  return version === 4 ? type === 0 || type === 8 : type === 128 || type === 129;
}

/** Checked read access to an ICMP message at the start of `bytes`. */
export class IcmpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks that the 8-byte header fits. */
  static checked(bytes: Uint8Array): Result<IcmpView> {
    return bytes.length < ICMP_HEADER_LEN ? err("truncated", 0, "icmp.header") : ok(new IcmpView(bytes));
  }

  get type(): number { return this.bytes[ICMP_FIELD.type] as number; }
  get code(): number { return this.bytes[ICMP_FIELD.code] as number; }
  get checksum(): number { return getU16(this.bytes, ICMP_FIELD.checksum); }
  get rest(): number { return getU32(this.bytes, ICMP_FIELD.rest); }
  get data(): Uint8Array { return sub(this.bytes, ICMP_HEADER_LEN); }
}

/** Decodes the whole ICMP message in `bytes` (the IP payload) for IP version `version`. */
export function parseIcmp(bytes: Uint8Array, version: 4 | 6): Result<IcmpRepr> {
  const c = IcmpView.checked(bytes);
  if (!c.ok) return c;
  const v = c.value;
  const rest = v.rest;
  let body: IcmpBody;
  if (isIcmpEcho(version, v.type)) body = { kind: "echo", identifier: rest >>> 16, sequence: rest & 0xffff, data: v.data };
  else if (isIcmpError(version, v.type)) body = { kind: "error", rest, invoking: v.data };
  else body = { kind: "other", rest, data: v.data };
  return ok({ kind: "icmp", version, type: v.type, code: v.code, body, checksum: v.checksum });
}

/** The message length: 8 + echo data / invoking bytes / other data. */
export function icmpBufferLen(repr: IcmpRepr): number {
  const b = repr.body;
  return ICMP_HEADER_LEN + (b.kind === "error" ? b.invoking.length : b.data.length);
}

/** Writes the whole message at `buf[at..]`; the checksum field is `repr.checksum ?? 0`. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array, at = 0): number {
  const b = repr.body;
  buf[at] = repr.type;
  buf[at + 1] = repr.code;
  setU16(buf, at + ICMP_FIELD.checksum, repr.checksum ?? 0);
  setU32(buf, at + ICMP_FIELD.rest, b.kind === "echo" ? ((b.identifier & 0xffff) << 16) | (b.sequence & 0xffff) : b.rest);
  buf.set(b.kind === "error" ? b.invoking : b.data, at + ICMP_HEADER_LEN);
  return icmpBufferLen(repr);
}

/**
 * The MTU an error reports: ICMPv4 unreachable/frag_needed (type 3 code 4) carries the next-hop
 * MTU in the low 16 bits (RFC 1191 §4); ICMPv6 packet_too_big (type 2) the 32-bit MTU (RFC 4443 §3.2).
 */
export function icmpMtu(repr: IcmpRepr): number | undefined {
  if (repr.body.kind !== "error") return undefined;
  if (repr.version === 4 && repr.type === 3 && repr.code === 4) return repr.body.rest & 0xffff;
  if (repr.version === 6 && repr.type === 2) return repr.body.rest;
  return undefined;
}

/** The rest-of-header word that carries `mtu` for the version's MTU message. */
export function icmpRestForMtu(version: 4 | 6, mtu: number): number {
  return version === 4 ? mtu & 0xffff : mtu >>> 0;
}

/** What the echoed invoking packet of an ICMP error says (read leniently: it is cut short). */
export interface IcmpInvoking {
  readonly version: 4 | 6;
  readonly protocol: number;
  readonly src: IpAddress;
  readonly dst: IpAddress;
  /** The echoed upper-layer bytes (at least 8 when the sender followed RFC 792). */
  readonly l4: Uint8Array;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** The TCP sequence number, when the invoking packet was TCP. */
  readonly tcpSeq?: number;
  /** The UDP length field, when the invoking packet was UDP. */
  readonly udpLength?: number;
}

/** Decodes the IP header + 8 bytes echoed in an ICMP error (no length consistency checks). */
export function parseIcmpInvoking(invoking: Uint8Array): Result<IcmpInvoking> {
  if (invoking.length < 1) return err("truncated", 0, "icmp.invoking");
  const ver = (invoking[0] as number) >> 4;
  let base: Omit<IcmpInvoking, "srcPort" | "dstPort" | "tcpSeq" | "udpLength">;
  if (ver === 4) {
    const hl = ((invoking[0] as number) & 0xf) * 4;
    if (hl < 20 || invoking.length < hl) return err("truncated", 0, "icmp.invoking.ipv4");
    base = { version: 4, protocol: invoking[9] as number, src: sub(invoking, 12, 16), dst: sub(invoking, 16, 20), l4: sub(invoking, hl) };
  } else if (ver === 6) {
    if (invoking.length < 40) return err("truncated", 0, "icmp.invoking.ipv6");
    base = { version: 6, protocol: invoking[6] as number, src: sub(invoking, 8, 24), dst: sub(invoking, 24, 40), l4: sub(invoking, 40) };
  } else return err("bad-version", 0, "icmp.invoking.version");
  const l4 = base.l4;
  if (l4.length < 4) return ok(base);
  const ports = { ...base, srcPort: getU16(l4, 0), dstPort: getU16(l4, 2) };
  if (l4.length >= 8 && base.protocol === 6) return ok({ ...ports, tcpSeq: getU32(l4, 4) });
  if (l4.length >= 6 && base.protocol === 17) return ok({ ...ports, udpLength: getU16(l4, 4) });
  return ok(ports);
}

/** The `.pkt` type name (`unreachable`, `packet_too_big`, …) or `type_N`. */
export function icmpTypeName(version: 4 | 6, type: number): string {
  return (version === 4 ? V4_TYPES[type] : V6_TYPES[type]) ?? `type_${type}`;
}

/** The `.pkt` code name (`port_unreachable`, `frag_needed`, …), `code_N`, or "" for an unnamed 0. */
export function icmpCodeName(version: 4 | 6, type: number, code: number): string {
  const names = version === 4 ? (type === 3 ? V4_UNREACH : undefined) : V6_CODES[type];
  const name = names?.[code];
  if (name !== undefined) return name;
  return code === 0 ? "" : `code_${code}`;
}

/**
 * `icmp unreachable frag_needed mtu 1400 [1:1(0)]` (pkt-language.md §3.1 `icmp` rule): the
 * echoed part shows the invoking TCP sequence number `[s:s(0)]` or `[udp (N)]`.
 */
export function formatIcmp(repr: IcmpRepr): string {
  const parts = ["icmp", icmpTypeName(repr.version, repr.type)];
  const code = icmpCodeName(repr.version, repr.type, repr.code);
  if (code !== "") parts.push(code);
  const mtu = icmpMtu(repr);
  if (mtu !== undefined) parts.push(`mtu ${mtu}`);
  if (repr.body.kind === "echo") parts.push(`id ${repr.body.identifier}`);
  if (repr.body.kind === "error") {
    const inv = parseIcmpInvoking(repr.body.invoking);
    if (inv.ok && inv.value.tcpSeq !== undefined) parts.push(`[${inv.value.tcpSeq}:${inv.value.tcpSeq}(0)]`);
    else if (inv.ok && inv.value.udpLength !== undefined) parts.push(`[udp (${Math.max(0, inv.value.udpLength - 8)})]`);
  }
  return parts.join(" ");
}
