/**
 * How the one-line `.pkt` dumps render values: absolute (decode) or relative to script bases
 * (the interpreter's script space, pkt-language.md §5.2 and §8.6).
 */
import type { SeqNum } from "./seq.ts";

/** Options shared by every `formatX` and by `formatPacket`. All fields are optional. */
export interface FormatContext {
  /** Prefix the line with a direction: `<` inbound (injected), `>` outbound (sent by the SUT). */
  readonly direction?: "<" | ">";
  /** Print `seq` (and `seq:end`) relative to this value (mod 2^32); absolute when absent. */
  readonly seqBase?: SeqNum;
  /** Print `ack` and SACK edges relative to this value (mod 2^32); absolute when absent. */
  readonly ackBase?: SeqNum;
  /** Print DSS/MP_FAIL data sequence numbers relative to this value; absolute when absent. */
  readonly dsnBase?: bigint;
  /** Print DSS Data ACKs relative to this value; absolute when absent. */
  readonly dataAckBase?: bigint;
  /** `none` (default, script style), `ports` (`8080 > 40000`), or `addresses` (`192.0.2.1:8080 > …`). */
  readonly tuple?: "none" | "ports" | "addresses";
  /** Print `win N` (default true). */
  readonly window?: boolean;
}

/** `v - base` modulo 2^32 when `base` is given, else `v`. */
export function rel32(v: number, base: SeqNum | undefined): number {
  return base === undefined ? v : (v - base) >>> 0;
}

/** `v - base` modulo 2^64 (or mod 2^32 for a 4-byte field) when `base` is given, else `v`. */
export function rel64(v: bigint, base: bigint | undefined, width: 4 | 8): bigint {
  if (base === undefined) return v;
  const d = v - base;
  // Already in range (the usual case): skip the second BigInt allocation of asUintN.
  if (d >= 0n && (width === 8 ? d <= MAX_U64 : d <= MAX_U32)) return d;
  return width === 8 ? BigInt.asUintN(64, d) : BigInt.asUintN(32, d);
}

const MAX_U32 = 0xffffffffn;
const MAX_U64 = 0xffffffffffffffffn;

/** `0x` + lower-case hex of a bigint, zero-padded to `digits`. */
export function hexBig(v: bigint, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}
