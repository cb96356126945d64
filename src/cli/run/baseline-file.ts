/**
 * The baseline file of `mptcpdrill run --baseline FILE` on disk: reading it (a missing file is an
 * empty baseline only for `--update-baseline`), naming jobs as the file does (paths relative to
 * its folder, `/` separators), and writing it back atomically (a temporary file renamed over it).
 * The format and its rules are in runner/baseline.ts and docs/schema/baseline.schema.json.
 */
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import type { JobRef } from "../../interp/events.ts";
import { emptyBaseline, formatBaseline, jobKey, parseBaseline, rowsByJob, sectionIndex, type Baseline, type BaselineRow, type RecordedResult } from "../../runner/baseline.ts";
import type { CliIo } from "../io.ts";

/** An opened baseline: the file, its contents, and the row lookup for this run's SUT and release. */
export interface OpenBaseline {
  readonly file: string;
  readonly baseline: Baseline;
  readonly sut: string;
  readonly release: string | null;
  /** The job's row in the section for this SUT and release, or null. */
  readonly rowFor: (job: JobRef) => BaselineRow | null;
  /** A job's path as the file names it. */
  readonly fileOf: (job: JobRef) => string;
}

/** Opens `name` (relative to the working directory) for a run on `sut` / kernel `release`. */
export function openBaseline(io: CliIo, name: string, sut: string, release: string | null, updating: boolean): OpenBaseline | string {
  const file = path.resolve(io.cwd, name);
  let baseline: Baseline;
  if (!io.fs.existsSync(file) && updating) baseline = emptyBaseline();
  else {
    let text: string;
    try {
      text = io.fs.readFileSync(file, "utf8");
    } catch (e) {
      return `error[MPD_ERR_FILE]: cannot read baseline '${name}': ${e instanceof Error ? e.message : String(e)}`;
    }
    const parsed = parseBaseline(text);
    if (!parsed.ok) return `error[MPD_ERR_USAGE]: baseline '${name}' is not valid (docs/schema/baseline.schema.json):\n${parsed.problems.map((p) => `  ${name}: ${p}`).join("\n")}`;
    baseline = parsed.value;
  }
  const folder = path.dirname(file);
  const fileOf = (job: JobRef): string => path.relative(folder, path.resolve(io.cwd, job.file)).split(path.sep).join("/");
  const rows = rowsByJob(baseline.sections[sectionIndex(baseline, sut, release)]);
  return { file, baseline, sut, release, fileOf, rowFor: (job) => rows.get(jobKey(fileOf(job), job.variant)) ?? null };
}

/** Writes `baseline` to `file` atomically; a problem as a message, or null. */
export function writeBaseline(io: CliIo, file: string, baseline: Baseline): string | null {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    io.fs.writeFileSync(temp, formatBaseline(baseline));
    io.fs.renameSync(temp, file);
    return null;
  } catch (e) {
    io.fs.rmSync(temp, { force: true });
    return `error[MPD_ERR_FILE]: cannot write baseline '${file}': ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The run's results with paths as the baseline names them. */
export function asBaselineResults(open: OpenBaseline, results: readonly RecordedResult[]): RecordedResult[] {
  return results.map((r) => ({ ...r, file: open.fileOf(r) }));
}
