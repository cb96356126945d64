/**
 * Reading the jsonl reports of shards (`mptcpdrill run --shard I/N --reporter jsonl:FILE`) back
 * into run events, for `mptcpdrill merge`: each verdict record becomes `scriptStart`, the failure
 * as an `eventFail` (when it has one) and `scriptEnd`; the jobs of every shard are sorted by path,
 * variant and repetition and framed by one `runStart` and one `runEnd` whose counts are recomputed
 * from the verdicts. Records are checked against what docs/schema/run-events.schema.json
 * requires; a bad line is a problem naming `file:line`, never an exception.
 */
import {
  VARIANTS, VERDICTS, emptyCounts, isFailureDetail, type AttemptRecord, type BaselineNote, type FailureDetail, type FixedCost,
  type KnownDifferenceTag, type RunEvent, type ScriptEndEvent, type Variant, type Verdict,
} from "../../interp/events.ts";

/** One verdict record of a shard's report, as read. */
export interface ShardRow {
  readonly end: ScriptEndEvent;
  readonly failure: FailureDetail | null;
  /** `name:line` of the record, for messages. */
  readonly where: string;
}

/** A shard's report: its verdict records, and its summary when the shard ran to its end. */
export interface ShardReport {
  readonly name: string;
  readonly rows: readonly ShardRow[];
  readonly summary: { readonly ms: number; readonly interrupted: boolean } | null;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isLine = (x: unknown): x is number | null => x === null || (typeof x === "number" && Number.isInteger(x) && x >= 1);
const isText = (x: unknown): x is string | null => x === null || typeof x === "string";

function rowProblem(r: Record<string, unknown>): string | null {
  if (typeof r["file"] !== "string") return "'file' must be text";
  if (!VARIANTS.includes(r["variant"] as Variant)) return `'variant' must be one of ${VARIANTS.join(", ")}`;
  if (!VERDICTS.includes(r["verdict"] as Verdict)) return `'verdict' must be one of ${VERDICTS.join(", ")}`;
  if (!isLine(r["line"])) return "'line' must be a line number or null";
  if (!isText(r["message"])) return "'message' must be text or null";
  if (typeof r["ms"] !== "number" || r["ms"] < 0) return "'ms' must be a number of milliseconds";
  if (r["failure"] !== null && r["failure"] !== undefined && !isFailureDetail(r["failure"])) return "'failure' is not a failure record";
  if (r["known"] !== null && r["known"] !== undefined && !isObject(r["known"])) return "'known' must be a tag or null";
  if (r["repeat"] !== undefined && !(typeof r["repeat"] === "number" && Number.isInteger(r["repeat"]) && r["repeat"] >= 1)) return "'repeat' must be a positive integer";
  if (r["attempts"] !== undefined && !Array.isArray(r["attempts"])) return "'attempts' must be an array";
  return null;
}

function toRow(r: Record<string, unknown>, where: string): ShardRow {
  const optional = <T>(key: string): { [k: string]: T } => (r[key] === undefined || r[key] === null ? {} : { [key]: r[key] as T });
  const end: ScriptEndEvent = {
    kind: "scriptEnd", file: r["file"] as string, variant: r["variant"] as Variant, verdict: r["verdict"] as Verdict,
    line: r["line"] as number | null, message: r["message"] as string | null, ms: r["ms"] as number,
    ...optional<KnownDifferenceTag>("known"), ...optional<FixedCost>("fixedMs"), ...optional<number>("seed"),
    ...optional<readonly AttemptRecord[]>("attempts"), ...optional<number>("repeat"), ...optional<BaselineNote>("baseline"),
  };
  return { end, failure: (r["failure"] as FailureDetail | null | undefined) ?? null, where };
}

/** Reads one shard's jsonl report; problems name `name:line`. */
export function readShardReport(name: string, text: string): { report: ShardReport; problems: string[] } {
  const rows: ShardRow[] = [];
  const problems: string[] = [];
  let summary: ShardReport["summary"] = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    const where = `${name}:${i + 1}`;
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${where}: not JSON`);
      continue;
    }
    if (!isObject(value)) problems.push(`${where}: not a jsonl report record`);
    else if (value["summary"] !== undefined) {
      if (typeof value["ms"] !== "number" || typeof value["interrupted"] !== "boolean") problems.push(`${where}: summary record without 'ms' and 'interrupted'`);
      else if (summary !== null) problems.push(`${where}: a second summary record (two reports in one file?)`);
      else summary = { ms: value["ms"], interrupted: value["interrupted"] };
    } else {
      const problem = rowProblem(value);
      if (problem === null) rows.push(toRow(value, where));
      else problems.push(`${where}: ${problem}`);
    }
  }
  return { report: { name, rows, summary }, problems };
}

function jobKey(e: ScriptEndEvent): string {
  return `${e.file}\u0000${e.variant}\u0000${e.repeat ?? ""}`;
}

function byJob(a: ShardRow, b: ShardRow): number {
  if (a.end.file !== b.end.file) return a.end.file < b.end.file ? -1 : 1;
  return VARIANTS.indexOf(a.end.variant) - VARIANTS.indexOf(b.end.variant) || (a.end.repeat ?? 0) - (b.end.repeat ?? 0);
}

/** The merged run, or the jobs reported by more than one shard. */
export type MergeResult =
  | { readonly ok: true; readonly events: readonly RunEvent[]; readonly incomplete: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * One event stream from the shards' reports. `ms` of the merged run is the longest shard's (they
 * ran side by side); it is `interrupted` when a shard was, or has no summary (killed: `incomplete`
 * names those). A job in two reports is a problem (the same shard given twice, or shards of
 * different splits).
 */
export function mergeShards(reports: readonly ShardReport[]): MergeResult {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const r of reports) {
    for (const row of r.rows) {
      const other = seen.get(jobKey(row.end));
      if (other !== undefined) problems.push(`${row.where}: '${row.end.file}' [${row.end.variant}]${row.end.repeat === undefined ? "" : ` #${row.end.repeat}`} is also in ${other}`);
      else seen.set(jobKey(row.end), row.where);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const rows = reports.flatMap((r) => r.rows).sort(byJob);
  const counts = emptyCounts();
  const events: RunEvent[] = [{ kind: "runStart", total: rows.length, jobs: reports.length, sut: "merged" }];
  for (const { end, failure } of rows) {
    counts[end.verdict] += 1;
    const ref = { file: end.file, variant: end.variant, ...(end.repeat === undefined ? {} : { repeat: end.repeat }) };
    events.push({ kind: "scriptStart", ...ref });
    if (failure !== null) events.push({ kind: "eventFail", ...ref, line: failure.line, message: failure.text, fatal: true, ms: end.ms, failure });
    events.push(end);
  }
  const incomplete = reports.filter((r) => r.summary === null).map((r) => r.name);
  const interrupted = incomplete.length > 0 || reports.some((r) => r.summary?.interrupted === true);
  const ms = Math.max(0, ...reports.map((r) => r.summary?.ms ?? 0));
  events.push({ kind: "runEnd", counts, ms, interrupted });
  return { ok: true, events, incomplete };
}
