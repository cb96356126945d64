/**
 * The kernel SUT's {@link RunJob}, parent half: reads and checks the script, starts a script host
 * child in a fresh network namespace (src/sut/kernel-tun, one child per job), sends it the job,
 * and re-emits the events the child streams back. The interpreter runs in the child next to the
 * kernel SUT (src/cli/run/child-job.ts); the verdict is the child's `scriptEnd`. A child that ends
 * without one is an `error` with its exit status and the tail of its stderr. Aborting the job
 * (timeout, SIGINT) kills the child's process group. Script problems found by `check` end the job
 * as `error` without starting a child.
 */
import { hasErrors } from "../../script/diagnostic.ts";
import { checkScript } from "../../script/check-script.ts";
import { isScriptEvent, type EmitScriptEvent, type ScriptEndEvent } from "../../interp/events.ts";
import { HostSupervisor, type HostExit, type ScriptHost } from "../../sut/kernel-tun/host-process.ts";
import type { CliIo } from "../io.ts";
import type { ChildJob } from "./child-job.ts";
import type { RunJobSpec } from "./jobs.ts";
import type { JobOutcome, RunJob } from "./scheduler.ts";

/** After the child's `scriptEnd`, how long it may take to close its SUT and exit before it is killed. */
const EXIT_GRACE_MS = 2000;
/** How much of a dead child's stderr goes into the verdict message. */
const STDERR_TAIL = 400;

/** Reads and checks the script: its text, or the `error` outcome of its first error. */
function prepare(io: CliIo, job: RunJobSpec): { source: string } | JobOutcome {
  const source = io.fs.readFileSync(job.absFile, "utf8");
  const diagnostics = checkScript(source, job.file, { defines: job.defines });
  const first = diagnostics.find((d) => d.severity === "error");
  if (hasErrors(diagnostics) && first !== undefined) return { verdict: "error", line: first.span.start.line, message: first.message };
  return { source };
}

/** What the child said besides script events. */
interface ChildReport {
  end: ScriptEndEvent | null;
  fatal: string | null;
}

/** Forwards the child's events to `emit` and records its verdict or fatal error in `report`. */
function listen(host: ScriptHost, emit: EmitScriptEvent, report: ChildReport, onEnd: () => void): () => void {
  return host.onMessage((m) => {
    if (m.type === "event" && isScriptEvent(m.event)) {
      if (m.event.kind === "scriptEnd") {
        report.end = m.event;
        onEnd();
      }
      emit(m.event);
    } else if (m.type === "fatal") {
      report.fatal = `error[${m.code}]: ${m.message}`;
    }
  });
}

/** The verdict of a child that ended (or was given up on). */
function outcomeOf(report: ChildReport, exit: HostExit | null): JobOutcome {
  if (report.end !== null) return { verdict: report.end.verdict, line: report.end.line, message: report.end.message };
  if (report.fatal !== null) return { verdict: "error", line: null, message: report.fatal };
  const how = exit === null ? "did not exit" : exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${String(exit.code)}`;
  const why = exit?.reason === "timeout" ? " after its hard time limit" : "";
  const tail = exit?.stderr.trim().slice(-STDERR_TAIL) ?? "";
  return { verdict: "error", line: null, message: `script host ${how}${why} without a verdict${tail === "" ? "" : `: ${tail}`}` };
}

async function runInHost(job: ChildJob, emit: EmitScriptEvent, signal: AbortSignal, o: KernelRunnerOptions): Promise<JobOutcome> {
  const host = o.supervisor.spawn({ timeoutMs: o.hostLimitMs });
  const onAbort = (): void => host.kill();
  signal.addEventListener("abort", onAbort, { once: true });
  const report: ChildReport = { end: null, fatal: null };
  let graceTimer: NodeJS.Timeout | undefined;
  const off = listen(host, emit, report, () => {
    graceTimer = setTimeout(() => host.kill(), EXIT_GRACE_MS);
  });
  try {
    if (signal.aborted) host.kill();
    else host.send({ type: "run", job });
    const exit = await host.exited;
    return outcomeOf(report, exit);
  } finally {
    clearTimeout(graceTimer);
    signal.removeEventListener("abort", onAbort);
    off();
    host.kill();
  }
}

/** Options of {@link kernelRunner}. */
export interface KernelRunnerOptions {
  readonly supervisor: HostSupervisor;
  /** Hard limit on a child's life, a backstop behind the scheduler's timeout. */
  readonly hostLimitMs: number;
}

/** A {@link RunJob} for the kernel SUT. */
export function kernelRunner(io: CliIo, options: Partial<KernelRunnerOptions> = {}): RunJob<RunJobSpec> {
  const o: KernelRunnerOptions = { supervisor: options.supervisor ?? new HostSupervisor(), hostLimitMs: options.hostLimitMs ?? 3_600_000 };
  return async (job, emit, signal) => {
    const prepared = prepare(io, job);
    if (!("source" in prepared)) return prepared;
    return runInHost({ spec: job, source: prepared.source }, emit, signal, o);
  };
}
