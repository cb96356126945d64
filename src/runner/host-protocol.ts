/**
 * The typed messages between a run (parent) and one of its script hosts (a long-lived child
 * process, src/runner/host-main.ts) over Node's IPC channel with advanced serialization (the
 * AST's bigints survive). A host serves one job at a time:
 *
 *   host → `ready` (warmed up)   parent → `job`   host → `event`… → `done` | `fatal`   …
 *
 * The parent ends an idle host by killing its process group (host-pool.ts): between jobs a host
 * holds nothing that needs a goodbye.
 */
import type { ErrorCode } from "../errors.ts";
import type { FixedCost, ScriptEvent, Variant } from "../interp/events.ts";
import type { Script } from "../script/ast.ts";
import type { RunJobSpec } from "./job-spec.ts";

/** How a host's warm-up went, per IP variant it warmed (reported once, in `ready`). */
export interface WarmUpReport {
  readonly variant: Variant;
  readonly verdict: string;
  readonly message: string | null;
  readonly ms: number;
}

/** One job for a host: the spec and the script, parsed and checked by the parent. */
export interface HostJob {
  readonly id: number;
  readonly spec: Omit<RunJobSpec, "source">;
  readonly script: Script;
}

/** Parent → host. */
export type HostRequest = { readonly type: "job"; readonly job: HostJob };

/** Host → parent. */
export type HostMessage =
  /** The host is warmed up and waits for jobs. */
  | { readonly type: "ready"; readonly pid: number; readonly warmUp: readonly WarmUpReport[]; readonly ms: number }
  /**
   * One event of the running job, in order. Events are plain JSON (an `eventFail`'s failure holds
   * its values as strings); the parent checks each with `isScriptEvent` before re-emitting it.
   */
  | { readonly type: "event"; readonly id: number; readonly event: ScriptEvent }
  /**
   * The job is over (its last event came before this): its SUT closed, its namespace left, its
   * commands killed. `reusable` is false when the host cannot serve another job (a blocking call
   * still stuck in the kernel): it exits next. Times are CLOCK_MONOTONIC µs, comparable across
   * processes: when the script's clock started and when its last event ended.
   */
  | { readonly type: "done"; readonly id: number; readonly reusable: boolean; readonly scriptStartUs: number | null; readonly scriptEndUs: number | null }
  /** The job could not run (SUT set-up failed); the host exits next. */
  | { readonly type: "fatal"; readonly id: number | null; readonly code: ErrorCode; readonly message: string };

/** The fixed cost of a job from the parent's start stamp, the host's `done` and the parent's end stamp (µs). */
export function fixedCostOf(startUs: number, done: Extract<HostMessage, { type: "done" }>, endUs: number): FixedCost | undefined {
  if (done.scriptStartUs === null || done.scriptEndUs === null) return undefined;
  const ms = (us: number): number => Math.round(us / 100) / 10;
  return { start: ms(done.scriptStartUs - startUs), end: ms(endUs - done.scriptEndUs) };
}
