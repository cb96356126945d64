/**
 * The kernel SUT's clock: CLOCK_MONOTONIC in integer microseconds (pkt-language.md §2.3).
 *
 * `process.hrtime` reads CLOCK_MONOTONIC, which every process on the machine shares, so a
 * timestamp taken in the script host and one taken in the CLI parent are comparable.
 */
import type { MonoMicros } from "../sut.ts";

/** Now, in µs of CLOCK_MONOTONIC. */
export function monoNowUs(): MonoMicros {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Spin window before a deadline: timers are too coarse for the last few hundred µs. */
const SPIN_US = 300;

/** Resolve at `t`: a timer until `t - 300 µs`, then `setImmediate` turns (which keep I/O flowing). */
export async function sleepUntilUs(t: MonoMicros): Promise<void> {
  const early = t - monoNowUs() - SPIN_US;
  if (early > 1000) await new Promise<void>((resolve) => setTimeout(resolve, Math.floor(early / 1000)));
  while (monoNowUs() < t) await new Promise<void>((resolve) => setImmediate(resolve));
}
