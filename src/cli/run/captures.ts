/**
 * Which jobs' captures a run keeps, and where (issue #16 item 4). `--capture DIR` records every
 * job into DIR and keeps every file. Without it, a run that writes a report file records every job
 * beside its first report (`<report folder>/captures/`) and keeps the captures of jobs that did not
 * pass (fail, error, xfail, xpass): the pass's file is removed as its verdict arrives, so the
 * evidence of a failure is always there and a green run leaves nothing (the folder too is removed
 * when it ends empty). A run that only prints (no report file) records nothing unless asked: there
 * is no report to point to it, and stray pcaps would pile up in the working folder. Every
 * reporter names a kept file: `scriptEnd.capture` (added here) and, for a failure, its
 * `FailureDetail.capture` (added by the runner).
 */
import type * as fs from "node:fs";
import * as path from "node:path";
import { type JobRef, type RunEvent, type Verdict, withCapture } from "../../interp/events.ts";
import type { RunArgs } from "./args.ts";

/** Where a run records its jobs' captures and whether passes' files are kept. */
export interface CapturePolicy {
  /** Absolute folder of the captures, null when the run records none. */
  readonly dir: string | null;
  /** True with `--capture DIR`: every file is kept; false: only those of jobs that did not pass. */
  readonly keepAll: boolean;
}

/** The folder name, beside the first report file, of the default captures. */
export const DEFAULT_CAPTURE_FOLDER = "captures";

/** The capture policy of `args` (paths resolved against `cwd`). */
export function capturePolicy(args: Pick<RunArgs, "captureDir" | "reporters">, cwd: string): CapturePolicy {
  if (args.captureDir !== null) return { dir: path.resolve(cwd, args.captureDir), keepAll: true };
  const report = args.reporters.find((r) => r.file !== null)?.file ?? null;
  if (report === null) return { dir: null, keepAll: false };
  return { dir: path.join(path.dirname(path.resolve(cwd, report)), DEFAULT_CAPTURE_FOLDER), keepAll: false };
}

/** Verdicts whose capture is dropped unless every capture is kept. */
const PASSING: ReadonlySet<Verdict> = new Set(["pass", "skip"]);

/** The file system calls the keeper needs. */
export type CaptureFs = Pick<typeof fs, "existsSync" | "rmSync" | "readdirSync" | "rmdirSync">;

/**
 * Applies `policy` as each job ends: removes a passing job's file unless every file is kept, and
 * returns the event with `capture` naming the kept file (unchanged when there is none).
 * `captureOf` gives a job's planned capture path.
 */
export function captureKeeper(policy: CapturePolicy, fsys: CaptureFs, captureOf: (e: JobRef) => string | null): (e: RunEvent) => RunEvent {
  return (e) => {
    if (policy.dir === null) return e;
    // A fatal failure fails its job, whose file is kept: its failure names it (script hosts add it
    // themselves; the reference runner's failures arrive without it).
    if (e.kind === "eventFail" && e.fatal) return withCapture(e, captureOf(e));
    if (e.kind !== "scriptEnd") return e;
    const file = captureOf(e);
    if (file === null || !fsys.existsSync(file)) return e;
    if (!policy.keepAll && PASSING.has(e.verdict)) {
      fsys.rmSync(file, { force: true });
      return e;
    }
    return { ...e, capture: file };
  };
}

/** Removes the default capture folder when the run kept nothing in it (never a `--capture` folder). */
export function removeEmptyCaptureDir(policy: CapturePolicy, fsys: CaptureFs): void {
  if (policy.dir === null || policy.keepAll) return;
  try {
    if (fsys.readdirSync(policy.dir).length === 0) fsys.rmdirSync(policy.dir);
  } catch {
    // Gone already, or not ours to remove: nothing to clean.
  }
}
