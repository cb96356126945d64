/**
 * The kernel SUT's {@link RunJob}: reads and checks the script, merges its option lines under the
 * job's flags (pkt-language.md §1.5), starts a script host child in a fresh network namespace
 * (src/sut/kernel-tun, one child per job) and runs the interpreter against it. Aborting the job
 * kills the child's process group. Script problems found by `check` end the job as `error` without
 * starting a child.
 */
import { hasErrors } from "../../script/diagnostic.ts";
import { checkScript } from "../../script/check-script.ts";
import { parseScript } from "../../script/parse.ts";
import { MonotonicClock } from "../../interp/clock.ts";
import type { EmitScriptEvent } from "../../interp/events.ts";
import { mergeFlags, runOptionsFromFlags, type FlagValues } from "../../interp/run-options.ts";
import { runScript } from "../../interp/run.ts";
import type { Script } from "../../script/ast.ts";
import { HostSupervisor } from "../../sut/kernel-tun/host-process.ts";
import type { KernelTunConfig } from "../../sut/kernel-tun/kernel-tun-sut.ts";
import { packetdrillEnv, resolveNetConfig } from "../../sut/kernel-tun/net-config.ts";
import { openRemoteKernelSut } from "../../sut/kernel-tun/remote-sut.ts";
import type { Sut } from "../../sut/sut.ts";
import type { CliIo } from "../io.ts";
import type { RunJobSpec } from "./jobs.ts";
import type { JobOutcome, RunJob } from "./scheduler.ts";

/** Wraps a SUT before the interpreter uses it (the capture recorder hooks in here). */
export type SutDecorator = (sut: Sut, job: RunJobSpec) => { readonly sut: Sut; finish(): void };

function optNumber(flags: FlagValues, name: string): number | undefined {
  const v = flags[name];
  return typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

function optString(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}

/** Reads, checks and parses the script: the AST, or the `error` outcome of its first error. */
function prepare(io: CliIo, job: RunJobSpec): Script | JobOutcome {
  const source = io.fs.readFileSync(job.absFile, "utf8");
  const diagnostics = checkScript(source, job.file, { defines: job.defines });
  const first = diagnostics.find((d) => d.severity === "error");
  if (hasErrors(diagnostics) && first !== undefined) return { verdict: "error", line: first.span.start.line, message: first.message };
  const parsed = parseScript(source, job.file);
  return parsed.script ?? { verdict: "error", line: null, message: parsed.diagnostics[0]?.message ?? "cannot parse the script" };
}

/** The kernel-tun config of one job from its merged flags. */
export function kernelConfig(job: RunJobSpec, flags: FlagValues): KernelTunConfig {
  const fields = {
    localIp: optString(flags, "local_ip"), remoteIp: optString(flags, "remote_ip"), gatewayIp: optString(flags, "gateway_ip"),
    netmaskIp: optString(flags, "netmask_ip"), mtu: optNumber(flags, "mtu"), bindPort: optNumber(flags, "bind_port"),
    connectPort: optNumber(flags, "connect_port"),
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const net = resolveNetConfig({ ipVersion: job.variant, ...defined });
  const code = optString(flags, "code_command");
  return { net, scriptDir: job.cwd, commandEnv: packetdrillEnv(net, flags, job.defines), ...(code === undefined ? {} : { codeCommand: code.split(" ") }) };
}

async function runOnKernel(script: Script, job: RunJobSpec, emit: EmitScriptEvent, signal: AbortSignal, o: KernelRunnerOptions): Promise<JobOutcome> {
  const flags = mergeFlags(script, job.flags);
  const remote = await openRemoteKernelSut(kernelConfig(job, flags), { timeoutMs: o.hostLimitMs }, o.supervisor);
  const onAbort = (): void => remote.host.kill();
  signal.addEventListener("abort", onAbort, { once: true });
  const decorated = o.decorate?.(remote, job) ?? { sut: remote, finish: () => undefined };
  try {
    const options = runOptionsFromFlags(flags, {
      clock: new MonotonicClock(remote), file: job.file, variant: job.variant, defines: new Map(Object.entries(job.defines)), verbose: job.verbose,
    });
    const outcome = await runScript(script, decorated.sut, options, emit);
    return { verdict: outcome.verdict, line: outcome.failure?.line ?? null, message: outcome.failure?.message.split("\n")[0] ?? null };
  } finally {
    signal.removeEventListener("abort", onAbort);
    decorated.finish();
    await remote.close().catch(() => undefined);
    remote.host.send({ type: "exit" });
    await Promise.race([remote.host.exited, new Promise((r) => setTimeout(r, 2000))]);
    remote.host.kill();
  }
}

/** Options of {@link kernelRunner}. */
export interface KernelRunnerOptions {
  readonly supervisor: HostSupervisor;
  /** Hard limit on a child's life, a backstop behind the scheduler's timeout. */
  readonly hostLimitMs: number;
  readonly decorate?: SutDecorator;
}

/** A {@link RunJob} for the kernel SUT. */
export function kernelRunner(io: CliIo, options: Partial<KernelRunnerOptions> = {}): RunJob<RunJobSpec> {
  const o: KernelRunnerOptions = { supervisor: options.supervisor ?? new HostSupervisor(), hostLimitMs: options.hostLimitMs ?? 3_600_000, ...(options.decorate ? { decorate: options.decorate } : {}) };
  return async (job, emit, signal) => {
    const prepared = prepare(io, job);
    if (!("kind" in prepared)) return prepared;
    return runOnKernel(prepared, job, emit, signal, o);
  };
}
