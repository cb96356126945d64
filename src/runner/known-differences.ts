/**
 * Known differences in a run: a script tagged `// mptcpdrill: <sut>-differs <kind> — <reason>`
 * (src/script/known-difference.ts) for the SUT of the run has its verdict turned from `fail` into
 * `xfail` (expected: not a failure of the run) and from `pass` into `xpass` (the tag is stale: a
 * failure of the run). `error` and `skip` stay as they are: an environment problem or an
 * interrupt says nothing about the difference the tag describes.
 */
import type { KnownDifferenceTag } from "../interp/events.ts";
import type { JobOutcome } from "./scheduler.ts";

/** A job outcome with the tag that changed its verdict, if any. */
export interface TaggedOutcome extends JobOutcome {
  readonly known?: KnownDifferenceTag;
}

/** Applies `tag` (the script's tag for the run's SUT, or null) to a job's outcome. */
export function applyKnownDifference(outcome: JobOutcome, tag: KnownDifferenceTag | null): TaggedOutcome {
  if (tag === null) return outcome;
  if (outcome.verdict === "fail") return { ...outcome, verdict: "xfail", known: tag };
  if (outcome.verdict !== "pass") return outcome;
  const message = `passed, but line ${tag.line} tags it ${tag.sut}-differs ${tag.kind}: remove or update the tag`;
  return { ...outcome, verdict: "xpass", line: tag.line, message, known: tag };
}
