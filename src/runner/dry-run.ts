/**
 * packetdrill's `--dry_run`: a script is parsed and checked and nothing else happens: no
 * namespace, no TUN device, no script host, no command, no packet (G `packetdrill.c` skips
 * `run_script` when the flag is set, from the command line or from the script's own option line).
 * The verdict comes from the checks alone: `pass` when the script is clean, `error` with the first
 * problem's line otherwise.
 */
import type { Script } from "../script/ast.ts";
import type { JobOutcome } from "./scheduler.ts";
import type { JobRunner } from "./job-runner.ts";
import type { RunJobSpec } from "./job-spec.ts";
import { ScriptCache } from "./prepared-script.ts";

/** The message a dry-run pass carries. */
export const DRY_RUN_MESSAGE = "dry run: parsed and checked, not run";

/** True when the job's flags, or else the script's option lines, ask for a dry run. */
export function isDryRun(flags: RunJobSpec["flags"], script: Script | null): boolean {
  return flags["dry_run"] !== undefined || (script?.options.some((o) => o.name === "dry_run") ?? false);
}

/** The outcome of a dry-run job whose script parsed and checked clean. */
export function dryRunOutcome(): JobOutcome {
  return { verdict: "pass", line: null, message: DRY_RUN_MESSAGE };
}

/**
 * A {@link JobRunner} that only parses and checks (every job of the run is a dry run). It never
 * looks up known-difference tags: they describe live outcomes, and nothing ran.
 */
export function dryRunner(readFile: (absFile: string) => string): JobRunner {
  const scripts = new ScriptCache(readFile);
  return {
    run: (job) => {
      const prepared = scripts.prepare(job);
      return Promise.resolve(prepared.ok ? dryRunOutcome() : { verdict: "error", ...prepared.problem });
    },
    known: () => null,
    close: () => Promise.resolve(),
  };
}
