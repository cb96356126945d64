/**
 * pkt-language.md §2.3 (packetdrill's set-up): SCHED_RR at the minimum priority when there are at
 * least 2 CPUs, for every thread of this process that exists now (threads and commands started
 * later inherit it), while a script runs. Raised once the job's set-up is done (warm-ups, the
 * blocking-call thread up) and lowered when the script is over:
 * set-up is CPU-heavy, and at real-time priority it would hold off the scripts of the jobs running
 * beside it for up to a round-robin time slice (100 ms). Best effort: without the privilege the
 * host runs at normal priority. `MPD_HOST_SCHED=normal` turns it off.
 */
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Libc } from "./libc.ts";

const SCHED_RR = 2;

const SCHED_OTHER = 0;

function setEveryThread(libc: Libc, policy: number, priority: number): void {
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority);
  let tids: number[] = [0];
  try {
    tids = readdirSync("/proc/self/task").map(Number);
  } catch {
    // no /proc: this thread only
  }
  for (const tid of tids) libc.sched_setscheduler(tid, policy, param);
}

/** Puts every thread of this process at SCHED_RR priority 1 (see the module comment). */
export function raiseToRealtime(libc: Libc): void {
  if (availableParallelism() < 2 || process.env["MPD_HOST_SCHED"] === "normal") return;
  setEveryThread(libc, SCHED_RR, 1);
}

/**
 * Back to ordinary scheduling for every thread, once a script is over: a long-lived script host
 * prepares the next script (namespace, device, parsing its messages) at normal priority, so it
 * does not hold off the script of the host beside it.
 */
export function lowerToNormal(libc: Libc): void {
  if (availableParallelism() < 2 || process.env["MPD_HOST_SCHED"] === "normal") return;
  setEveryThread(libc, SCHED_OTHER, 0);
}
