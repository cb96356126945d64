/**
 * The seeds of one job (house-style rule 4): a run has one seed (`mptcpdrill run --seed N`, or the
 * one the CLI picked and prints on failure), and each job derives its generators' seeds from it
 * and its own identity — the script's file name and the variant — so a job draws the same values
 * whether it runs alone, first or last, with any `-j`, and whichever folder names the script.
 */
import { basename } from "node:path";
import type { JobRef } from "../interp/events.ts";
import { deriveSeed } from "../rng.ts";

/** The run seed of a reference run without `--seed`: reference runs are reproducible by default. */
export const REFERENCE_SEED = 8684;

/**
 * Which generator of a job: the interpreter's (values the script leaves to the runner) or the
 * reference stack's (ISNs, keys, nonces, ports of the SUT side).
 */
export type SeedStream = "interp" | "reference-sut";

/** The seed of `stream` for `job` in a run seeded `runSeed`. */
export function jobSeed(runSeed: number, job: JobRef, stream: SeedStream): number {
  return deriveSeed(runSeed, basename(job.file), job.variant, stream);
}
