/**
 * Big-endian integer access over `Uint8Array` and hex helpers shared by the codecs.
 *
 * Network byte order everywhere (RFC 791 Appendix B). These helpers do no bounds checks: the
 * `XView.checked()` constructors check lengths once, then read freely.
 */

/** Reads a big-endian u16 at `i`. */
export function getU16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** Reads a big-endian u24 at `i`. */
export function getU24(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 16) | ((b[i + 1] as number) << 8) | (b[i + 2] as number);
}

/** Reads a big-endian u32 at `i` (always non-negative). */
export function getU32(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
}

/**
 * A conversion register for {@link getU64}, not state: each call writes all 8 bytes and reads
 * them back before returning, so nothing carries from one call to the next.
 */
const U64_SCRATCH = new DataView(new ArrayBuffer(8));

/** Reads a big-endian u64 at `i` as a bigint. */
export function getU64(b: Uint8Array, i: number): bigint {
  // One BigInt allocation, and about half the time of `(BigInt(hi) << 32n) | BigInt(lo)` (four
  // allocations) or of `BigInt(hi * 2 ** 32 + lo)` below 2^53 (a double-to-BigInt conversion).
  U64_SCRATCH.setUint32(0, getU32(b, i));
  U64_SCRATCH.setUint32(4, getU32(b, i + 4));
  return U64_SCRATCH.getBigUint64(0);
}

/** Writes a big-endian u16 at `i`. */
export function setU16(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 8) & 0xff;
  b[i + 1] = v & 0xff;
}

/** Writes a big-endian u24 at `i`. */
export function setU24(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 16) & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = v & 0xff;
}

/** Writes a big-endian u32 at `i`. */
export function setU32(b: Uint8Array, i: number, v: number): void {
  b[i] = (v >>> 24) & 0xff;
  b[i + 1] = (v >>> 16) & 0xff;
  b[i + 2] = (v >>> 8) & 0xff;
  b[i + 3] = v & 0xff;
}

/** Writes the low 64 bits of `v` big-endian at `i`. */
export function setU64(b: Uint8Array, i: number, v: bigint): void {
  setU32(b, i, Number((v >> 32n) & 0xffffffffn));
  setU32(b, i + 4, Number(v & 0xffffffffn));
}

const HEX = "0123456789abcdef";

/** Lower-case hex of `b` without a prefix (`"0a1b"`). */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += (HEX[x >> 4] as string) + (HEX[x & 15] as string);
  return s;
}

/** Bytes of an even-length hex string (an optional `0x` prefix is allowed); `undefined` if invalid. */
export function fromHex(text: string): Uint8Array | undefined {
  const h = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A u64 bigint as 8 big-endian bytes. */
export function u64Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  setU64(out, 0, v);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether every byte of `b` is zero; long 4-byte-aligned runs are tested a word at a time. */
export function allZero(b: Uint8Array): boolean {
  let i = 0;
  if (b.length >= 64 && (b.byteOffset & 3) === 0) {
    const n = b.length >>> 2;
    const words = new Uint32Array(b.buffer, b.byteOffset, n);
    for (let k = 0; k < n; k++) if (words[k] !== 0) return false;
    i = n << 2;
  }
  for (; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * `b.subarray(start, end)` for non-negative indices, clamped like subarray, but about twice as
 * fast in V8 (no species lookup). The result shares `b`'s memory.
 */
export function sub(b: Uint8Array, start: number, end: number = b.length): Uint8Array {
  const e = end > b.length ? b.length : end;
  const s = start > e ? e : start;
  return new Uint8Array(b.buffer, b.byteOffset + s, e - s);
}
