/**
 * The kernel loop of `mptcpdrill vm`: resolves every `--kernel` (fetching Debian kernels into the
 * cache), then runs `run` once per kernel (cli/run/execute.ts, unchanged) with a job runner whose
 * script hosts are VMs on that kernel (runner/vm/vm-runner.ts) or, for `host`, the usual kernel
 * runner; records each job's verdict for the matrix; prints and writes the matrix at the end.
 * Kernels run one after the other: each VM already takes a CPU of its own.
 */
import { release as hostRelease } from "node:os";
import * as path from "node:path";
import type { Variant } from "../../interp/events.ts";
import { HostSupervisor } from "../../runner/host-process.ts";
import type { JobRunner } from "../../runner/job-runner.ts";
import type { RunJobSpec } from "../../runner/job-spec.ts";
import { applyKnownDifference } from "../../runner/known-differences.ts";
import { cacheRoot, resolveKernel, type VmKernel } from "../../runner/vm/kernel-cache.ts";
import { EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE } from "../command.ts";
import { DEFAULT_RUN_DEPS } from "../commands/run.ts";
import type { CliIo } from "../io.ts";
import type { RunArgs } from "../run/args.ts";
import { executeRun } from "../run/execute.ts";
import { kernelPreflight } from "../run/preflight.ts";
import { buildMatrix, renderMatrixJson, renderMatrixJunit, renderMatrixText, type MatrixCell, type MatrixColumn } from "./matrix.ts";
import { buildFeatureTable, checklistIds, renderFeatureText } from "./features.ts";
import type { VmArgs } from "./vm-args.ts";

/** Default tolerance scale under emulation (docs/kernels.md: how it was measured). */
export const TCG_TOLERANCE_SCALE = 10;

type Cell = MatrixCell & { file: string; variant: Variant };

/** A kernel's label as a file name part: `debian:6.1` → `debian-6.1`. */
export function kernelSlug(label: string): string {
  return label.replace(/^.*\//, "").replace(/[^\w.+-]+/g, "-");
}

/** `run` argv for one kernel: report files and the capture folder get the kernel's name when several kernels run; `-j 1` in a VM unless given. */
export function argvForKernel(argv: readonly string[], slug: string, several: boolean, vm: boolean): string[] {
  const out: string[] = [];
  const hasJobs = argv.some((a) => a === "-j" || a === "--jobs" || a.startsWith("--jobs=") || /^-j\d+$/.test(a));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (several && (a === "--reporter" || a === "--capture") && next !== undefined) {
      out.push(a, a === "--capture" ? path.join(next, slug) : withSuffix(next, slug));
      i++;
    } else if (several && (a.startsWith("--reporter=") || a.startsWith("--capture="))) {
      const [name, value] = [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)];
      out.push(`${name}=${name === "--capture" ? path.join(value, slug) : withSuffix(value, slug)}`);
    } else out.push(a);
  }
  return vm && !hasJobs ? ["-j", "1", ...out] : out;
}

/** `junit:out.xml` → `junit:out.<slug>.xml`; a reporter without a file is left alone. */
function withSuffix(spec: string, slug: string): string {
  const colon = spec.indexOf(":");
  if (colon < 0) return spec;
  const file = spec.slice(colon + 1);
  const ext = path.extname(file);
  return `${spec.slice(0, colon)}:${file.slice(0, file.length - ext.length)}.${slug}${ext}`;
}

/** The checklist IDs of a script (read again: the runs' parsed copies are gone); none when unreadable. */
function idsOf(io: CliIo, file: string): string[] {
  try {
    return checklistIds(io.fs.readFileSync(path.resolve(io.cwd, file), "utf8").slice(0, 4096), file);
  } catch {
    return [];
  }
}

/** Wraps `runner` so every job's final verdict is recorded in `cells`. */
function recording(runner: JobRunner, cells: Map<string, Cell>): JobRunner {
  return {
    ...runner,
    run: async (job: RunJobSpec, emit, signal) => {
      const t0 = Date.now();
      const outcome = await runner.run(job, emit, signal);
      const final = applyKnownDifference(outcome, runner.known(job, "kernel"));
      cells.set(`${job.file}|${job.variant}`, {
        file: job.file, variant: job.variant, verdict: final.verdict, line: final.line, message: final.message, ms: Date.now() - t0, capture: job.capturePath,
      });
      return outcome;
    },
  };
}

/** The job runner for one kernel. */
/** `--accel`: kvm or tcg as asked; `auto` probes KVM once per host and kernel (runner/vm/kvm-probe.ts). */
async function accelFor(v: VmArgs, vmlinuz: string, io: CliIo): Promise<"kvm" | "tcg"> {
  if (v.accel !== "auto") return v.accel;
  const { probeKvm } = await import("../../runner/vm/kvm-probe.ts");
  const probe = probeKvm(cacheRoot(io.env), vmlinuz);
  if (!probe.usable) io.stderr.write(`vm: using TCG (emulation): ${probe.why}\n`);
  return probe.usable ? "kvm" : "tcg";
}

async function runnerFor(kernel: VmKernel, v: VmArgs, accel: "kvm" | "tcg", scale: number, supervisor: HostSupervisor, args: RunArgs, io: CliIo, jobs: readonly RunJobSpec[]): Promise<JobRunner | string> {
  if (args.sut !== "kernel") return "error[MPD_ERR_USAGE]: mptcpdrill vm runs the kernel SUT only (no --sut reference)";
  if (kernel.kind === "host") return DEFAULT_RUN_DEPS.runnerFor(args, io, jobs);
  const problem = kernelPreflight(io);
  if (problem !== null) return problem;
  const { initramfsFor } = await import("../../runner/vm/initramfs.ts");
  const { vmRunner } = await import("../../runner/vm/vm-runner.ts");
  let initramfs: string;
  try {
    initramfs = initramfsFor(kernel);
  } catch (e) {
    return `error[MPD_ERR_KERNEL]: cannot build the initramfs of '${kernel.label}': ${e instanceof Error ? e.message : String(e)}`;
  }
  // The guest writes each job's pcap: every folder a job's capture goes to (--capture DIR, or the
  // captures/ kept for failures beside the first report file) is shared read-write.
  const capture = [...new Set([
    ...(args.captureDir === null ? [] : [path.resolve(io.cwd, args.captureDir)]),
    ...jobs.flatMap((j) => (j.capturePath === null ? [] : [path.dirname(j.capturePath)])),
  ])];
  return vmRunner({
    vms: Math.min(args.jobs, jobs.length), variants: jobs.map((j) => j.variant), readFile: (f) => io.fs.readFileSync(f, "utf8"),
    vm: { kernel, initramfs, accel, cpus: v.cpus, memoryMb: v.memoryMb, cwd: io.cwd, writable: capture, readable: [...new Set(jobs.map((j) => j.cwd))], nice: v.nice },
    toleranceScale: scale, readyTimeoutMs: v.bootTimeoutSeconds * 1000, supervisor,
  });
}

/** Resolves (fetching when needed) every `--kernel`; null after saying why one cannot be used. */
function resolveAll(v: VmArgs, io: CliIo): VmKernel[] | null {
  const cache = cacheRoot(io.env);
  const kernels: VmKernel[] = [];
  for (const spec of v.kernels) {
    const k = resolveKernel(spec, { cache, modules: v.modules, log: (l) => io.stderr.write(`${l}\n`) });
    if (typeof k === "string") {
      io.stderr.write(`error[MPD_ERR_KERNEL]: ${k}\n`);
      return null;
    }
    kernels.push(k);
  }
  return kernels;
}

/** `--fetch`: every kernel in the cache with its initramfs built; the exit code. */
export async function fetchKernels(v: VmArgs, io: CliIo): Promise<number> {
  const kernels = resolveAll(v, io);
  if (kernels === null) return EXIT_USAGE;
  const { initramfsFor } = await import("../../runner/vm/initramfs.ts");
  for (const k of kernels) {
    if (k.kind === "host") continue;
    try {
      io.stdout.write(`${k.label}: ${k.vmlinuz} (${k.release}), initramfs ${initramfsFor(k)}\n`);
    } catch (e) {
      io.stderr.write(`error[MPD_ERR_KERNEL]: cannot build the initramfs of '${k.label}': ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT_USAGE;
    }
  }
  return EXIT_OK;
}

/** Runs every kernel of `v`; returns each kernel's exit code (in order). */
export async function runOnKernels(v: VmArgs, io: CliIo): Promise<number[]> {
  const kernels = resolveAll(v, io);
  if (kernels === null) return [EXIT_USAGE];
  const supervisor = new HostSupervisor();
  const onExit = (): void => supervisor.killAll();
  process.on("exit", onExit);
  const columns: MatrixColumn[] = [];
  const all = new Map<string, Map<string, Cell>>();
  const codes: number[] = [];
  try {
    for (const kernel of kernels) {
      const inVm = kernel.kind === "image";
      const accel = kernel.kind === "image" ? await accelFor(v, kernel.vmlinuz, io) : "host";
      const scale = inVm ? v.toleranceScale ?? (accel === "kvm" ? 1 : TCG_TOLERANCE_SCALE) : 1;
      const release = kernel.kind === "image" ? kernel.release : hostRelease();
      io.stderr.write(`vm: kernel ${kernel.label} (${release}), ${inVm ? `qemu ${accel}, ${v.cpus} CPU, ${v.memoryMb} MB, ` : "no VM, "}tolerance_usecs x${scale}\n`);
      const cells = new Map<string, Cell>();
      all.set(kernel.label, cells);
      const argv = argvForKernel(v.runArgv, kernelSlug(kernel.label), kernels.length > 1, inVm);
      const t0 = Date.now();
      const code = await executeRun(argv, io, {
        runnerFor: async (args, io2, jobs) => {
          const r = await runnerFor(kernel, v, accel === "kvm" ? "kvm" : "tcg", scale, supervisor, args, io2, jobs);
          return typeof r === "string" ? r : recording(r, cells);
        },
      }, "see 'mptcpdrill vm --help' and 'mptcpdrill run --help'\n");
      codes.push(code);
      columns.push({ kernel: kernel.label, release, accel, toleranceScale: scale, exitCode: code, wallMs: Date.now() - t0 });
      if (code === EXIT_SIGINT || code === EXIT_SIGTERM) break;
    }
  } finally {
    supervisor.killAll();
    process.off("exit", onExit);
  }
  const matrix = buildMatrix(columns, all);
  const features = buildFeatureTable(matrix, (file) => idsOf(io, file));
  if (kernels.length > 1 || v.matrixJson !== null || v.matrixJunit !== null || v.featuresJson !== null) {
    io.stdout.write(`\n${renderMatrixText(matrix)}`);
    const table = renderFeatureText(features, columns.map((c) => c.kernel));
    if (table !== "") io.stdout.write(`\n${table}`);
  }
  const outputs = [[v.matrixJson, renderMatrixJson(matrix)], [v.matrixJunit, renderMatrixJunit(matrix)], [v.featuresJson, `${JSON.stringify({ columns, features }, null, 2)}\n`]] as const;
  for (const [file, text] of outputs) {
    if (file === null) continue;
    try {
      io.fs.writeFileSync(path.resolve(io.cwd, file), text);
    } catch (e) {
      io.stderr.write(`error[MPD_ERR_FILE]: cannot write '${file}': ${e instanceof Error ? e.message : String(e)}\n`);
      codes.push(EXIT_USAGE);
    }
  }
  return codes;
}
