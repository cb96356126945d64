/**
 * The Internet checksum (RFC 1071) and the sums built on it: the IPv4 header checksum
 * (RFC 791 §3.1), TCP/UDP/ICMPv6 over the IPv4 and IPv6 pseudo-headers (RFC 9293 §3.1,
 * RFC 768, RFC 8200 §8.1), and the MPTCP DSS checksum (RFC 8684 §3.3.1).
 */
import { setU16, setU32, setU64 } from "./bytes.ts";

/** IANA protocol numbers used by the codecs. */
export const IP_PROTO = { icmp: 1, ipv4: 4, tcp: 6, udp: 17, ipv6: 41, gre: 47, icmpv6: 58, mpls: 137 } as const;

/** Whether this host stores multi-byte integers little-endian (word sums come out byte-swapped). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Below this many bytes the 16-bit loop is as fast as setting up a 32-bit view. */
const WORD_SUM_MIN = 64;

/**
 * The running one's-complement sum of `b[start..end)` added to `initial`, not yet folded.
 * An odd trailing byte is padded with zero on the right (RFC 1071 §4.1).
 *
 * Long 4-byte-aligned runs are summed as host-order 32-bit words: RFC 1071 §2 (A) and (B) — the
 * sum may be computed over wider words and folded afterwards, and "the sum of 16-bit integers can
 * be computed in either byte order": a little-endian host's word sum, folded to 16 bits, is the
 * network-order sum with its two bytes swapped. A quarter of the loop turns matters when a
 * 64 KiB super-segment read from the TUN device must be summed before the JIT has warmed up.
 */
export function onesSum(b: Uint8Array, start = 0, end = b.length, initial = 0): number {
  let sum = initial;
  let i = start;
  const at = b.byteOffset + start;
  if (end - start >= WORD_SUM_MIN && (at & 3) === 0) {
    const n = (end - start) >>> 2;
    const words = new Uint32Array(b.buffer, at, n);
    let w = 0;
    // Each word is < 2^32, so the double stays exact (< 2^53) up to 2^21 words (8 MiB); an IP
    // packet is at most 64 KiB.
    for (let k = 0; k < n; k++) w += words[k] as number;
    w = foldSum(w);
    sum += HOST_LITTLE_ENDIAN ? ((w & 0xff) << 8) | (w >>> 8) : w;
    i += n << 2;
  }
  for (; i + 1 < end; i += 2) sum += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) sum += (b[i] as number) << 8;
  // Folding periodically is unnecessary: 2^16 words of 0xffff fit in 2^53.
  return sum;
}

/** Folds a running sum (< 2^53) to 16 bits with end-around carries, not complemented. */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** Folds a running sum to 16 bits and complements it: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** The Internet checksum of `b[start..end)` (RFC 1071). A buffer holding its own checksum sums to 0. */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return finishChecksum(onesSum(b, start, end));
}

/** The IPv4 header checksum over `header`, treating the checksum field (bytes 10–11) as zero. */
export function ipv4HeaderChecksum(header: Uint8Array): number {
  const sum = onesSum(header, 0, header.length) - (((header[10] as number) << 8) | (header[11] as number));
  return finishChecksum(sum);
}

/**
 * The running sum of the pseudo-header for an upper-layer checksum.
 * IPv4 (RFC 9293 §3.1): src(4) dst(4) zero(1) protocol(1) length(2).
 * IPv6 (RFC 8200 §8.1): src(16) dst(16) length(4) zero(3) next header(1).
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let sum = onesSum(src) + onesSum(dst) + protocol;
  if (src.length === 4) sum += length & 0xffff;
  else sum += (length >>> 16) + (length & 0xffff);
  return sum;
}

/**
 * The TCP/UDP/ICMPv6 checksum of `segment` (header with its checksum field zeroed or not,
 * see `checksumOffset`) over the pseudo-header of `src`/`dst` (4 or 16 bytes each).
 * `checksumOffset` names the checksum field inside `segment` so it is skipped.
 */
export function l4Checksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array, checksumOffset: number): number {
  const field = ((segment[checksumOffset] as number) << 8) | (segment[checksumOffset + 1] as number);
  const sum = pseudoHeaderSum(src, dst, protocol, segment.length) + onesSum(segment) - field;
  return finishChecksum(sum);
}

/**
 * The DSS checksum (RFC 8684 §3.3.1): "the checksum ... is calculated over the data and a pseudo-header"
 * of DSN (64 bits, always the full value), relative subflow sequence number (32), data-level
 * length (16) and a zero checksum field (16), followed by the mapped payload.
 */
export function dssChecksum(dsn: bigint, subflowSeq: number, dataLevelLength: number, payload: Uint8Array): number {
  const pseudo = new Uint8Array(16);
  setU64(pseudo, 0, dsn);
  setU32(pseudo, 8, subflowSeq);
  setU16(pseudo, 12, dataLevelLength);
  return finishChecksum(onesSum(pseudo) + onesSum(payload));
}
