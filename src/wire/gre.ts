/**
 * GRE (RFC 2784, key and sequence number per RFC 2890; the RFC 1701 routing bit is kept as a
 * flag): offsets, a checked view, `GreRepr`, parse/emit and the `.pkt` encapsulation form of
 * pkt-language.md §3.1.
 */
import { getU16, getU32, setU16, setU32 } from "./bytes.ts";
import { type Result, err, ok } from "./result.ts";

/** Bits of the first GRE word. */
export const GRE_FLAG = { C: 0x8000, R: 0x4000, K: 0x2000, S: 0x1000 } as const;

/** Byte offsets of the fixed GRE fields; the optional ones follow in the order checksum+offset, key, sequence. */
export const GRE_FIELD = { flagsVersion: 0, protocol: 2, optional: 4 } as const;

/** EtherType values GRE carries here. */
export const ETHERTYPE = { ipv4: 0x0800, ipv6: 0x86dd, mpls: 0x8847 } as const;

/** A GRE header as plain data. */
export interface GreRepr {
  readonly kind: "gre";
  /** The first word without C, K and S (R, reserved bits, version). */
  readonly flags: number;
  /** EtherType of the payload. */
  readonly protocol: number;
  /** C bit: the checksum field is present (computed when emitting unless kept). */
  readonly hasChecksum: boolean;
  readonly checksum?: number;
  /** The reserved/offset word that follows the checksum (present when C or R is set). */
  readonly offset?: number;
  /** K bit: present iff defined. */
  readonly key?: number;
  /** S bit: present iff defined. */
  readonly sequence?: number;
}

/** Checked read access to a GRE header at the start of `bytes`. */
export class GreView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks that the fixed part and the optional fields its flags announce fit. */
  static checked(bytes: Uint8Array): Result<GreView> {
    if (bytes.length < 4) return err("truncated", 0, "gre.header");
    const v = new GreView(bytes);
    return v.headerLen > bytes.length ? err("truncated", 0, "gre.flags") : ok(v);
  }

  get word0(): number { return getU16(this.bytes, 0); }
  get protocol(): number { return getU16(this.bytes, GRE_FIELD.protocol); }
  get hasChecksumWord(): boolean { return (this.word0 & (GRE_FLAG.C | GRE_FLAG.R)) !== 0; }
  /** 4 + 4 (checksum, offset) + 4 (key) + 4 (sequence), as the flags say. */
  get headerLen(): number {
    const w = this.word0;
    return 4 + (this.hasChecksumWord ? 4 : 0) + (w & GRE_FLAG.K ? 4 : 0) + (w & GRE_FLAG.S ? 4 : 0);
  }
}

/** Decodes the GRE header at the start of `bytes`; the payload starts at {@link greBufferLen}. */
export function parseGre(bytes: Uint8Array): Result<GreRepr> {
  const c = GreView.checked(bytes);
  if (!c.ok) return c;
  const v = c.value;
  const w = v.word0;
  let r: GreRepr = { kind: "gre", flags: w & ~(GRE_FLAG.C | GRE_FLAG.K | GRE_FLAG.S), protocol: v.protocol, hasChecksum: (w & GRE_FLAG.C) !== 0 };
  let i = 4;
  if (v.hasChecksumWord) {
    r = { ...r, checksum: getU16(bytes, i), offset: getU16(bytes, i + 2) };
    i += 4;
  }
  if (w & GRE_FLAG.K) {
    r = { ...r, key: getU32(bytes, i) };
    i += 4;
  }
  if (w & GRE_FLAG.S) r = { ...r, sequence: getU32(bytes, i) };
  return ok(r);
}

/** Header length of `repr`. */
export function greBufferLen(repr: GreRepr): number {
  const csWord = repr.hasChecksum || (repr.flags & GRE_FLAG.R) !== 0;
  return 4 + (csWord ? 4 : 0) + (repr.key !== undefined ? 4 : 0) + (repr.sequence !== undefined ? 4 : 0);
}

/** Writes the header at `buf[at..]`; the checksum field is `repr.checksum ?? 0` (packet.ts computes it). */
export function emitGre(repr: GreRepr, buf: Uint8Array, at = 0): number {
  const w = (repr.flags & ~(GRE_FLAG.C | GRE_FLAG.K | GRE_FLAG.S)) | (repr.hasChecksum ? GRE_FLAG.C : 0)
    | (repr.key !== undefined ? GRE_FLAG.K : 0) | (repr.sequence !== undefined ? GRE_FLAG.S : 0);
  setU16(buf, at, w);
  setU16(buf, at + 2, repr.protocol);
  let i = at + 4;
  if (repr.hasChecksum || (repr.flags & GRE_FLAG.R) !== 0) {
    setU16(buf, i, repr.checksum ?? 0);
    setU16(buf, i + 2, repr.offset ?? 0);
    i += 4;
  }
  if (repr.key !== undefined) setU32(buf, i, repr.key), (i += 4);
  if (repr.sequence !== undefined) setU32(buf, i, repr.sequence), (i += 4);
  return i - at;
}

/**
 * `gre:` for a plain header, else the full `gre flags[checksum present, key present, sequence# present]
 * sum N off N key=N seq N:` form (pkt-language.md §3.1 `gre_hdr`, which needs every field).
 */
export function formatGre(repr: GreRepr): string {
  const plain = !repr.hasChecksum && repr.key === undefined && repr.sequence === undefined && repr.flags === 0 && repr.offset === undefined;
  if (plain) return "gre:";
  const fl: string[] = [];
  if (repr.hasChecksum) fl.push("checksum present");
  if (repr.key !== undefined) fl.push("key present");
  if (repr.sequence !== undefined) fl.push("sequence# present");
  const flags = repr.flags !== 0 ? `flags ${(repr.flags | (repr.hasChecksum ? GRE_FLAG.C : 0) | (repr.key !== undefined ? GRE_FLAG.K : 0) | (repr.sequence !== undefined ? GRE_FLAG.S : 0))}` : `flags[${fl.length ? fl.join(", ") : "none"}]`;
  return `gre ${flags} sum ${repr.checksum ?? 0} off ${repr.offset ?? 0} key=${repr.key ?? 0} seq ${repr.sequence ?? 0}:`;
}
