/**
 * The IPv6 header (RFC 8200 §3) and its extension-header chain (RFC 8200 §4: hop-by-hop, routing,
 * fragment, destination options; also AH per RFC 4302 §2.2 and mobility per RFC 6275), skipped to
 * the upper layer and kept byte-exact: offsets, a checked view, `Ipv6Repr`, parse/emit.
 */
import { type IpAddress, formatIpAddress } from "./address.ts";
import { getU16, getU32, setU16, setU32, sub } from "./bytes.ts";
import type { IpEmitOptions } from "./ipv4.ts";
import { type Result, err, ok } from "./result.ts";

/** Byte offsets of the fixed IPv6 header fields. */
export const IPV6_FIELD = { versionClassFlow: 0, payloadLength: 4, nextHeader: 6, hopLimit: 7, src: 8, dst: 24 } as const;

/** Length of the fixed IPv6 header. */
export const IPV6_HEADER_LEN = 40;

/** Extension header types this codec skips (RFC 8200 §4.1 order, plus AH and mobility). */
export const IPV6_EXT = { hopByHop: 0, routing: 43, fragment: 44, esp: 50, ah: 51, noNext: 59, destOpts: 60, mobility: 135 } as const;

/** One extension header: its type (the previous header's Next Header) and its bytes after its own Next Header byte. */
export interface Ipv6Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** An IPv6 header with its extension chain as plain data. */
export interface Ipv6Repr {
  readonly kind: "ipv6";
  /** Traffic class: DSCP (high 6 bits) and ECN (low 2 bits). */
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly hopLimit: number;
  /** The upper-layer protocol, after the extension headers. */
  readonly nextHeader: number;
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly extensions: readonly Ipv6Extension[];
  /** Payload length as parsed (extensions included); computed when emitting unless kept. */
  readonly payloadLength?: number;
}

/** True for the extension header types that {@link parseIpv6} walks over. */
export function isIpv6Extension(type: number): boolean {
  return type === IPV6_EXT.hopByHop || type === IPV6_EXT.routing || type === IPV6_EXT.fragment
    || type === IPV6_EXT.destOpts || type === IPV6_EXT.ah || type === IPV6_EXT.mobility;
}

/** Checked read access to the fixed IPv6 header at the start of `bytes`. */
export class Ipv6View {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks version 6 and that the header and payload length fit in `bytes`. */
  static checked(bytes: Uint8Array): Result<Ipv6View> {
    if (bytes.length < IPV6_HEADER_LEN) return err("truncated", 0, "ipv6.header");
    if ((bytes[0] as number) >> 4 !== 6) return err("bad-version", 0, "ipv6.version");
    if (IPV6_HEADER_LEN + getU16(bytes, IPV6_FIELD.payloadLength) > bytes.length) return err("truncated", IPV6_FIELD.payloadLength, "ipv6.payloadLength");
    return ok(new Ipv6View(bytes));
  }

  get trafficClass(): number { return (getU16(this.bytes, 0) >> 4) & 0xff; }
  get flowLabel(): number { return getU32(this.bytes, 0) & 0xfffff; }
  get payloadLength(): number { return getU16(this.bytes, IPV6_FIELD.payloadLength); }
  get nextHeader(): number { return this.bytes[IPV6_FIELD.nextHeader] as number; }
  get hopLimit(): number { return this.bytes[IPV6_FIELD.hopLimit] as number; }
  get src(): IpAddress { return sub(this.bytes, IPV6_FIELD.src, IPV6_FIELD.src + 16); }
  get dst(): IpAddress { return sub(this.bytes, IPV6_FIELD.dst, IPV6_FIELD.dst + 16); }
  /** Everything after the fixed header up to the payload length (extensions included). */
  get payload(): Uint8Array { return sub(this.bytes, IPV6_HEADER_LEN, IPV6_HEADER_LEN + this.payloadLength); }
}

/** The byte length of an extension header from its first two bytes. */
function extLength(type: number, lenByte: number): number {
  if (type === IPV6_EXT.fragment) return 8;
  // RFC 4302 §2.2: AH "Payload Len" is in 4-octet units, minus 2.
  if (type === IPV6_EXT.ah) return (lenByte + 2) * 4;
  // RFC 8200 §4.3: "Length of the Hop-by-Hop Options header in 8-octet units, not including the first 8 octets."
  return (lenByte + 1) * 8;
}

/** An IPv6 header, its extension chain, and the offset of the upper layer inside the input. */
export interface Ipv6Parsed {
  readonly repr: Ipv6Repr;
  /** Offset of the upper-layer header (40 + extension bytes). */
  readonly upperOffset: number;
  /** End of the packet per the payload length. */
  readonly end: number;
}

/** Decodes the IPv6 header and walks the extension chain to the upper layer. */
export function parseIpv6Chain(bytes: Uint8Array): Result<Ipv6Parsed> {
  const c = Ipv6View.checked(bytes);
  if (!c.ok) return c;
  const v = c.value;
  const end = IPV6_HEADER_LEN + v.payloadLength;
  const extensions: Ipv6Extension[] = [];
  let next = v.nextHeader;
  let i = IPV6_HEADER_LEN;
  while (isIpv6Extension(next)) {
    if (i + 2 > end) return err("truncated", i, "ipv6.extension");
    const len = extLength(next, bytes[i + 1] as number);
    if (i + len > end) return err("truncated", i + 1, "ipv6.extension.length");
    extensions.push({ type: next, data: sub(bytes, i + 1, i + len) });
    next = bytes[i] as number;
    i += len;
  }
  const repr: Ipv6Repr = {
    kind: "ipv6", trafficClass: v.trafficClass, flowLabel: v.flowLabel, hopLimit: v.hopLimit, nextHeader: next,
    src: v.src, dst: v.dst, extensions, payloadLength: v.payloadLength,
  };
  return ok({ repr, upperOffset: i, end });
}

/** Decodes the IPv6 header (with its extension chain) at the start of `bytes`. */
export function parseIpv6(bytes: Uint8Array): Result<Ipv6Repr> {
  const r = parseIpv6Chain(bytes);
  return r.ok ? ok(r.value.repr) : r;
}

/** Fixed header plus extension headers, in bytes. */
export function ipv6BufferLen(repr: Ipv6Repr): number {
  let n = IPV6_HEADER_LEN;
  for (const e of repr.extensions) n += 1 + e.data.length;
  return n;
}

/** The fragment offset (8-byte units) and M flag of a fragment extension, or undefined for another type. */
export function ipv6FragmentInfo(e: Ipv6Extension): { offset: number; more: boolean; identification: number } | undefined {
  if (e.type !== IPV6_EXT.fragment || e.data.length !== 7) return undefined;
  const w = getU16(e.data, 1);
  return { offset: w >> 3, more: (w & 1) === 1, identification: getU32(e.data, 3) };
}

/**
 * Writes the header and extensions at `buf[at..]` for an upper-layer payload of `payloadLen`
 * bytes; returns the bytes written ({@link ipv6BufferLen}).
 */
export function emitIpv6(repr: Ipv6Repr, buf: Uint8Array, at: number, payloadLen: number, opts: IpEmitOptions = {}): number {
  const hl = ipv6BufferLen(repr);
  const plen = opts.keepLengths && repr.payloadLength !== undefined ? repr.payloadLength : hl - IPV6_HEADER_LEN + payloadLen;
  setU32(buf, at, (6 << 28) | ((repr.trafficClass & 0xff) << 20) | (repr.flowLabel & 0xfffff));
  setU16(buf, at + IPV6_FIELD.payloadLength, plen);
  const exts = repr.extensions;
  buf[at + IPV6_FIELD.nextHeader] = exts.length > 0 ? (exts[0] as Ipv6Extension).type : repr.nextHeader;
  buf[at + IPV6_FIELD.hopLimit] = repr.hopLimit;
  buf.set(repr.src, at + IPV6_FIELD.src);
  buf.set(repr.dst, at + IPV6_FIELD.dst);
  let i = at + IPV6_HEADER_LEN;
  for (let k = 0; k < exts.length; k++) {
    const e = exts[k] as Ipv6Extension;
    buf[i] = k + 1 < exts.length ? (exts[k + 1] as Ipv6Extension).type : repr.nextHeader;
    buf.set(e.data, i + 1);
    i += 1 + e.data.length;
  }
  return hl;
}

/**
 * `ipv6 2001:db8::1 > 2001:db8::2 :` — the `.pkt` encapsulation form (pkt-language.md §3.1), with
 * a space before the colon so the colon is not read as part of the address.
 */
export function formatIpv6(repr: Ipv6Repr): string {
  return `ipv6 ${formatIpAddress(repr.src)} > ${formatIpAddress(repr.dst)} :`;
}
