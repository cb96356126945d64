/**
 * The reference SUT's job runner: runs the interpreter in this process against the sans-IO
 * reference stack in virtual time (src/sut/reference). No root, no namespace, no child: a job is
 * a few milliseconds of CPU. The stack's generator is seeded from the run's seed and the job
 * (job-seed.ts), so a run is reproducible byte for byte with the same seed; with a capture path
 * the job's packets go to a pcap stamped in virtual time (the same seed writes the same file).
 * Script problems found by the checks end the job as `error` before anything runs.
 */
import type { FlagValues } from "../interp/run-options.ts";
import { PcapRecordingSut } from "../sut/pcap/pcap-recording-sut.ts";
import { referenceNetConfig } from "../sut/reference/net-config.ts";
import { openReferenceSut } from "../sut/reference/reference-sut.ts";
import type { Sut } from "../sut/sut.ts";
import { initScriptCommands, initScriptFailure } from "../sut/init-scripts.ts";
import { isMptcpdrillError, MptcpdrillError } from "../errors.ts";
import { dryRunOutcome, isDryRun } from "./dry-run.ts";
import type { JobRunner } from "./job-runner.ts";
import { jobSeed } from "./job-seed.ts";
import type { RunJobSpec } from "./job-spec.ts";
import { netFlagsOf, stringFlag } from "./net-flags-of.ts";
import { ScriptCache } from "./prepared-script.ts";
import { runScriptRequest } from "./script-runner.ts";

/**
 * Opens the reference SUT for one job's merged flags; `seed` seeds its stack (ISNs, MPTCP keys,
 * nonces, ports). With the job's `capturePath`, its traffic is recorded there (virtual times).
 */
export function openReferenceFor(job: Pick<RunJobSpec, "variant"> & { readonly capturePath?: string | null }, flags: FlagValues, defines: Readonly<Record<string, string>>, seed: number): Sut {
  const net = referenceNetConfig(netFlagsOf(job.variant, flags));
  const sut = openReferenceSut({ net, seed, commandEnv: { ...defines } });
  return job.capturePath === undefined || job.capturePath === null ? sut : new PcapRecordingSut(sut, job.capturePath, 0n);
}

/** Flags of the kernel's device set-up that the reference SUT has nothing to apply to. */
const KERNEL_ONLY_FLAGS: Readonly<Record<string, string>> = {
  is_anyip: "it has no routing table; its stack always owns --local_ip",
  speed: "its stack has no link speed",
};

/**
 * Opens the reference SUT (refusing {@link KERNEL_ONLY_FLAGS}) and runs `--init_scripts` through its command emulation (the reference
 * SUT has no device to come before). Throws MPD_ERR_CHILD when one fails.
 */
async function openWithInitScripts(job: Pick<RunJobSpec, "variant">, flags: FlagValues, defines: Readonly<Record<string, string>>, seed: number): Promise<Sut> {
  for (const [name, why] of Object.entries(KERNEL_ONLY_FLAGS)) {
    if (flags[name] !== undefined) throw new MptcpdrillError("MPD_ERR_USAGE", `--${name}: not supported on the reference SUT: ${why}`);
  }
  const sut = openReferenceFor(job, flags, defines, seed);
  const init = stringFlag(flags, "init_scripts");
  for (const command of init === undefined ? [] : initScriptCommands(init)) {
    const r = await sut.runCommand(command);
    if (r.exitCode !== 0) {
      await sut.close();
      throw new MptcpdrillError("MPD_ERR_CHILD", initScriptFailure(command, r));
    }
  }
  return sut;
}

/** A {@link JobRunner} for the reference SUT; `readFile` reads a script (UTF-8). */
export function referenceRunner(readFile: (absFile: string) => string): JobRunner {
  const scripts = new ScriptCache(readFile);
  return {
    run: async (job, emit) => {
      const prepared = scripts.prepare(job);
      if (!prepared.ok) return { verdict: "error", ...prepared.problem };
      if (isDryRun(job.flags, prepared.script)) return dryRunOutcome();
      const request = { file: job.file, script: prepared.script, variant: job.variant, flags: job.flags, defines: job.defines, verbose: job.verbose || job.packetLog === true, seed: job.seed };
      const sutSeed = jobSeed(job.seed, job, "reference-sut");
      try {
        const outcome = await runScriptRequest(request, (flags, defines) => openWithInitScripts(job, flags, defines, sutSeed), emit);
        return { verdict: outcome.verdict, line: outcome.failure?.line ?? null, message: outcome.failure ? (outcome.failure.message.split("\n")[0] ?? null) : null };
      } catch (e) {
        // An environment refusal keeps its code; anything else is a bug of ours, not the script's:
        // an error verdict with a stable code, never a crash of the run.
        if (isMptcpdrillError(e)) return { verdict: "error", line: null, message: `error[${e.code}]: ${e.message}` };
        return { verdict: "error", line: null, message: `error[MPD_ERR_INTERNAL]: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
      }
    },
    known: (job, sut) => {
      const prepared = scripts.prepare(job);
      return isDryRun(job.flags, prepared.ok ? prepared.script : null) ? null : scripts.knownDifference(job, sut);
    },
    close: () => Promise.resolve(),
  };
}
