/**
 * The reporters selectable with `--reporter NAME[:FILE]`, by name, and a fan-out that feeds one
 * event stream to several reporters.
 */
import type { RunEvent } from "../interp/events.ts";
import { htmlReporter } from "./html.ts";
import { jsonlReporter } from "./jsonl.ts";
import { junitReporter } from "./junit.ts";
import type { Reporter, ReporterFactory } from "./reporter.ts";
import { tapReporter } from "./tap.ts";
import { textReporter } from "./text.ts";

/** Reporter names and factories; `human` is the default. */
export const REPORTERS: ReadonlyMap<string, ReporterFactory> = new Map<string, ReporterFactory>([
  ["human", textReporter],
  ["tap", tapReporter],
  ["junit", junitReporter],
  ["jsonl", jsonlReporter],
  ["html", htmlReporter],
]);

/** A reporter that forwards every event to each of `reporters`, in order. */
export function fanOut(reporters: readonly Reporter[]): Reporter {
  return { onEvent: (event: RunEvent) => reporters.forEach((r) => r.onEvent(event)) };
}
