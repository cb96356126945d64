/**
 * The real {@link RunJob}: runs one job in a child process (a fresh network namespace per job,
 * like run_all.py) through a script-host spawner, re-emits the `ScriptEvent`s the child streams,
 * and takes the verdict from the child's `scriptEnd`. A child that dies without one, or that
 * streams garbage, ends as `error` with its exit status and the tail of its stderr.
 */
import { isScriptEvent, type EmitScriptEvent } from "../../interp/events.ts";
import type { RunJobSpec } from "./jobs.ts";
import type { JobOutcome, RunJob } from "./scheduler.ts";

/** What the child is asked to run. */
export interface ScriptHostRequest {
  readonly file: string;
  readonly absFile: string;
  readonly cwd: string;
  readonly variant: RunJobSpec["variant"];
  readonly flags: RunJobSpec["flags"];
  readonly defines: RunJobSpec["defines"];
  readonly capturePath: string | null;
  readonly verbose: boolean;
}

/** How a child ended. */
export interface ScriptHostExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Last lines the child wrote to stderr, if captured. */
  readonly stderrTail?: string;
}

/** A running child: its messages (parsed JSON values), a kill switch and its exit. */
export interface ScriptHostHandle {
  readonly events: AsyncIterable<unknown>;
  kill(): void;
  readonly exited: Promise<ScriptHostExit>;
}

/** Starts a child for one job. May throw an `MptcpdrillError` (netns, spawn). */
export type SpawnScriptHost = (request: ScriptHostRequest) => ScriptHostHandle;

function describeExit(exit: ScriptHostExit): string {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${String(exit.code)}`;
  const tail = exit.stderrTail?.trim();
  return `script host ${how} before reporting a verdict${tail ? `: ${tail.split("\n").slice(-3).join(" | ")}` : ""}`;
}

async function pump(handle: ScriptHostHandle, emit: EmitScriptEvent): Promise<JobOutcome | string | null> {
  let outcome: JobOutcome | null = null;
  for await (const message of handle.events) {
    if (!isScriptEvent(message)) return `script host sent a malformed event: ${JSON.stringify(message).slice(0, 200)}`;
    if (message.kind === "scriptEnd") outcome = { verdict: message.verdict, line: message.line, message: message.message };
    else emit(message);
  }
  return outcome;
}

/** A {@link RunJob} running each job through `spawn`. */
export function childRunner(spawn: SpawnScriptHost): RunJob<RunJobSpec> {
  return async (job, emit, signal) => {
    const handle = spawn({
      file: job.file, absFile: job.absFile, cwd: job.cwd, variant: job.variant, flags: job.flags, defines: job.defines,
      capturePath: job.capturePath, verbose: job.verbose,
    });
    const onAbort = (): void => handle.kill();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await pump(handle, emit);
      if (typeof result === "string") {
        handle.kill();
        await handle.exited;
        return { verdict: "error", line: null, message: result };
      }
      const exit = await handle.exited;
      return result ?? { verdict: "error", line: null, message: describeExit(exit) };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };
}
