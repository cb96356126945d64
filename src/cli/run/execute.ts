/**
 * `mptcpdrill run` end to end: parse arguments, find scripts, plan jobs, open reporters, schedule,
 * and map the outcome to an exit code. The job runner is injected ({@link RunDeps}) so the whole
 * command runs in tests with fake jobs.
 *
 * `--list` prints the planned jobs and stops; a run whose every job is a `--dry_run` only parses
 * and checks (runner/dry-run.ts), never asking for the SUT's runner.
 *
 * Selection: `--grep`/`--exclude` filter the planned jobs by name, then `--shard I/N` keeps one
 * part of them (select.ts, balanced by `--durations FILE`), before `--list` or the run.
 *
 * Exit codes: 0 every job passed, was `flaky` (failed, then passed on a `--retries` attempt:
 * reported and counted, not a failure of the run), or failed as its known-difference tag or its
 * `--baseline` row expects (`xfail`); a baseline row now passing (`fixed`) is reported and does
 * not fail the run; 1 a job failed (with no baseline row, or otherwise than its row says), ended
 * in `error`, or passed against its tag (`xpass`); `--update-baseline` writes the baseline
 * from the run and exits 0 unless the run was interrupted (then nothing is written); 2 usage, config, file or
 * environment problem (also when the environment check failed, after reporting every job as
 * `error`); 130 the run was stopped by SIGINT, 143 by SIGTERM (verdicts known so far are
 * written, the reporters print their summary).
 */
import { randomInt } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { EXIT_FAIL, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE } from "../command.ts";
import { findScripts } from "../find-scripts.ts";
import type { CliIo } from "../io.ts";
import { openFileSink } from "../../report/file-sink.ts";
import { REPORTERS, fanOut } from "../../report/registry.ts";
import type { Reporter, ReportSink } from "../../report/reporter.ts";
import { makeFolder } from "../make-folder.ts";
import { parseRunArgs, type RunArgs } from "./args.ts";
import type { JobRunner } from "../../runner/job-runner.ts";
import type { RunJobSpec } from "../../runner/job-spec.ts";
import { REFERENCE_SEED } from "../../runner/job-seed.ts";
import { schedule } from "../../runner/scheduler.ts";
import { MAX_SEED } from "../../rng.ts";
import { dryRunner } from "../../runner/dry-run.ts";
import { release as kernelRelease } from "node:os";
import { sectionIndex, updateBaseline } from "../../runner/baseline.ts";
import { asBaselineResults, openBaseline, writeBaseline, type OpenBaseline } from "./baseline-file.ts";
import { formatJobList } from "./job-list.ts";
import { durationsFromJsonl, filterJobs, shardJobs, type Durations } from "./select.ts";
import { captureKeeper, capturePolicy, removeEmptyCaptureDir } from "./captures.ts";
import { planJobs } from "./jobs.ts";

/** Exit code of an interrupted run (128 + SIGINT, used for SIGTERM too). */
/** The exit code of a run stopped by SIGINT (143 for SIGTERM). */
export const EXIT_INTERRUPTED = EXIT_SIGINT;

/** What `run` needs from the outside besides {@link CliIo}. */
export interface RunDeps {
  /**
   * The job runner for a SUT and the planned jobs, or a message why that SUT cannot run here (not
   * root, no TUN). A message turns every job into an `error` verdict and the exit code into 2.
   */
  readonly runnerFor: (args: RunArgs, io: CliIo, jobs: readonly RunJobSpec[]) => Promise<JobRunner | string> | JobRunner | string;
  /** Grace time after aborting a job (tests shorten it). */
  readonly settleMs?: number;
}

function usage(io: CliIo, message: string, text: string): number {
  io.stderr.write(`error[MPD_ERR_USAGE]: ${message}\n\n${text}`);
  return EXIT_USAGE;
}

/**
 * Opens every reporter; on failure closes those opened and returns the message (also used by
 * `merge`). `command` is the command line the reports name (run's: `mptcpdrill run …`).
 */
export function openReporters(io: CliIo, args: Pick<RunArgs, "reporters" | "verbose" | "logOnError" | "logOnSuccess">, command: readonly string[] = []): { reporters: Reporter[]; sinks: ReportSink[] } | string {
  const reporters: Reporter[] = [];
  const sinks: ReportSink[] = [];
  const machine = { startedAt: Date.now(), ...machineFacts(), command: [...command] };
  for (const spec of args.reporters) {
    const factory = REPORTERS.get(spec.name);
    if (factory === undefined) return `unknown reporter '${spec.name}'`;
    let sink: ReportSink = io.stdout;
    if (spec.file !== null) {
      try {
        sink = openFileSink(io.fs, path.resolve(io.cwd, spec.file));
      } catch (e) {
        sinks.forEach((s) => s.close?.());
        return `cannot open report file '${spec.file}': ${e instanceof Error ? e.message : String(e)}`;
      }
      sinks.push(sink);
    }
    reporters.push(factory(sink, { verbose: args.verbose, logOnError: args.logOnError, logOnSuccess: args.logOnSuccess, ...machine }));
  }
  return { reporters, sinks };
}

/** The machine the run is on, for the reports: kernel release (`uname -r`) and host name. */
function machineFacts(): { kernel: string; hostname: string } {
  return { kernel: os.release(), hostname: os.hostname() };
}

/**
 * The run's seed: `--seed N`, else a fixed one for the reference SUT (its runs reproduce byte for
 * byte by default) and a fresh one per kernel run (the kernel's own keys differ every run anyway,
 * and varied script-side keys and nonces test more); failures print it for `--seed` to replay.
 */
function runSeedOf(args: RunArgs): number {
  return args.seed ?? (args.sut === "reference" ? REFERENCE_SEED : randomInt(0, MAX_SEED + 1));
}

/** Runs `mptcpdrill run` with `argv` and returns the exit code. */
export async function executeRun(argv: readonly string[], io: CliIo, deps: RunDeps, usageText: string): Promise<number> {
  const parsed = parseRunArgs(argv);
  if (!parsed.ok) return usage(io, parsed.message, usageText);
  const args = parsed.value;
  const found = findScripts(io, args.paths);
  for (const p of found.missing) io.stderr.write(`error[MPD_ERR_FILE]: no such file or folder: '${p}'\n`);
  if (found.missing.length > 0) return EXIT_USAGE;
  // A file that cannot be named or listed is one error among the others: the rest still run.
  for (const u of found.unreadable) io.stderr.write(`error[MPD_ERR_FILE]: cannot read '${u.file}': ${u.reason}\n`);
  const plan = planJobs(io, args, found.files, runSeedOf(args));
  for (const n of plan.notes) io.stderr.write(`${n}\n`);
  for (const p of plan.problems) io.stderr.write(`error[MPD_ERR_USAGE]: ${p}\n`);
  if (plan.problems.length > 0) return EXIT_USAGE;
  if (plan.jobs.length === 0) {
    io.stderr.write(`error[MPD_ERR_FILE]: nothing to run: no .pkt script (with a selected variant) under ${args.paths.map((p) => `'${p}'`).join(", ")}\n`);
    return EXIT_USAGE;
  }
  const selected = selectJobs(io, args, plan.jobs);
  if (typeof selected === "string") {
    io.stderr.write(`${selected}\n`);
    return EXIT_USAGE;
  }
  if (args.list) {
    io.stdout.write(formatJobList(selected));
    return EXIT_OK;
  }
  const baseline = args.baselineFile === null ? null : openBaseline(io, args.baselineFile, args.sut, args.sut === "kernel" ? kernelRelease() : null, args.updateBaseline);
  if (typeof baseline === "string") {
    io.stderr.write(`${baseline}\n`);
    return EXIT_USAGE;
  }
  const captures = capturePolicy(args, io.cwd);
  if (captures.dir !== null) {
    const problem = makeFolder(io.fs, captures.dir);
    if (problem !== null) {
      io.stderr.write(`error[MPD_ERR_FILE]: cannot create capture folder '${args.captureDir ?? captures.dir}': ${problem}\n`);
      return EXIT_USAGE;
    }
  }
  const opened = openReporters(io, args, ["mptcpdrill", "run", ...argv]);
  if (typeof opened === "string") {
    io.stderr.write(`error[MPD_ERR_FILE]: ${opened}\n`);
    return EXIT_USAGE;
  }
  try {
    const byJob = new Map(selected.map((j) => [`${j.file}\u0000${j.variant}`, j.capturePath]));
    const keep = captureKeeper(captures, io.fs, (e) => byJob.get(`${e.file}\u0000${e.variant}`) ?? null);
    const reporter = fanOut(opened.reporters);
    const code = await runPlanned(io, args, selected, { onEvent: (e) => reporter.onEvent(keep(e)) }, deps, baseline);
    return found.unreadable.length > 0 && code !== EXIT_SIGINT && code !== EXIT_SIGTERM ? EXIT_USAGE : code;
  } finally {
    opened.sinks.forEach((s) => s.close?.());
    removeEmptyCaptureDir(captures, io.fs);
  }
}

/**
 * `--grep`/`--exclude`, then `--shard`: the jobs to run, or an error line. Filters that leave no job
 * are an error (a CI matrix with a typo would otherwise pass on nothing); an empty shard is not
 * (more shards than jobs).
 */
function selectJobs(io: CliIo, args: RunArgs, jobs: readonly RunJobSpec[]): readonly RunJobSpec[] | string {
  const filtered = filterJobs(jobs, args.grep, args.exclude);
  if (filtered.length === 0) return `error[MPD_ERR_USAGE]: nothing to run: --grep/--exclude leave none of the ${jobs.length} planned jobs`;
  if (args.shard === null) return filtered;
  let durations: Durations | null = null;
  if (args.durationsFile !== null) {
    let text: string;
    try {
      text = io.fs.readFileSync(path.resolve(io.cwd, args.durationsFile), "utf8");
    } catch (e) {
      return `error[MPD_ERR_FILE]: cannot read --durations '${args.durationsFile}': ${e instanceof Error ? e.message : String(e)}`;
    }
    const d = durationsFromJsonl(text, args.durationsFile);
    if (typeof d === "string") return `error[MPD_ERR_USAGE]: --durations: ${d}`;
    durations = d;
  }
  return shardJobs(filtered, args.shard.index, args.shard.count, durations);
}

/**
 * The job runner: the dry runner when every job is a `--dry_run` (no SUT is opened, nothing is
 * checked about the environment), else the SUT's.
 */
function runnerFor(io: CliIo, args: RunArgs, jobs: readonly RunJobSpec[], deps: RunDeps): Promise<JobRunner | string> | JobRunner | string {
  if (jobs.every((j) => j.flags["dry_run"] !== undefined)) return dryRunner((file) => io.fs.readFileSync(file, "utf8"));
  return deps.runnerFor(args, io, jobs);
}

/**
 * A repetition's or retry's own capture file (`….ipv4.repeat2.attempt3.pcap`), so each keeps its
 * packets; the first attempt of a job run once keeps the plain name.
 */
function captureOfRun(job: RunJobSpec, run: { readonly repeat: number | undefined; readonly attempt: number }): RunJobSpec {
  if (job.capturePath === null || (run.repeat === undefined && run.attempt === 1)) return job;
  const suffix = `${run.repeat === undefined ? "" : `.repeat${run.repeat}`}${run.attempt === 1 ? "" : `.attempt${run.attempt}`}`;
  return { ...job, capturePath: job.capturePath.replace(/\.pcap$/, `${suffix}.pcap`) };
}

async function runPlanned(io: CliIo, args: RunArgs, jobs: readonly RunJobSpec[], reporter: Reporter, deps: RunDeps, baseline: OpenBaseline | null): Promise<number> {
  const runner = await runnerFor(io, args, jobs, deps);
  const environmentProblem = typeof runner === "string" ? runner : null;
  // Said once on stderr as well (CI logs), besides every job's `error` verdict carrying it.
  if (environmentProblem !== null) io.stderr.write(`${environmentProblem}\n`);
  const runJob = typeof runner === "string" ? () => Promise.resolve({ verdict: "error" as const, line: null, message: runner }) : runner.run;
  const known = typeof runner === "string" ? () => null : (job: RunJobSpec) => runner.known(job, args.sut);
  const controller = new AbortController();
  const unsubscribe = io.onSignal?.((sig) => {
    if (!controller.signal.aborted) io.stderr.write(`\n${sig}: stopping: no new jobs, killing the running ones\n`);
    controller.abort(sig);
  });
  try {
    const result = await schedule({
      jobs, parallel: args.jobs, timeoutMs: args.timeoutSeconds * 1000, runJob, sut: args.sut, known,
      emit: (e) => reporter.onEvent(e), signal: controller.signal, ...(deps.settleMs === undefined ? {} : { settleMs: deps.settleMs }),
      retries: args.retries, repeat: args.repeat, runAs: captureOfRun, ...(baseline === null || args.updateBaseline ? {} : { baselineRow: baseline.rowFor }),
    });
    if (result.interrupted) return controller.signal.reason === "SIGTERM" ? EXIT_SIGTERM : EXIT_SIGINT;
    if (environmentProblem !== null) return EXIT_USAGE;
    if (baseline !== null && args.updateBaseline) {
      const updated = updateBaseline(baseline.baseline, baseline.sut, baseline.release, asBaselineResults(baseline, result.results));
      const problem = writeBaseline(io, baseline.file, updated);
      if (problem !== null) io.stderr.write(`${problem}\n`);
      else {
        const section = updated.sections[sectionIndex(updated, baseline.sut, baseline.release)];
        const key = section?.kernel === undefined ? args.sut : `${args.sut}, kernel ${section.kernel}`;
        io.stderr.write(`baseline written: ${path.relative(io.cwd, baseline.file) || baseline.file} (${key}: ${section?.jobs.length ?? 0} expected failures)\n`);
      }
      return problem === null ? EXIT_OK : EXIT_USAGE;
    }
    return result.counts.fail + result.counts.error + result.counts.xpass > 0 ? EXIT_FAIL : EXIT_OK;
  } finally {
    unsubscribe?.();
    if (typeof runner !== "string") await runner.close();
  }
}
