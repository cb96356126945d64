/**
 * The IPv4 header (RFC 791 §3.1, with DSCP/ECN per RFC 2474 and RFC 3168 §5): offsets, a checked
 * view, the plain-data `Ipv4Repr` (options kept as raw bytes), parse/emit and a one-line form.
 */
import { type IpAddress, formatIpAddress } from "./address.ts";
import { getU16, setU16, sub } from "./bytes.ts";
import { ipv4HeaderChecksum } from "./checksum.ts";
import { type Result, err, ok } from "./result.ts";

/** Byte offsets of the IPv4 header fields. */
export const IPV4_FIELD = {
  versionIhl: 0, tos: 1, totalLength: 2, identification: 4, flagsFragment: 6, ttl: 8, protocol: 9,
  checksum: 10, src: 12, dst: 16, options: 20,
} as const;

/** Length of the IPv4 header without options. */
export const IPV4_HEADER_LEN = 20;

const NO_OPTIONS = new Uint8Array(0);

/** Flag bits of `Ipv4Repr.flags` (the top 3 bits of byte 6): reserved, DF, MF. */
export const IPV4_FLAG = { reserved: 0x4, DF: 0x2, MF: 0x1 } as const;

/** An IPv4 header as plain data. */
export interface Ipv4Repr {
  readonly kind: "ipv4";
  /** The whole TOS byte: DSCP (high 6 bits) and ECN (low 2 bits). */
  readonly tos: number;
  readonly identification: number;
  /** {@link IPV4_FLAG} bits. */
  readonly flags: number;
  /** Fragment offset in 8-byte units. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: IpAddress;
  readonly dst: IpAddress;
  /** Raw option bytes (a multiple of 4 long when emitted; shorter ones are zero-padded). */
  readonly options: Uint8Array;
  /** Total length as parsed; computed when emitting unless lengths are kept. */
  readonly totalLength?: number;
  /** Header checksum as parsed; computed when emitting unless checksums are kept. */
  readonly checksum?: number;
}

/** Checked read access to an IPv4 header at the start of `bytes`. */
export class Ipv4View {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks version 4, IHL ≥ 5, and that the header and total length fit in `bytes`. */
  static checked(bytes: Uint8Array): Result<Ipv4View> {
    if (bytes.length < IPV4_HEADER_LEN) return err("truncated", 0, "ipv4.header");
    const b0 = bytes[0] as number;
    if (b0 >> 4 !== 4) return err("bad-version", 0, "ipv4.version");
    const hl = (b0 & 0xf) * 4;
    if (hl < IPV4_HEADER_LEN) return err("bad-length", 0, "ipv4.ihl");
    if (hl > bytes.length) return err("truncated", 0, "ipv4.ihl");
    const total = getU16(bytes, IPV4_FIELD.totalLength);
    if (total < hl) return err("bad-length", IPV4_FIELD.totalLength, "ipv4.totalLength");
    if (total > bytes.length) return err("truncated", IPV4_FIELD.totalLength, "ipv4.totalLength");
    return ok(new Ipv4View(bytes));
  }

  get headerLen(): number { return ((this.bytes[0] as number) & 0xf) * 4; }
  get tos(): number { return this.bytes[IPV4_FIELD.tos] as number; }
  get totalLength(): number { return getU16(this.bytes, IPV4_FIELD.totalLength); }
  get identification(): number { return getU16(this.bytes, IPV4_FIELD.identification); }
  get flags(): number { return (this.bytes[IPV4_FIELD.flagsFragment] as number) >> 5; }
  get fragmentOffset(): number { return getU16(this.bytes, IPV4_FIELD.flagsFragment) & 0x1fff; }
  get ttl(): number { return this.bytes[IPV4_FIELD.ttl] as number; }
  get protocol(): number { return this.bytes[IPV4_FIELD.protocol] as number; }
  get checksum(): number { return getU16(this.bytes, IPV4_FIELD.checksum); }
  get src(): IpAddress { return sub(this.bytes, IPV4_FIELD.src, IPV4_FIELD.src + 4); }
  get dst(): IpAddress { return sub(this.bytes, IPV4_FIELD.dst, IPV4_FIELD.dst + 4); }
  /** The option bytes (a shared empty array when there are none). */
  get options(): Uint8Array { return this.headerLen === IPV4_HEADER_LEN ? NO_OPTIONS : sub(this.bytes, IPV4_HEADER_LEN, this.headerLen); }
  /** The payload per the total length (link-layer padding excluded). */
  get payload(): Uint8Array { return sub(this.bytes, this.headerLen, this.totalLength); }
  /** True when the header checksum verifies. */
  get checksumValid(): boolean { return ipv4HeaderChecksum(sub(this.bytes, 0, this.headerLen)) === this.checksum; }
}

/** Decodes the IPv4 header at the start of `bytes`. */
export function parseIpv4(bytes: Uint8Array): Result<Ipv4Repr> {
  const c = Ipv4View.checked(bytes);
  return c.ok ? ok(ipv4ReprOf(c.value)) : c;
}

/** Builds the {@link Ipv4Repr} of a checked view. */
export function ipv4ReprOf(v: Ipv4View): Ipv4Repr {
  return {
    kind: "ipv4", tos: v.tos, identification: v.identification, flags: v.flags, fragmentOffset: v.fragmentOffset,
    ttl: v.ttl, protocol: v.protocol, src: v.src, dst: v.dst, options: v.options, totalLength: v.totalLength, checksum: v.checksum,
  };
}

/** Header length of `repr` in bytes (20 + options rounded up to 4). */
export function ipv4BufferLen(repr: Ipv4Repr): number {
  return IPV4_HEADER_LEN + ((repr.options.length + 3) & ~3);
}

/** What `emitIpv4` computes and what it keeps from the repr. */
export interface IpEmitOptions {
  /** Write `totalLength`/`payloadLength` from the repr instead of computing it. */
  readonly keepLengths?: boolean;
  /** Write checksums from the repr instead of computing them. */
  readonly keepChecksums?: boolean;
}

/**
 * Writes the header at `buf[at..]` for a payload of `payloadLen` bytes; returns the header length.
 * Total length and checksum are computed unless `opts` keeps them (and the repr has them).
 */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, at: number, payloadLen: number, opts: IpEmitOptions = {}): number {
  const hl = ipv4BufferLen(repr);
  const total = opts.keepLengths && repr.totalLength !== undefined ? repr.totalLength : hl + payloadLen;
  buf[at] = 0x40 | (hl / 4);
  buf[at + IPV4_FIELD.tos] = repr.tos;
  setU16(buf, at + IPV4_FIELD.totalLength, total);
  setU16(buf, at + IPV4_FIELD.identification, repr.identification);
  setU16(buf, at + IPV4_FIELD.flagsFragment, ((repr.flags & 7) << 13) | (repr.fragmentOffset & 0x1fff));
  buf[at + IPV4_FIELD.ttl] = repr.ttl;
  buf[at + IPV4_FIELD.protocol] = repr.protocol;
  setU16(buf, at + IPV4_FIELD.checksum, 0);
  buf.set(repr.src, at + IPV4_FIELD.src);
  buf.set(repr.dst, at + IPV4_FIELD.dst);
  buf.set(repr.options, at + IPV4_HEADER_LEN);
  buf.fill(0, at + IPV4_HEADER_LEN + repr.options.length, at + hl);
  const cs = opts.keepChecksums && repr.checksum !== undefined ? repr.checksum : ipv4HeaderChecksum(sub(buf, at, at + hl));
  setU16(buf, at + IPV4_FIELD.checksum, cs);
  return hl;
}

/** `ipv4 192.0.2.1 > 192.168.0.2: ` — the `.pkt` encapsulation form (pkt-language.md §3.1). */
export function formatIpv4(repr: Ipv4Repr): string {
  return `ipv4 ${formatIpAddress(repr.src)} > ${formatIpAddress(repr.dst)}:`;
}
