/**
 * The job runner of `mptcpdrill vm` for one kernel: the kernel runner's pool of warm script hosts
 * (host-pool.ts), each host a VM booted on that kernel (vm-host.ts), so the scheduler, the
 * known-difference lookup and the reporters see a kernel run like any other. Emulation is slow,
 * so each job's `tolerance_usecs` (after the script's option lines and the config, as the job
 * would run) is multiplied by the run's tolerance scale, as the MPTCP CI raises its tolerances in
 * VMs.
 */
import type { KnownDifferenceTag, Variant } from "../../interp/events.ts";
import { DEFAULT_TIMING } from "../../interp/timeline.ts";
import { mergeFlags, type FlagValues } from "../../interp/run-options.ts";
import type { Script } from "../../script/ast.ts";
import { monoNowUs } from "../../sut/kernel-tun/clock.ts";
import { HostPool } from "../host-pool.ts";
import type { HostSupervisor } from "../host-process.ts";
import type { JobRunner } from "../job-runner.ts";
import type { RunJobSpec } from "../job-spec.ts";
import { ScriptCache } from "../prepared-script.ts";
import { spawnVmHost, type VmHostOptions } from "./vm-host.ts";

/** Options of {@link vmRunner}. */
export interface VmRunnerOptions {
  /** How many VMs at once (each serves one job at a time). */
  readonly vms: number;
  readonly variants: readonly Variant[];
  readonly readFile: (absFile: string) => string;
  /** The VM to boot (its `env` gains what the pool passes). */
  readonly vm: Omit<VmHostOptions, "env" | "bootTimeoutMs">;
  /** Multiplies every job's `tolerance_usecs`. */
  readonly toleranceScale: number;
  /** How long a VM may take to boot and warm up. */
  readonly readyTimeoutMs: number;
  readonly supervisor: HostSupervisor;
}

/** The job's `tolerance_usecs` as it would run (script options < job flags), scaled. */
export function scaledTolerance(script: Script, flags: FlagValues, scale: number): { from: number; to: number } {
  const v = mergeFlags(script, flags)["tolerance_usecs"];
  const n = typeof v === "string" && Number.isFinite(Number(v)) ? Number(v) : DEFAULT_TIMING.toleranceUsecs;
  return { from: n, to: Math.round(n * scale) };
}

/** A {@link JobRunner} whose hosts are VMs; they start booting at once. */
export function vmRunner(o: VmRunnerOptions): JobRunner & { readonly pool: HostPool } {
  const scripts = new ScriptCache(o.readFile);
  const pool = new HostPool({
    // The VM's own boot bound (vm-host.ts) fires first and keeps the console's tail; the pool's is a backstop.
    size: Math.max(1, o.vms), variants: o.variants, supervisor: o.supervisor, readyTimeoutMs: o.readyTimeoutMs + 10_000, doneGraceMs: 30_000,
    spawnHost: (supervisor, env) => {
      const { host, temp } = spawnVmHost({ ...o.vm, env, bootTimeoutMs: o.readyTimeoutMs });
      return supervisor.adopt(host, temp);
    },
  });
  pool.prestart();
  let nextId = 1;
  return {
    pool,
    run: async (job: RunJobSpec, emit, signal) => {
      const startUs = monoNowUs();
      const prepared = scripts.prepare(job);
      if (!prepared.ok) return { verdict: "error", ...prepared.problem };
      const { source: _source, ...spec } = job;
      const tol = scaledTolerance(prepared.script, spec.flags, o.toleranceScale);
      const flags = { ...spec.flags, tolerance_usecs: String(tol.to) };
      return pool.run({ id: nextId++, spec: { ...spec, flags }, script: prepared.script }, startUs, emit, signal);
    },
    known: (job: RunJobSpec, sut: string): KnownDifferenceTag | null => scripts.knownDifference(job, sut),
    close: () => pool.close(),
  };
}
