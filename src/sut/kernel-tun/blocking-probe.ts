/**
 * Deciding that a blocking syscall has started blocking (pkt-language.md §6.5, §10.9).
 *
 * Rule: the call counts as blocked once some thread of this process other than the main thread
 * is asleep (`/proc/self/task/<tid>/stat` state `S` or `D`) inside one of the call's syscall
 * numbers (`/proc/self/task/<tid>/syscall`) with the call's first argument (the fd, or the
 * pollfd array's address for poll). If /proc cannot be read, a grace period stands in.
 */
import { readFileSync, readdirSync } from "node:fs";

/** Fallback when /proc is unreadable: treat the call as blocked after this long. */
export const BLOCKING_GRACE_US = 5000;

/** What identifies the worker's kernel state. */
export interface ProbeTarget {
  readonly nrs: readonly number[];
  readonly arg0: bigint | null;
  /** The thread that makes the call, when known (the blocking-call thread); else any but main. */
  readonly tid?: number;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/** Scheduler state letter of a task, from its stat line (the field after the command name). */
export function taskState(statLine: string): string {
  const close = statLine.lastIndexOf(")");
  return statLine.slice(close + 2, close + 3);
}

/** Parse a `/proc/<tid>/syscall` line: `nr arg0 …` (null when the task is running in user space). */
export function parseSyscallLine(line: string): { nr: number; arg0: bigint } | null {
  const parts = line.trim().split(" ");
  if (parts.length < 2 || !/^\d+$/.test(parts[0]!)) return null;
  try {
    return { nr: Number(parts[0]), arg0: BigInt(parts[1]!) };
  } catch {
    return null;
  }
}

/**
 * True when a non-main thread sleeps in `target`; null when /proc could not be read at all.
 * `mainTid` is the process id (the main thread's tid).
 */
export function isBlockedIn(target: ProbeTarget, mainTid: number): boolean | null {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return null;
  }
  for (const tid of tids) {
    if (Number(tid) === mainTid || (target.tid !== undefined && Number(tid) !== target.tid)) continue;
    const sc = readOr(`/proc/self/task/${tid}/syscall`);
    const parsed = sc === null ? null : parseSyscallLine(sc);
    if (parsed === null || !target.nrs.includes(parsed.nr)) continue;
    if (target.arg0 !== null && parsed.arg0 !== target.arg0) continue;
    const stat = readOr(`/proc/self/task/${tid}/stat`);
    if (stat !== null && "SD".includes(taskState(stat))) return true;
  }
  return false;
}

/**
 * Resolve "blocked" when the probe sees the call asleep, or "returned" when `done` settles
 * first. Polls with setImmediate for 2 ms, then every millisecond.
 */
export function watchBlocking(target: ProbeTarget, mainTid: number, done: Promise<unknown>, now: () => number, yieldCpu?: () => void): Promise<"blocked" | "returned"> {
  return new Promise((resolve) => {
    let finished = false;
    void done.then(() => { if (!finished) { finished = true; resolve("returned"); } }, () => { if (!finished) { finished = true; resolve("returned"); } });
    const start = now();
    const tick = (): void => {
      if (finished) return;
      const seen = isBlockedIn(target, mainTid);
      if (seen === true || (seen === null && now() - start >= BLOCKING_GRACE_US)) {
        finished = true;
        resolve("blocked");
        return;
      }
      // While spinning, let the thread that makes the call have the CPU (see clock.ts).
      yieldCpu?.();
      if (now() - start < 2000) setImmediate(tick);
      else setTimeout(tick, 1);
    };
    setImmediate(tick);
  });
}
