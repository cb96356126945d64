/**
 * The job scheduler: runs script × variant jobs with at most `parallel` at once, each through an
 * injected {@link RunJob} (the real one runs a child process in a fresh network namespace).
 *
 * It owns the event framing: `runStart`, then per job exactly one `scriptStart` and one
 * `scriptEnd`, then `runEnd`. What a job streams (`eventPass`, `eventFail`, `log`) is re-emitted
 * with the job's file and variant; a job's own start/end events are dropped, its returned outcome
 * is the verdict. Per-job timeout: the job's signal is aborted and the verdict is `fail` (as
 * run_all.py counts its 180 s limit). Cancel (the run's signal, from SIGINT/SIGTERM): nothing new
 * starts, running jobs are aborted and end as `skip`, unstarted jobs are counted as `skip`.
 * A job whose script carries a known-difference tag for this SUT (`known`) ends `xfail` instead
 * of `fail` and `xpass` instead of `pass` (known-differences.ts).
 */
import { emptyCounts, type FixedCost, type EmitRunEvent, type EmitScriptEvent, type JobRef, type KnownDifferenceTag, type ScriptEvent, type Verdict, type VerdictCounts } from "../interp/events.ts";
import { isMptcpdrillError } from "../errors.ts";
import { applyKnownDifference } from "./known-differences.ts";

/** What a job reports back: the verdict and the first fatal problem. */
export interface JobOutcome {
  readonly verdict: Verdict;
  readonly line: number | null;
  readonly message: string | null;
  /** The runner's fixed cost around the script, when it measured it (see {@link ScriptEndEvent.fixedMs}). */
  readonly fixedMs?: FixedCost;
}

/** A job as the scheduler sees it: which script and variant, and the run's seed when it has one. */
export type SeededJobRef = JobRef & { readonly seed?: number };

/**
 * Runs one job, streaming its events to `emit`. Must settle soon after `signal` aborts (killing
 * whatever it started). A thrown error becomes an `error` verdict.
 */
export type RunJob<J extends JobRef> = (job: J, emit: EmitScriptEvent, signal: AbortSignal) => Promise<JobOutcome>;

/** Scheduler inputs. */
export interface ScheduleOptions<J extends SeededJobRef> {
  readonly jobs: readonly J[];
  /** At most this many jobs at once (≥ 1). */
  readonly parallel: number;
  /** Per-job limit in milliseconds. */
  readonly timeoutMs: number;
  readonly runJob: RunJob<J>;
  readonly emit: EmitRunEvent;
  /** Aborting stops the run; `signal.reason` (e.g. `"SIGINT"`) appears in skip messages. */
  readonly signal?: AbortSignal;
  /** The SUT name for `runStart`. */
  readonly sut: string;
  /** After aborting a job, wait at most this long for it to settle before moving on (default 3 s). */
  readonly settleMs?: number;
  /** Millisecond clock (default `Date.now`). */
  readonly now?: () => number;
  /** The job's known-difference tag for this SUT, or null (default: no job is tagged). */
  readonly known?: (job: J) => KnownDifferenceTag | null;
}

/** The run's result. */
export interface ScheduleResult {
  readonly counts: VerdictCounts;
  readonly interrupted: boolean;
}

const TIMEOUT = Symbol("timeout");

function describeThrown(e: unknown): string {
  if (isMptcpdrillError(e)) return `error[${e.code}]: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

/** Resolves after `ms`, or at once if `ms` ≤ 0; the timer is cleared when `done` settles. */
function delay(ms: number, done: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, Math.max(0, ms));
    void done.finally(() => clearTimeout(t));
  });
}

async function runOne<J extends SeededJobRef>(job: J, o: ScheduleOptions<J>, now: () => number): Promise<Verdict> {
  const started = now();
  o.emit({ kind: "scriptStart", file: job.file, variant: job.variant });
  const controller = new AbortController();
  let open = true;
  const where = new JobPosition();
  const forward: EmitScriptEvent = (e: ScriptEvent) => {
    if (!open || e.kind === "scriptStart" || e.kind === "scriptEnd") return;
    where.see(e);
    o.emit({ ...e, file: job.file, variant: job.variant });
  };
  const onCancel = (): void => controller.abort(o.signal?.reason ?? "interrupt");
  o.signal?.addEventListener("abort", onCancel, { once: true });
  if (o.signal?.aborted === true) onCancel();
  const timer = setTimeout(() => controller.abort(TIMEOUT), o.timeoutMs);
  const result = Promise.resolve()
    .then(() => o.runJob(job, forward, controller.signal))
    .then((outcome): JobOutcome => outcome, (e: unknown): JobOutcome => ({ verdict: "error", line: null, message: describeThrown(e) }));
  const aborted = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
  let outcome = await Promise.race([result, aborted.then(() => null)]);
  if (outcome === null) {
    // Aborted: give the job time to kill what it started, then decide the verdict ourselves.
    await Promise.race([result, delay(o.settleMs ?? 3000, result)]);
    outcome = controller.signal.reason === TIMEOUT
      ? where.timedOut(`timed out after ${formatSeconds(o.timeoutMs)} (--timeout)`)
      : { verdict: "skip", line: null, message: `interrupted by ${String(controller.signal.reason)}` };
  }
  clearTimeout(timer);
  o.signal?.removeEventListener("abort", onCancel);
  open = false;
  const final = applyKnownDifference(outcome, o.known?.(job) ?? null);
  const seed = job.seed === undefined ? {} : { seed: job.seed };
  o.emit({ kind: "scriptEnd", file: job.file, variant: job.variant, ...final, ms: now() - started, ...seed });
  return final.verdict;
}

/**
 * Where a job is, from its event stream: the script's current event (the latest `eventStart`,
 * until the `eventPass`/`eventFail` of its line or a later start), the blocking calls it is
 * waiting for (a start whose description says `blocking`, until its line's end), and the last
 * line that ended. A job that hits its time limit names the current event, else the oldest wait.
 * Script hosts send only some of these events (host-job.ts, SlowEvents), which this allows for.
 */
export class JobPosition {
  #current: { line: number; what: string; ms: number } | null = null;
  readonly #waits: Array<{ line: number; what: string; ms: number }> = [];
  #lastEnded: number | null = null;

  see(e: ScriptEvent): void {
    if (e.kind === "eventStart") {
      const at = { line: e.line, what: e.what, ms: e.ms };
      if (e.what.includes("(blocking")) this.#waits.push(at);
      else this.#current = at;
    } else if ((e.kind === "eventPass" || e.kind === "eventFail") && e.line !== null) {
      if (this.#current?.line === e.line) this.#current = null;
      else {
        const i = this.#waits.findIndex((w) => w.line === e.line);
        if (i >= 0) this.#waits.splice(i, 1);
      }
      this.#lastEnded = e.line;
    }
  }

  /** The outcome of a job stopped by its time limit, naming the line it was stuck on. */
  timedOut(prefix: string): JobOutcome {
    const stuck = this.#current ?? this.#waits[0];
    if (stuck !== undefined) {
      return { verdict: "fail", line: stuck.line, message: `${prefix} at line ${stuck.line}: ${stuck.what}, not ended since ${(stuck.ms / 1000).toFixed(3)} s into the script` };
    }
    if (this.#lastEnded !== null) return { verdict: "fail", line: null, message: `${prefix}; the last event that ended is on line ${this.#lastEnded}` };
    return { verdict: "fail", line: null, message: `${prefix} before the script's first event` };
  }
}

/** Runs every job and emits the whole event stream; resolves when all jobs ended or the run was cancelled. */
export async function schedule<J extends SeededJobRef>(o: ScheduleOptions<J>): Promise<ScheduleResult> {
  const now = o.now ?? Date.now;
  const started = now();
  const counts = emptyCounts();
  const parallel = Math.max(1, Math.floor(o.parallel));
  o.emit({ kind: "runStart", total: o.jobs.length, jobs: parallel, sut: o.sut });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.jobs.length && o.signal?.aborted !== true) {
      const job = o.jobs[next++];
      if (job !== undefined) counts[await runOne(job, o, now)] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, o.jobs.length) }, worker));
  const interrupted = o.signal?.aborted === true;
  counts.skip += o.jobs.length - next;
  o.emit({ kind: "runEnd", counts, ms: now() - started, interrupted });
  return { counts, interrupted };
}
