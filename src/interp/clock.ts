/**
 * The interpreter's clock (house-style rule 6): script time in integer microseconds since the
 * script start, over the SUT's own microsecond clock (pkt-language.md §2.3).
 *
 * `MonotonicClock` serves a live SUT: real waiting, times checked with tolerance.
 * `VirtualClock` serves a deterministic SUT: waiting jumps straight to the deadline, and the
 * timeline checks times exactly (tolerance 0).
 */
import type { MonoMicros } from "../sut/sut.ts";

/** What the interpreter needs from time. */
export interface Clock {
  /** `"monotonic"` (tolerances apply) or `"virtual"` (exact). */
  readonly kind: "monotonic" | "virtual";
  /** Now on the SUT clock. */
  now(): MonoMicros;
  /**
   * Resolve at `t` on the SUT clock (immediately when `t` has passed), or once `until` settles:
   * how the interpreter waits ≤ 1 s for a blocking call (pkt-language.md §6.5) on the run's clock,
   * so virtual time moves for that wait as real time does.
   */
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void>;
}

/** The subset of a SUT a clock is built from. */
export interface ClockSource {
  now(): MonoMicros;
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void>;
}

/** A live SUT's clock: reads and sleeps on the SUT (kernel: CLOCK_MONOTONIC, shared by every process). */
export class MonotonicClock implements Clock {
  readonly kind = "monotonic" as const;
  constructor(private readonly source: ClockSource) {}
  now(): MonoMicros {
    return this.source.now();
  }
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void> {
    return this.source.sleepUntil(t, until);
  }
}

/**
 * A simulated clock: `sleepUntil` jumps to the deadline at once. The reference SUT advances the
 * same instance (via {@link VirtualClock.advanceTo}) when it reports a later event.
 */
export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  private t: MonoMicros;
  constructor(start: MonoMicros = 0) {
    this.t = start;
  }
  now(): MonoMicros {
    return this.t;
  }
  sleepUntil(t: MonoMicros): Promise<void> {
    this.advanceTo(t);
    return Promise.resolve();
  }
  /** Moves time forward to `t` (never backward). */
  advanceTo(t: MonoMicros): void {
    if (t > this.t) this.t = t;
  }
}

/**
 * The virtual clock of a deterministic SUT that owns its time (the reference SUT): `now()` reads
 * the SUT's virtual time and `sleepUntil(t)` makes the SUT run its timers up to `t`, so the
 * interpreter and the stack never disagree about the instant. Times are checked exactly.
 */
export class SutVirtualClock implements Clock {
  readonly kind = "virtual" as const;
  constructor(private readonly source: ClockSource) {}
  now(): MonoMicros {
    return this.source.now();
  }
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void> {
    return this.source.sleepUntil(t, until);
  }
}
