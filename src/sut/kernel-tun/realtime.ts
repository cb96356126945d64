/**
 * pkt-language.md §2.3 (packetdrill's set-up): SCHED_RR at the minimum priority when there are at
 * least 2 CPUs — for the threads whose timing is the script's: this (main) thread, which runs the
 * interpreter and the SUT, and the blocking-call thread. Called once the job's set-up is done
 * (warm-ups, the blocking-call thread up): set-up is CPU-heavy, and at real-time priority it would
 * hold off the scripts of the jobs running beside it for up to a round-robin time slice (100 ms).
 *
 * packetdrill is one thread, so it raises the whole process. A Node process also has V8's
 * compiler and GC helper threads and libuv's pool: raised too, a background compile of the job
 * beside (several ms, never yielding) took a CPU from this job's main thread while the other CPU
 * ran that job's main thread, and single events came 4–10 ms late (measured: 5 timing misses per
 * gpd ipv6 run with every thread raised, 1 with these two). Best effort: without the privilege the
 * host runs at normal priority. `MPD_HOST_SCHED=normal` turns it off.
 */
import { availableParallelism } from "node:os";
import type { Libc } from "./libc.ts";

const SCHED_RR = 2;

/** Puts this thread, and the blocking-call thread `blockingTid` when given, at SCHED_RR priority 1. */
export function raiseToRealtime(libc: Libc, blockingTid: number | null): void {
  if (availableParallelism() < 2 || process.env["MPD_HOST_SCHED"] === "normal") return;
  const param = Buffer.alloc(4);
  param.writeInt32LE(1);
  for (const tid of blockingTid === null ? [0] : [0, blockingTid]) libc.sched_setscheduler(tid, SCHED_RR, param);
}
