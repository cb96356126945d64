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

/**
 * Spin window before a deadline: libuv timers have millisecond granularity and fire up to a
 * millisecond late, so the timer is set to end 0.5–1.5 ms early and `setImmediate` turns (which
 * keep I/O flowing) cover the rest. packetdrill injects within microseconds of the schedule, and
 * every late injection moves the base of the events after it (pkt-language.md §2.2).
 */
const SPIN_US = 500;

/**
 * Resolve at `t`: a timer until 0.5–1.5 ms before `t`, then `setImmediate` turns. `yieldCpu`
 * (sched_yield) runs on each turn: at real-time priority a spinning thread otherwise keeps its CPU
 * from the other threads of its priority (the blocking-call thread, the packet reader, the job
 * beside it) until its time slice ends, and on 2 CPUs that delayed them by milliseconds. When
 * `until` settles first, the sleep ends then, its timer cleared (nothing of it runs later).
 */
export async function sleepUntilUs(t: MonoMicros, yieldCpu?: () => void, until?: Promise<unknown>): Promise<void> {
  let over = false;
  const end = (): void => {
    over = true;
  };
  void until?.then(end, end);
  const early = t - monoNowUs() - SPIN_US;
  if (early >= 2000) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.floor(early / 1000) - 1);
      const stop = (): void => {
        clearTimeout(timer);
        resolve();
      };
      void until?.then(stop, stop);
    });
  }
  while (!over && monoNowUs() < t) {
    yieldCpu?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

/** Reads `clock_id` through `clock_gettime` into nanoseconds. */
function readClockNs(clockGettime: (id: number, ts: Buffer) => number, id: number, ts: Buffer): bigint {
  clockGettime(id, ts);
  return ts.readBigInt64LE(0) * 1_000_000_000n + ts.readBigInt64LE(8);
}

/**
 * CLOCK_REALTIME − CLOCK_MONOTONIC in nanoseconds: the tightest of a few monotonic/realtime/
 * monotonic sandwiches (error ≲ 1 µs). Kernel packet timestamps (SO_TIMESTAMPNS) are realtime;
 * subtracting this turns them into SUT-clock times, and adding it dates a capture.
 */
export function realtimeOffsetNs(clockGettime: (id: number, ts: Buffer) => number): bigint {
  const ts = Buffer.alloc(16);
  let best: { gap: bigint; offset: bigint } | null = null;
  for (let i = 0; i < 7; i++) {
    const m1 = readClockNs(clockGettime, CLOCK_MONOTONIC, ts);
    const r = readClockNs(clockGettime, CLOCK_REALTIME, ts);
    const m2 = readClockNs(clockGettime, CLOCK_MONOTONIC, ts);
    const gap = m2 - m1;
    if (best === null || gap < best.gap) best = { gap, offset: r - (m1 + m2) / 2n };
  }
  return best?.offset ?? 0n;
}
