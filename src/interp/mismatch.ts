/**
 * Conformance failures as values (house-style rules 13 and 17): a `Mismatch` names the field,
 * the expected and actual values and the script span, and renders like packetdrill's messages
 * (pkt-language.md §9): `live packet field tcp_window: expected: 257 (0x101) vs actual: 512 (0x200)`.
 * A mismatch may also carry a `cause` (mismatch-cause.ts): the difference a reader looks for
 * first (`expected flags R. (RST|ACK), live packet has . (ACK)`), which leads the message while
 * packetdrill's line follows it.
 */
import type { Span } from "../script/span.ts";
import type { FailureDetail } from "./events.ts";

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
  /** The rendered detail, without `file:line:` and without packet dumps (packetdrill's wording). */
  readonly detail: string;
  /**
   * What differs, in words, when that is not `detail` itself (mismatch-cause.ts): rendered on the
   * first line, with `detail` on the second.
   */
  readonly cause?: string;
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

/** `m` with `cause` leading its message (unless the cause says no more than `detail`). */
export function withCause(m: Mismatch, cause: string | null): Mismatch {
  return cause === null || cause === m.detail ? m : { ...m, cause };
}

/** The lines of a mismatch's text without location and dumps: the cause (if any), then `detail`. */
export function mismatchText(m: Mismatch): string {
  return m.cause === undefined ? m.detail : `${m.cause}\n${m.detail}`;
}

/** The first line of a failure: `file:line: <detail>` (the caller adds packet dumps). */
export function locate(span: Span, text: string): string {
  return `${span.file}:${span.start.line}: ${text}`;
}

/** The one-line dumps under a packet failure, each `<time> <packet>` (time padded as packetdrill's `%9.6f`). */
export interface PacketDumps {
  readonly script: string;
  /** Null when no live packet came (a timeout). */
  readonly live: string | null;
}

/** `\nscript packet: …` and `\nactual packet: …` (pkt-language.md §9), or "" without dumps. */
export function dumpLines(d: PacketDumps | null): string {
  if (d === null) return "";
  return `\nscript packet: ${d.script}${d.live === null ? "" : `\nactual packet: ${d.live}`}`;
}

const asText = (v: number | bigint | string | undefined): string | null => (v === undefined ? null : String(v));

/** The failure as data for the run events; `text` is the rendered message (with location and dumps). */
export function mismatchFailure(m: Mismatch, text: string, dumps: PacketDumps | null): FailureDetail {
  return {
    kind: m.kind, cause: m.cause ?? m.detail, detail: m.detail, field: m.field, expected: asText(m.expected), actual: asText(m.actual),
    line: m.span.start.line, column: m.span.start.column, scriptPacket: dumps?.script.trim() ?? null, livePacket: dumps?.live?.trim() ?? null,
    capture: null, text,
  };
}
