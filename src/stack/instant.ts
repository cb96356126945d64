/**
 * Virtual time for the sans-IO stack: an `Instant` is an integer number of microseconds on the
 * caller's clock (house-style rule 4). The stack never reads a clock; every entry point takes `now`.
 */

/** A point in time, in integer microseconds. */
export type Instant = number;

/** A span of time, in integer microseconds. */
export type Duration = number;

/** Microseconds in one millisecond. */
export const MILLIS: Duration = 1_000;

/** Microseconds in one second. */
export const SECONDS: Duration = 1_000_000;

/** The earlier of two optional instants (`undefined` = never). */
export function minInstant(a: Instant | undefined, b: Instant | undefined): Instant | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
