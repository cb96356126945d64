/**
 * Conformance failures as values (house-style rules 13 and 17): a `Mismatch` names the field,
 * the expected and actual values and the script span, and renders like packetdrill's messages
 * (pkt-language.md §9): `live packet field tcp_window: expected: 257 (0x101) vs actual: 512 (0x200)`.
 */
import type { Span } from "../script/span.ts";

/** Which of packetdrill's failure families a mismatch belongs to (pkt-language.md §9). */
export type MismatchKind =
  /** A packet header or option field differs (`live packet field …`, `bad outbound TCP options`). */
  | "packet"
  /** A packet, syscall, command or code snapshot happened outside its time window. */
  | "timing"
  /** No outbound packet arrived before the sniff timeout. */
  | "timeout"
  /** A syscall returned another result, errno or out-value. */
  | "syscall"
  /** A backtick command exited non-zero. */
  | "command"
  /** The script cannot be executed as written (unknown fd, unknown symbol, no socket …). */
  | "runtime";

/** One conformance failure. `expected`/`actual` are absent when the detail says it all. */
export interface Mismatch {
  readonly kind: MismatchKind;
  /** packetdrill's field name (`tcp_window`, `tcp_seq`, `mptcp dss dsn8`, `timing`, `errno` …). */
  readonly field: string;
  readonly expected?: number | bigint | string;
  readonly actual?: number | bigint | string;
  readonly span: Span;
  /** The rendered detail, without `file:line:` and without packet dumps. */
  readonly detail: string;
  /** False when `--non_fatal=packet` may downgrade it to a warning (pkt-language.md §10.5). */
  readonly alwaysFatal: boolean;
}

/** `257 (0x101)`: packetdrill's rendering of a numeric field value. */
export function formatFieldValue(v: number | bigint): string {
  const big = typeof v === "bigint" ? v : BigInt(v);
  return `${big} (0x${(big < 0n ? BigInt.asUintN(64, big) : big).toString(16)})`;
}

/** A `live packet field NAME: expected: E (0xE) vs actual: A (0xA)` mismatch. */
export function fieldMismatch(field: string, expected: number | bigint, actual: number | bigint, span: Span): Mismatch {
  return {
    kind: "packet", field, expected, actual, span, alwaysFatal: false,
    detail: `live packet field ${field}: expected: ${formatFieldValue(expected)} vs actual: ${formatFieldValue(actual)}`,
  };
}

/** A mismatch whose whole message is `detail`. */
export function plainMismatch(kind: MismatchKind, field: string, detail: string, span: Span, alwaysFatal = true): Mismatch {
  return { kind, field, span, detail, alwaysFatal };
}

/** The first line of a failure: `file:line: <detail>` (the caller adds packet dumps). */
export function locate(span: Span, text: string): string {
  return `${span.file}:${span.start.line}: ${text}`;
}
