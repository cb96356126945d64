/**
 * The kernel SUT's job runner, parent half: each job's script is read, parsed and checked once
 * (prepared-script.ts; a script problem ends the job as `error` before any host is involved),
 * then the parsed script runs in a warm script host of the pool (host-pool.ts), in a fresh
 * network namespace there, and its events come back as it runs. A dry run (`--dry_run` in the
 * job's flags or the script's option lines) ends after the checks (dry-run.ts). The verdict is the host's
 * `scriptEnd`; a host that ends without one is an `error` with how it ended and the tail of its
 * stderr. Aborting the job (timeout, SIGINT) kills that host; the pool starts another.
 */
import type { KnownDifferenceTag, Variant } from "../interp/events.ts";
import { monoNowUs } from "../sut/kernel-tun/clock.ts";
import { dryRunOutcome, isDryRun } from "./dry-run.ts";
import type { HostSupervisor } from "./host-process.ts";
import { HostPool } from "./host-pool.ts";
import type { RunJobSpec } from "./job-spec.ts";
import { ScriptCache } from "./prepared-script.ts";
import type { JobRunner } from "./job-runner.ts";

/** Options of {@link kernelRunner}. */
export interface KernelRunnerOptions {
  /** How many hosts (the run's parallelism). */
  readonly hosts: number;
  /** The variants the run's jobs use (what the hosts warm up for). */
  readonly variants: readonly Variant[];
  /** Reads a script file (UTF-8). */
  readonly readFile: (absFile: string) => string;
  readonly supervisor?: HostSupervisor;
}

/** A {@link JobRunner} for the kernel SUT; its hosts start warming up at once. */
export function kernelRunner(o: KernelRunnerOptions): JobRunner & { readonly pool: HostPool } {
  const scripts = new ScriptCache(o.readFile);
  const pool = new HostPool({ size: Math.max(1, o.hosts), variants: o.variants, ...(o.supervisor === undefined ? {} : { supervisor: o.supervisor }) });
  pool.prestart();
  let nextId = 1;
  return {
    pool,
    run: async (job: RunJobSpec, emit, signal) => {
      const startUs = monoNowUs();
      const prepared = scripts.prepare(job);
      if (!prepared.ok) return { verdict: "error", ...prepared.problem };
      if (isDryRun(job.flags, prepared.script)) return dryRunOutcome();
      const { source: _source, ...spec } = job;
      return pool.run({ id: nextId++, spec, script: prepared.script }, startUs, emit, signal);
    },
    known: (job: RunJobSpec, sut: string): KnownDifferenceTag | null => {
      const prepared = scripts.prepare(job);
      return isDryRun(job.flags, prepared.ok ? prepared.script : null) ? null : scripts.knownDifference(job, sut);
    },
    close: () => pool.close(),
  };
}
