/**
 * Sequence-number spaces: the 32-bit TCP `SeqNum` with wrapping arithmetic (RFC 9293 §3.4) and
 * the 64-bit MPTCP data sequence space `DataSeq` (RFC 8684 §3.3).
 *
 * House-style rule 9: never compare raw u32 sequence numbers with `<`; use {@link seqLt} and
 * friends, which compare in the window of 2^31 around each other.
 */

/** A TCP sequence or acknowledgment number: a u32 compared modulo 2^32. */
export type SeqNum = number & { readonly __brand: "SeqNum" };

/** An MPTCP data sequence number or Data ACK: a u64 as `bigint` (RFC 8684 §3.3). */
export type DataSeq = bigint;

const MASK64 = (1n << 64n) - 1n;

/** Wraps any integer into a {@link SeqNum} (mod 2^32). */
export function seqNum(n: number): SeqNum {
  return (n >>> 0) as SeqNum;
}

/** `a + n` modulo 2^32; `n` may be negative. */
export function seqAdd(a: SeqNum, n: number): SeqNum {
  return ((a + n) >>> 0) as SeqNum;
}

/** `a - n` modulo 2^32. */
export function seqSub(a: SeqNum, n: number): SeqNum {
  return ((a - n) >>> 0) as SeqNum;
}

/**
 * The signed distance `a - b` in (-2^31, 2^31]: positive when `a` is after `b`.
 * RFC 9293 §3.4: "the sequence number space ... is modulo 2**32".
 */
export function seqDiff(a: SeqNum, b: SeqNum): number {
  return (a - b) | 0;
}

/** The unsigned distance `a - b` modulo 2^32 (e.g. a relative sequence number). */
export function seqOffset(a: SeqNum, b: SeqNum): number {
  return (a - b) >>> 0;
}

/** `a` before `b` (wrapping). */
export function seqLt(a: SeqNum, b: SeqNum): boolean {
  return seqDiff(a, b) < 0;
}

/** `a` before or equal to `b` (wrapping). */
export function seqLe(a: SeqNum, b: SeqNum): boolean {
  return seqDiff(a, b) <= 0;
}

/** `a` after `b` (wrapping). */
export function seqGt(a: SeqNum, b: SeqNum): boolean {
  return seqDiff(a, b) > 0;
}

/** `a` after or equal to `b` (wrapping). */
export function seqGe(a: SeqNum, b: SeqNum): boolean {
  return seqDiff(a, b) >= 0;
}

/** The later of two sequence numbers (wrapping). */
export function seqMax(a: SeqNum, b: SeqNum): SeqNum {
  return seqGe(a, b) ? a : b;
}

/** The earlier of two sequence numbers (wrapping). */
export function seqMin(a: SeqNum, b: SeqNum): SeqNum {
  return seqLe(a, b) ? a : b;
}

/** `lo <= x < hi` in wrapping order (a half-open window starting at `lo`). */
export function seqInWindow(x: SeqNum, lo: SeqNum, hi: SeqNum): boolean {
  return seqOffset(x, lo) < seqOffset(hi, lo);
}

/** Wraps a bigint into the 64-bit data sequence space. */
export function dataSeq(n: bigint): DataSeq {
  return n & MASK64;
}

/** `a + n` modulo 2^64. */
export function dataSeqAdd(a: DataSeq, n: bigint | number): DataSeq {
  return (a + BigInt(n)) & MASK64;
}

/** The signed distance `a - b` in the 64-bit space (positive when `a` is after `b`). */
export function dataSeqDiff(a: DataSeq, b: DataSeq): bigint {
  return BigInt.asIntN(64, a - b);
}

/** `a` before `b` in the 64-bit data sequence space (wrapping). */
export function dataSeqLt(a: DataSeq, b: DataSeq): boolean {
  return dataSeqDiff(a, b) < 0n;
}

/** `a` before or equal to `b` in the 64-bit data sequence space (wrapping). */
export function dataSeqLe(a: DataSeq, b: DataSeq): boolean {
  return dataSeqDiff(a, b) <= 0n;
}

/**
 * Expands a 32-bit DSN or Data ACK to 64 bits, choosing the value closest to `near`.
 * RFC 8684 §3.3: the receiver infers the upper 32 bits when only the lower 32 are sent.
 */
export function expandDataSeq32(low32: number, near: DataSeq): DataSeq {
  const candidate = (near & ~0xffffffffn) | BigInt(low32 >>> 0);
  const d = dataSeqDiff(candidate, near);
  if (d > 0x80000000n) return dataSeq(candidate - 0x100000000n);
  if (d < -0x80000000n) return dataSeq(candidate + 0x100000000n);
  return candidate;
}
