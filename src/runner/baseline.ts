/**
 * Expected-failure baselines (`mptcpdrill run --baseline FILE`): the failures a user has accepted,
 * kept outside the scripts, per SUT and kernel release. The file is JSON
 * (docs/schema/baseline.schema.json):
 *
 * ```json
 * { "version": 1, "sections": [
 *   { "sut": "kernel", "kernel": "6.8.*", "jobs": [
 *     { "file": "suites/tcp/x.pkt", "variant": "ipv4", "verdict": "fail", "line": 12, "message": "…" } ] } ] }
 * ```
 *
 * The run uses the first section whose `sut` is the run's SUT and whose `kernel` pattern (`*` any
 * run of characters, `?` one; absent = any) matches the kernel release. A job's outcome against
 * its row: failing with the row's verdict and line is `known` (verdict `xfail`, not a failure of
 * the run); failing otherwise is `changed` (still `fail`/`error`: a new failure); passing is
 * `fixed` (still `pass`, reported so the row gets removed). A failure without a row is new.
 * `file` is the script's path relative to the baseline file's folder, with `/` separators, so a
 * baseline checked in next to the suites works from any working directory.
 *
 * This module is pure: parsing, choosing a section, comparing and rewriting are functions of
 * their inputs; the CLI reads and writes the file.
 */
import { VARIANTS, type BaselineNote, type Variant } from "../interp/events.ts";
import type { TaggedOutcome } from "./known-differences.ts";

/** The file's format version. */
export const BASELINE_VERSION = 1;

/** One accepted failure: the job, its verdict and failing line (`message` is for people). */
export interface BaselineRow {
  readonly file: string;
  readonly variant: Variant;
  readonly verdict: "fail" | "error";
  readonly line: number | null;
  readonly message?: string | null;
}

/** The rows of one SUT (and, for the kernel, one release pattern). */
export interface BaselineSection {
  readonly sut: string;
  /** Kernel release pattern (`6.8.*`); absent matches any release. */
  readonly kernel?: string;
  readonly jobs: readonly BaselineRow[];
}

/** A whole baseline file. */
export interface Baseline {
  readonly version: typeof BASELINE_VERSION;
  readonly sections: readonly BaselineSection[];
}

/** An outcome after the baseline, with the note saying how it compared. */
export interface BaselinedOutcome extends TaggedOutcome {
  readonly baseline?: BaselineNote;
}

/** A parsed baseline or the problems found (each names where, e.g. `sections[0].jobs[2].line`). */
export type BaselineResult = { readonly ok: true; readonly value: Baseline } | { readonly ok: false; readonly problems: readonly string[] };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function extraKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): string[] {
  return Object.keys(o).filter((k) => !allowed.includes(k)).map((k) => `${where}: unknown key '${k}'`);
}

function parseRow(x: unknown, where: string, problems: string[]): BaselineRow | null {
  if (!isObject(x)) return (problems.push(`${where}: expected an object`), null);
  const before = problems.length;
  problems.push(...extraKeys(x, ["file", "variant", "verdict", "line", "message"], where));
  if (typeof x["file"] !== "string" || x["file"] === "") problems.push(`${where}.file: expected a script path`);
  if (!VARIANTS.includes(x["variant"] as Variant)) problems.push(`${where}.variant: expected one of ${VARIANTS.join(", ")}`);
  if (x["verdict"] !== "fail" && x["verdict"] !== "error") problems.push(`${where}.verdict: expected 'fail' or 'error'`);
  const line = x["line"];
  if (line !== null && !(typeof line === "number" && Number.isInteger(line) && line >= 1)) problems.push(`${where}.line: expected a line number or null`);
  if (x["message"] !== undefined && x["message"] !== null && typeof x["message"] !== "string") problems.push(`${where}.message: expected text or null`);
  if (problems.length > before) return null;
  const row = { file: x["file"] as string, variant: x["variant"] as Variant, verdict: x["verdict"] as "fail" | "error", line: line as number | null };
  return typeof x["message"] === "string" ? { ...row, message: x["message"] } : row;
}

function parseSection(x: unknown, where: string, problems: string[]): BaselineSection | null {
  if (!isObject(x)) return (problems.push(`${where}: expected an object`), null);
  const before = problems.length;
  problems.push(...extraKeys(x, ["sut", "kernel", "jobs"], where));
  if (typeof x["sut"] !== "string" || x["sut"] === "") problems.push(`${where}.sut: expected a SUT name (kernel, reference)`);
  if (x["kernel"] !== undefined && typeof x["kernel"] !== "string") problems.push(`${where}.kernel: expected a release pattern`);
  const jobs = Array.isArray(x["jobs"]) ? x["jobs"].map((r, i) => parseRow(r, `${where}.jobs[${i}]`, problems)) : null;
  if (jobs === null) problems.push(`${where}.jobs: expected an array`);
  const seen = new Set<string>();
  for (const r of jobs ?? []) {
    if (r === null) continue;
    if (seen.has(rowKey(r))) problems.push(`${where}.jobs: '${r.file}' [${r.variant}] listed twice`);
    seen.add(rowKey(r));
  }
  if (problems.length > before) return null;
  const rows = (jobs ?? []).filter((r): r is BaselineRow => r !== null);
  return typeof x["kernel"] === "string" ? { sut: x["sut"] as string, kernel: x["kernel"], jobs: rows } : { sut: x["sut"] as string, jobs: rows };
}

/** Parses a baseline file's text; every problem is collected, none thrown. */
export function parseBaseline(text: string): BaselineResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`not JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (!isObject(data)) return { ok: false, problems: ["expected a JSON object with 'version' and 'sections'"] };
  const problems = extraKeys(data, ["$schema", "version", "sections"], "baseline");
  if (data["version"] !== BASELINE_VERSION) problems.push(`version: expected ${BASELINE_VERSION}`);
  const sections = Array.isArray(data["sections"]) ? data["sections"].map((s, i) => parseSection(s, `sections[${i}]`, problems)) : null;
  if (sections === null) problems.push("sections: expected an array");
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { version: BASELINE_VERSION, sections: (sections ?? []).filter((s): s is BaselineSection => s !== null) } };
}

/** An empty baseline (what `--update-baseline` starts from when the file does not exist yet). */
export function emptyBaseline(): Baseline {
  return { version: BASELINE_VERSION, sections: [] };
}

/** True when `release` matches `pattern` (`*` any run of characters, `?` one, the rest literal). */
export function releaseMatches(pattern: string, release: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(release);
}

/** Index of the section for this SUT and kernel release (null when the SUT has none), or -1. */
export function sectionIndex(b: Baseline, sut: string, release: string | null): number {
  return b.sections.findIndex((s) => s.sut === sut && (s.kernel === undefined || (release !== null && releaseMatches(s.kernel, release))));
}

function rowKey(r: { readonly file: string; readonly variant: Variant }): string {
  return `${r.file}\u0000${r.variant}`;
}

/** The rows of a section by job (`file` as in the baseline, then variant). */
export function rowsByJob(section: BaselineSection | undefined): ReadonlyMap<string, BaselineRow> {
  return new Map((section?.jobs ?? []).map((r) => [rowKey(r), r]));
}

/** The lookup key of a job whose path relative to the baseline's folder is `file`. */
export function jobKey(file: string, variant: Variant): string {
  return rowKey({ file, variant });
}

/** A job's outcome (after any known-difference tag) against its row, or as is when it has none. */
export function applyBaseline(outcome: TaggedOutcome, row: BaselineRow | null): BaselinedOutcome {
  if (row === null || outcome.known !== undefined) return outcome;
  const expected = { verdict: row.verdict, line: row.line };
  if (outcome.verdict === "pass") return { ...outcome, baseline: { status: "fixed", ...expected } };
  if (outcome.verdict !== "fail" && outcome.verdict !== "error") return outcome;
  if (outcome.verdict === row.verdict && outcome.line === row.line) return { ...outcome, verdict: "xfail", baseline: { status: "known", ...expected } };
  return { ...outcome, baseline: { status: "changed", ...expected } };
}

/** A job's result as `--update-baseline` records it: the verdict and line before the baseline. */
export interface RecordedResult {
  readonly file: string;
  readonly variant: Variant;
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string | null;
}

function byJob(a: BaselineRow, b: BaselineRow): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant);
}

/**
 * The baseline after a run: the section for this SUT and release (the first matching one, else a
 * new one keyed by the exact release) gets a row per job of the run that failed or ended in error,
 * and loses the rows of the run's jobs that did not; rows of jobs the run did not start (filtered,
 * another shard, skipped) stay. Other sections are untouched; rows are sorted by file and variant.
 */
export function updateBaseline(b: Baseline, sut: string, release: string | null, results: readonly RecordedResult[]): Baseline {
  const i = sectionIndex(b, sut, release);
  const old = i < 0 ? undefined : b.sections[i];
  const ran = new Set(results.filter((r) => r.verdict !== "skip").map(rowKey));
  const kept = (old?.jobs ?? []).filter((r) => !ran.has(rowKey(r)));
  const failed: BaselineRow[] = results
    .filter((r): r is RecordedResult & { verdict: "fail" | "error" } => r.verdict === "fail" || r.verdict === "error")
    .map((r) => ({ file: r.file, variant: r.variant, verdict: r.verdict, line: r.line, message: r.message }));
  const jobs = [...kept, ...failed].sort(byJob);
  const key = old !== undefined ? { sut: old.sut, ...(old.kernel === undefined ? {} : { kernel: old.kernel }) } : { sut, ...(release === null ? {} : { kernel: release }) };
  const section: BaselineSection = { ...key, jobs };
  const sections = i < 0 ? [...b.sections, section] : b.sections.map((s, j) => (j === i ? section : s));
  return { version: BASELINE_VERSION, sections };
}

/** The file text: two-space JSON, one row per line, ending with a newline (diffs stay readable). */
export function formatBaseline(b: Baseline): string {
  const sections = b.sections.map((s) => {
    const head = JSON.stringify({ sut: s.sut, ...(s.kernel === undefined ? {} : { kernel: s.kernel }) }).slice(1, -1);
    const rows = s.jobs.map((r) => `        ${JSON.stringify(r)}`).join(",\n");
    return `    { ${head}, "jobs": [${rows === "" ? "" : `\n${rows}\n      `}] }`;
  });
  return `{\n  "version": ${BASELINE_VERSION},\n  "sections": [${sections.length === 0 ? "" : `\n${sections.join(",\n")}\n  `}]\n}\n`;
}
