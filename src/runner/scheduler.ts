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
 * of `fail` and `xpass` instead of `pass` (known-differences.ts); then its row in an
 * expected-failure baseline (`baselineRow`, baseline.ts) may turn a `fail`/`error` into `xfail`.
 *
 * Retries (`retries` N): a job still `fail` or `error` after those is run again, up to N more
 * times, each attempt a fresh call of {@link RunJob} (the real runner: a fresh namespace), all
 * inside the job's one `scriptStart`…`scriptEnd`; a job that passes on a retry ends `flaky`, and its
 * `scriptEnd` lists every attempt with its failure. Repeat (`repeat` N > 1): every job is run N
 * times, each repetition framed on its own and stamped `repeat: k` on every event, so reporters
 * keep concurrent repetitions apart; `runStart.total` counts repetitions.
 */
import { emptyCounts, type AttemptRecord, type FailureDetail, type FixedCost, type EmitRunEvent, type EmitScriptEvent, type JobRef, type KnownDifferenceTag, type ScriptEvent, type Verdict, type VerdictCounts } from "../interp/events.ts";
import { isMptcpdrillError } from "../errors.ts";
import { applyBaseline, type BaselinedOutcome, type BaselineRow, type RecordedResult } from "./baseline.ts";
import { applyKnownDifference, type TaggedOutcome } from "./known-differences.ts";

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
  /** The job's row in the run's expected-failure baseline, or null (default: no baseline). */
  readonly baselineRow?: (job: J) => BaselineRow | null;
  /** Reruns of a job still failing (`fail`/`error`), at most (default 0). */
  readonly retries?: number;
  /** Runs of every job (default 1). */
  readonly repeat?: number;
  /**
   * The job as handed to {@link RunJob} for a repetition and an attempt after the first (e.g. its
   * own capture file, so a retry does not overwrite the capture of the failure it retries);
   * default: the job unchanged.
   */
  readonly runAs?: (job: J, run: { readonly repeat: number | undefined; readonly attempt: number }) => J;
}

/** The run's result. */
export interface ScheduleResult {
  readonly counts: VerdictCounts;
  readonly interrupted: boolean;
  /**
   * Every job that ended, in completion order, with its verdict before the baseline (after tags
   * and retries): what `--update-baseline` records.
   */
  readonly results: readonly RecordedResult[];
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

/** One attempt of a job: its outcome (before tags), its first fatal failure, its wall time. */
interface Attempt {
  readonly outcome: JobOutcome;
  readonly failure: FailureDetail | null;
  readonly ms: number;
}

async function attemptOnce<J extends SeededJobRef>(job: J, o: ScheduleOptions<J>, now: () => number, stamp: { repeat?: number }): Promise<Attempt> {
  // `job` may be a variant of the scheduled one (runAs); events and verdicts name the file and variant, which it keeps.
  const started = now();
  const controller = new AbortController();
  let open = true;
  let failure: FailureDetail | null = null;
  const where = new JobPosition();
  const forward: EmitScriptEvent = (e: ScriptEvent) => {
    if (!open || e.kind === "scriptStart" || e.kind === "scriptEnd") return;
    where.see(e);
    if (e.kind === "eventFail" && e.fatal && failure === null && e.failure !== undefined) failure = e.failure;
    o.emit({ ...e, file: job.file, variant: job.variant, ...stamp });
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
  return { outcome, failure, ms: now() - started };
}

const failing = (v: Verdict): boolean => v === "fail" || v === "error";

async function runOne<J extends SeededJobRef>(job: J, repeat: number | undefined, o: ScheduleOptions<J>, now: () => number, results: RecordedResult[]): Promise<Verdict> {
  const started = now();
  const stamp = repeat === undefined ? {} : { repeat };
  o.emit({ kind: "scriptStart", file: job.file, variant: job.variant, ...stamp });
  const attempts: AttemptRecord[] = [];
  const retries = Math.max(0, Math.floor(o.retries ?? 0));
  const tag = o.known?.(job) ?? null;
  const row = o.baselineRow?.(job) ?? null;
  let tagged: TaggedOutcome | null = null;
  let final: BaselinedOutcome | null = null;
  // A failure the tag or the baseline expects is not retried: only what would fail the run is.
  while (final === null || (failing(final.verdict) && attempts.length <= retries && o.signal?.aborted !== true)) {
    const as = o.runAs?.(job, { repeat, attempt: attempts.length + 1 }) ?? job;
    const a = await attemptOnce(as, o, now, stamp);
    tagged = applyKnownDifference(a.outcome, tag);
    final = applyBaseline(tagged, row);
    attempts.push({ attempt: attempts.length + 1, verdict: tagged.verdict, line: tagged.line, message: tagged.message, ms: a.ms, failure: a.failure });
  }
  const flaky = attempts.length > 1 && tagged?.verdict === "pass";
  if (flaky) final = { ...(tagged ?? final), verdict: "flaky" };
  const recorded = flaky ? final : tagged ?? final;
  results.push({ file: job.file, variant: job.variant, verdict: recorded.verdict, line: recorded.line, message: recorded.message });
  const seed = job.seed === undefined ? {} : { seed: job.seed };
  const tried = attempts.length > 1 ? { attempts } : {};
  o.emit({ kind: "scriptEnd", file: job.file, variant: job.variant, ...final, ms: now() - started, ...seed, ...tried, ...stamp });
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
  const results: RecordedResult[] = [];
  const parallel = Math.max(1, Math.floor(o.parallel));
  const repeat = Math.max(1, Math.floor(o.repeat ?? 1));
  // Repetitions in rounds (every job once, then again), so one job's repetitions spread in time.
  const runs = Array.from({ length: repeat }, (_, r) => o.jobs.map((job) => ({ job, repeat: repeat > 1 ? r + 1 : undefined }))).flat();
  o.emit({ kind: "runStart", total: runs.length, jobs: parallel, sut: o.sut });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length && o.signal?.aborted !== true) {
      const run = runs[next++];
      if (run !== undefined) counts[await runOne(run.job, run.repeat, o, now, results)] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, runs.length) }, worker));
  const interrupted = o.signal?.aborted === true;
  counts.skip += runs.length - next;
  o.emit({ kind: "runEnd", counts, ms: now() - started, interrupted });
  return { counts, interrupted, results };
}
