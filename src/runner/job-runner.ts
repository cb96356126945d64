/**
 * What the scheduler drives for one SUT: a function that runs a job, the known-difference
 * lookup over the same parsed scripts, and a `close` that ends whatever the runner started
 * (script hosts).
 */
import type { KnownDifferenceTag } from "../interp/events.ts";
import type { RunJobSpec } from "./job-spec.ts";
import type { RunJob } from "./scheduler.ts";

/** A SUT's job runner for one run. */
export interface JobRunner {
  readonly run: RunJob<RunJobSpec>;
  /** The job's known-difference tag for `sut`, or null. */
  readonly known: (job: RunJobSpec, sut: string) => KnownDifferenceTag | null;
  /** Ends everything the runner started; called once, after the last job. */
  close(): Promise<void>;
}
