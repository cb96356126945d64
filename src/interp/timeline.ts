/**
 * packetdrill's time semantics (pkt-language.md §2): absolute, relative, `*` and window times,
 * blocking-call end times, the base of relative times (§2.2, with the inbound-after-inbound
 * rule), tolerances (§2.4), the outbound sniff timeout (§2.3) and timing-error messages (§9).
 *
 * All times here are integer microseconds of script time (0 = script start). Pure: the caller
 * passes the elapsed time in.
 */
import type { EventTime, Seconds } from "../script/ast.ts";
import type { Span } from "../script/span.ts";
import { type Mismatch, plainMismatch } from "./mismatch.ts";

/** Microseconds since the script start. */
export type ScriptMicros = number;

/** packetdrill's `--tolerance_usecs` and `--tolerance_percent`, plus exact checking for virtual time. */
export interface TimingConfig {
  readonly toleranceUsecs: number;
  readonly tolerancePercent: number;
  /** Virtual clock: tolerance 0 (house-style rule 6). */
  readonly exact: boolean;
}

/** Upstream packetdrill's defaults (pkt-language.md §1.6). */
export const DEFAULT_TIMING: TimingConfig = { toleranceUsecs: 4000, tolerancePercent: 12.5, exact: false };

/** What kind of event a time belongs to, for the §2.2 base rule. */
export type EventClass = "inbound" | "outbound" | "other";

/** When an event is expected, resolved against its base. */
export type Expected =
  | { readonly kind: "point"; readonly at: ScriptMicros }
  /** A window; `relBase` is the base for relative windows (messages print `+S~+E`). */
  | { readonly kind: "range"; readonly start: ScriptMicros; readonly end: ScriptMicros; readonly relBase: ScriptMicros | null }
  | { readonly kind: "any" };

/** One event's schedule. */
export interface Scheduled {
  readonly expected: Expected;
  /** When to start the event (point, or window start); `null` for `*`. */
  readonly startAt: ScriptMicros | null;
  /** A blocking syscall's expected return time, else `null`. */
  readonly blockingEnd: ScriptMicros | null;
  /** T_prev of §2.4: the resolved time of the previous event. */
  readonly prev: ScriptMicros;
}

/** Converts seconds as written (`0.1`, `.25`, `2`) to µs, truncating below 1 µs, without float error. */
export function secondsToMicros(s: Seconds): ScriptMicros {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s.text.trim());
  if (!m) return Math.trunc(s.value * 1e6);
  const whole = Number(m[2] === "" ? "0" : m[2]);
  const frac = Number(((m[3] ?? "") + "000000").slice(0, 6));
  const us = whole * 1_000_000 + frac;
  return m[1] === "-" ? -us : us;
}

/**
 * Tracks the previous event and resolves each event time in order. One instance per script run.
 */
export class Timeline {
  private prevTime: ScriptMicros | null = null;
  private prevClass: EventClass = "other";
  private lastAbs: ScriptMicros | null = null;

  /**
   * Resolves `time` of the next event. `elapsed` is the actual script time now (the base of
   * relative times, §2.2). Returns a message string for §2.1 run-time errors.
   */
  schedule(time: EventTime, blockingEnd: Seconds | null, cls: EventClass, elapsed: ScriptMicros): Scheduled | string {
    const first = this.prevTime === null;
    const prev = this.prevTime ?? 0;
    // §2.2: between two inbound packets the base is the previous packet's scheduled time.
    const base = cls === "inbound" && this.prevClass === "inbound" && !first ? prev : elapsed;
    const end = blockingEnd === null ? null : secondsToMicros(blockingEnd);
    let expected: Expected;
    switch (time.kind) {
      case "abs": {
        const at = secondsToMicros(time.at);
        if (first && at !== 0) return "first event should be at time 0";
        if (this.lastAbs !== null && at < this.lastAbs) return `time goes backward in script from ${this.lastAbs} usec to ${at} usec`;
        this.lastAbs = at;
        expected = { kind: "point", at };
        return { expected, startAt: at, blockingEnd: end, prev };
      }
      case "rel": {
        const at = base + secondsToMicros(time.offset);
        return { expected: { kind: "point", at }, startAt: at, blockingEnd: end === null ? null : base + end, prev };
      }
      case "any":
        return { expected: { kind: "any" }, startAt: null, blockingEnd: null, prev };
      case "absRange": {
        const start = secondsToMicros(time.start);
        this.lastAbs = start;
        return { expected: { kind: "range", start, end: secondsToMicros(time.end), relBase: null }, startAt: start, blockingEnd: null, prev };
      }
      case "relRange": {
        const start = base + secondsToMicros(time.start);
        const e = base + secondsToMicros(time.end);
        return { expected: { kind: "range", start, end: e, relBase: base }, startAt: start, blockingEnd: null, prev };
      }
    }
  }

  /** Records the event as done at `resolved` (its scheduled time, or the actual time for `*`). */
  complete(resolved: ScriptMicros, cls: EventClass): void {
    this.prevTime = resolved;
    this.prevClass = cls;
  }

  /** True until the first event completed (the first event is never time-checked, §2.3). */
  get atFirstEvent(): boolean {
    return this.prevTime === null;
  }
}

/** The time an event counts as having happened at for later bases: scheduled, or actual for `*`. */
export function resolvedTime(s: Scheduled, actual: ScriptMicros): ScriptMicros {
  return s.startAt ?? actual;
}

/** §2.4: max(tolerance_usecs, tolerance_percent/100 × (T_script − T_prev)); 0 when exact. */
export function toleranceFor(cfg: TimingConfig, expectedAt: ScriptMicros, prev: ScriptMicros): number {
  if (cfg.exact) return 0;
  const pct = Math.trunc((cfg.tolerancePercent / 100) * Math.max(0, expectedAt - prev));
  return Math.max(cfg.toleranceUsecs, pct);
}

/** §2.3: ⌊(max(T, T_end) − T_prev)/1 s + 2⌋ s; `null` for `*` (wait forever). */
export function sniffTimeoutMicros(s: Scheduled, cfg?: TimingConfig): ScriptMicros | null {
  void cfg;
  const e = s.expected;
  if (e.kind === "any") return null;
  const t = e.kind === "point" ? e.at : Math.max(e.start, e.end);
  return (Math.floor(Math.max(0, t - s.prev) / 1_000_000) + 2) * 1_000_000;
}

/** What a timing message names (pkt-language.md §9). */
export type TimedWhat =
  | "inbound packet" | "outbound packet" | "system call start" | "system call return" | "command" | "data collection for code";

const sec = (us: number): string => (us / 1e6).toFixed(6);

/**
 * Checks `actual` against `expected` with the §2.4 tolerance; a `timing` mismatch or `null`.
 * `prev` is T_prev (for a blocking call's return: its own start).
 */
export function checkTime(
  what: TimedWhat, expected: Expected, actual: ScriptMicros, prev: ScriptMicros, cfg: TimingConfig, span: Span,
): Mismatch | null {
  if (expected.kind === "any") return null;
  const at = expected.kind === "point" ? expected.at : expected.start;
  const tol = toleranceFor(cfg, at, prev);
  const lo = at - tol;
  const hi = (expected.kind === "point" ? expected.at : expected.end) + tol;
  if (actual >= lo && actual <= hi) return null;
  let where: string;
  if (expected.kind === "point") where = `at ${sec(expected.at)} sec but happened at ${sec(actual)} sec`;
  else if (expected.relBase === null) where = `in time range ${sec(expected.start)}~${sec(expected.end)} sec but happened at ${sec(actual)} sec`;
  else {
    const b = expected.relBase;
    where = `in relative time range +${sec(expected.start - b)}~+${sec(expected.end - b)} sec but happened at +${sec(actual - b)} sec`;
  }
  const detail = `timing error: expected ${what} ${where}; tolerance ${sec(tol)} sec`;
  // The cause line says which way and by how much, beyond the window with its tolerance.
  const cause = actual < lo
    ? `timing error: ${what} ${sec(lo - actual)} sec too early (beyond its ${sec(tol)} sec tolerance)`
    : `timing error: ${what} ${sec(actual - hi)} sec too late (beyond its ${sec(tol)} sec tolerance)`;
  return { ...plainMismatch("timing", "timing", detail, span, false), expected: at, actual, cause };
}
