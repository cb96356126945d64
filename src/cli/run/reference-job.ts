/**
 * The reference SUT's {@link RunJob}: runs the interpreter in this process against the sans-IO
 * reference stack in virtual time (src/sut/reference). No root, no namespace, no child: a job is
 * a few milliseconds of CPU. Every job uses the same seed, so a run is reproducible byte for
 * byte. Script problems found by `check` end the job as `error` before anything runs.
 */
import { checkScript } from "../../script/check-script.ts";
import { hasErrors } from "../../script/diagnostic.ts";
import type { FlagValues } from "../../interp/run-options.ts";
import { referenceNetConfig } from "../../sut/reference/net-config.ts";
import { openReferenceSut } from "../../sut/reference/reference-sut.ts";
import type { Sut } from "../../sut/sut.ts";
import type { CliIo } from "../io.ts";
import { runScriptRequest } from "../script-runner.ts";
import type { RunJobSpec } from "./jobs.ts";
import { netFlagsOf } from "./net-flags-of.ts";
import type { JobOutcome, RunJob } from "./scheduler.ts";

/** The seed of every reference job (ISNs, MPTCP keys, nonces, ports). */
export const REFERENCE_SEED = 8684;

/** Opens the reference SUT for one job's merged flags. */
export function openReferenceFor(job: Pick<RunJobSpec, "variant">, flags: FlagValues, defines: Readonly<Record<string, string>>, seed = REFERENCE_SEED): Sut {
  const net = referenceNetConfig(netFlagsOf(job.variant, flags));
  return openReferenceSut({ net, seed, commandEnv: { ...defines } });
}

/** A {@link RunJob} for the reference SUT. */
export function referenceRunner(io: CliIo, seed = REFERENCE_SEED): RunJob<RunJobSpec> {
  return async (job, emit): Promise<JobOutcome> => {
    const source = io.fs.readFileSync(job.absFile, "utf8");
    const diagnostics = checkScript(source, job.file, { defines: job.defines });
    const first = diagnostics.find((d) => d.severity === "error");
    if (hasErrors(diagnostics) && first !== undefined) return { verdict: "error", line: first.span.start.line, message: first.message };
    const request = { file: job.file, source, variant: job.variant, flags: job.flags, defines: job.defines, verbose: job.verbose };
    const outcome = await runScriptRequest(request, (flags, defines) => Promise.resolve(openReferenceFor(job, flags, defines, seed)), emit);
    return { verdict: outcome.verdict, line: outcome.failure?.line ?? null, message: outcome.failure ? (outcome.failure.message.split("\n")[0] ?? null) : null };
  };
}
