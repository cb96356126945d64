/**
 * The interop run: per link (veth + libpcap, or TUN), builds the topology, starts the worker inside
 * the reference namespace, reads its outcomes, and tears everything down (namespaces and child
 * processes), also on error.
 */
import { spawn } from "node:child_process";
import { entryPoint } from "../entry-points.ts";
import { MptcpdrillError } from "../errors.ts";
import { type BaselineResult, kernelToKernel } from "./kernel-baseline.ts";
import type { ScenarioOutcome } from "./scenario.ts";
import { SCENARIOS } from "./scenarios.ts";
import { type LinkKind, type Topology, createTopology, destroyTopology, reapStaleTopologies } from "./topology.ts";
import type { WorkerArgs } from "./worker-main.ts";

/** Options of {@link runInterop}. */
export interface InteropOptions {
  /** Scenario names (default: all). */
  readonly scenarios?: readonly string[];
  readonly seed?: number;
  /** The links to run the scenarios over, in order (default: veth only). */
  readonly links?: readonly LinkKind[];
  /** Directory for one tcpdump capture per scenario and link (`NAME.LINK.pcap`, kernel side of the link). */
  readonly captureDir?: string;
  /** Directory for a V8 CPU profile of the worker (`node --cpu-prof`). */
  readonly cpuProfileDir?: string;
  /** Also measure kernel-to-kernel MPTCP over the veth pair (this many bytes each way), after the veth scenarios. */
  readonly kernelBaselineBytes?: number;
  /** Called as each outcome arrives. */
  readonly onOutcome?: (o: ScenarioOutcome) => void;
  /** Aborting stops the run: the worker's process group is killed and the namespaces removed. */
  readonly signal?: AbortSignal;
}

/** What a run produced: outcomes in order, and environment errors (a scenario that could not run). */
export interface InteropRun {
  readonly outcomes: ScenarioOutcome[];
  readonly errors: string[];
  /** Kernel-to-kernel figures, when asked for. */
  baseline?: BaselineResult;
  /** True when {@link InteropOptions.signal} stopped the run before every link was done. */
  interrupted?: boolean;
}

/** The default scenario names (all but those with a known issue). */
export function scenarioNames(): string[] {
  return SCENARIOS.filter((s) => s.knownIssue === undefined).map((s) => s.name);
}

/** Runs the scenarios against the live kernel over each link. Needs root, iproute2, ethtool, python3, tcpdump and libpcap. */
export async function runInterop(opts: InteropOptions = {}): Promise<InteropRun> {
  const names = opts.scenarios ?? scenarioNames();
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new MptcpdrillError("MPD_ERR_USAGE", `unknown scenario(s): ${unknown.join(", ")}`);
  const run: InteropRun = { outcomes: [], errors: [] };
  reapStaleTopologies();
  for (const link of opts.links ?? ["veth"]) {
    if (opts.signal?.aborted) break;
    const topology = createTopology(`${process.pid}`, link);
    try {
      await runWorker(topology, names, opts, run);
      if (opts.kernelBaselineBytes && link === "veth" && !opts.signal?.aborted) run.baseline = await kernelToKernel(topology, opts.kernelBaselineBytes, 5599);
    } finally {
      destroyTopology(topology);
    }
  }
  if (opts.signal?.aborted) run.interrupted = true;
  return run;
}

/** Runs the worker for one topology and collects its outcomes and errors into `run`. */
async function runWorker(topology: Topology, names: readonly string[], opts: InteropOptions, run: InteropRun): Promise<void> {
  const args: WorkerArgs = { topology, scenarios: names, seed: opts.seed ?? 1, basePort: 5600, ...(opts.captureDir ? { captureDir: opts.captureDir } : {}) };
  const worker = entryPoint("interop-worker");
  const prof = opts.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfileDir] : [];
  // Detached: the worker leads a process group holding its kernel peers and tcpdump, killed as
  // one on abort; its stdin pipe tells it when this process is gone (SIGKILL included).
  const child = spawn("ip", ["netns", "exec", topology.refNs, process.execPath, ...prof, ...worker.nodeArgs, worker.file, JSON.stringify(args)], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  const killGroup = (): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  opts.signal?.addEventListener("abort", killGroup, { once: true });
  if (opts.signal?.aborted) killGroup();
  let buf = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (process.env["MPD_INTEROP_TRACE"]) process.stderr.write(d);
  });
  child.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      const msg = JSON.parse(line) as { outcome?: ScenarioOutcome; error?: string };
      if (msg.outcome) {
        run.outcomes.push(msg.outcome);
        opts.onOutcome?.(msg.outcome);
      } else if (msg.error) run.errors.push(`${topology.link}: ${msg.error}`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  opts.signal?.removeEventListener("abort", killGroup);
  // Peers the worker started are in its group: none may outlive it and hold the namespace.
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is empty
  }
  child.stdin?.destroy();
  if (opts.signal?.aborted) return;
  if (code !== 0) run.errors.push(`${topology.link}: interop worker exited ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
}
