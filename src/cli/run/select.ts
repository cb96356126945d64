/**
 * Job selection for `mptcpdrill run`: `--grep`/`--exclude` by job name, and `--shard I/N`, a split
 * of the job list that every machine of a CI matrix computes alike from the same command line.
 *
 * The shard split is a greedy longest-first partition: jobs sorted by weight (largest first, then
 * by path and variant), each given to the shard with the least weight so far (the lowest index on
 * a tie). A job's weight is its duration in a previous run's jsonl report (`--durations FILE`,
 * the mean over its rows), else the mean duration of the jobs found there, else 1: without
 * durations this is a round robin over the jobs sorted by path and variant. Every job lands in
 * exactly one shard, and the split depends only on the job list and the durations, never on the
 * order jobs were found in or the machine.
 */
import * as path from "node:path";
import { VARIANTS, type JobRef } from "../../interp/events.ts";

/** How `--list` and reporters name a job: `FILE [VARIANT]`; what `--grep`/`--exclude` match. */
export function jobName(job: JobRef): string {
  return `${job.file} [${job.variant}]`;
}

/** The jobs whose name matches one of `grep` (when any is given) and none of `exclude`, in order. */
export function filterJobs<J extends JobRef>(jobs: readonly J[], grep: readonly RegExp[], exclude: readonly RegExp[]): J[] {
  return jobs.filter((j) => (grep.length === 0 || grep.some((re) => re.test(jobName(j)))) && !exclude.some((re) => re.test(jobName(j))));
}

/** A job's key for durations: its path normalized with `/` separators, and its variant. */
export function durationKey(file: string, variant: string): string {
  return `${path.posix.normalize(file.replace(/\\/g, "/"))}\u0000${variant}`;
}

/** Job durations (milliseconds) by {@link durationKey}, or the problem with the report. */
export type Durations = ReadonlyMap<string, number>;

/**
 * Reads the durations of a jsonl report (`run --reporter jsonl`): every verdict record's `ms`,
 * averaged per job; the summary record is skipped. A line that is not a JSON object is a problem
 * naming its line number.
 */
export function durationsFromJsonl(text: string, name: string): Durations | string {
  const sums = new Map<string, { ms: number; n: number }>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      return `${name}:${i + 1}: not a JSON line of a jsonl report`;
    }
    if (typeof row !== "object" || row === null) return `${name}:${i + 1}: not a JSON object`;
    const r = row as Record<string, unknown>;
    if (typeof r["file"] !== "string" || typeof r["variant"] !== "string" || typeof r["ms"] !== "number") continue;
    const key = durationKey(r["file"], r["variant"]);
    const s = sums.get(key) ?? { ms: 0, n: 0 };
    sums.set(key, { ms: s.ms + Math.max(0, r["ms"]), n: s.n + 1 });
  }
  return new Map([...sums].map(([k, s]) => [k, s.ms / s.n]));
}

function compareJobs(a: JobRef, b: JobRef): number {
  const fa = path.posix.normalize(a.file.replace(/\\/g, "/"));
  const fb = path.posix.normalize(b.file.replace(/\\/g, "/"));
  if (fa !== fb) return fa < fb ? -1 : 1;
  return VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant);
}

/** Which shard (0-based) each job falls in, by index into `jobs`. */
export function shardOf(jobs: readonly JobRef[], count: number, durations: Durations | null): number[] {
  const known = durations === null ? [] : jobs.map((j) => durations.get(durationKey(j.file, j.variant))).filter((ms): ms is number => ms !== undefined);
  const fallback = known.length === 0 ? 1 : known.reduce((a, b) => a + b, 0) / known.length;
  const weight = jobs.map((j) => durations?.get(durationKey(j.file, j.variant)) ?? fallback);
  const order = jobs.map((_, i) => i).sort((a, b) => (weight[b] ?? 0) - (weight[a] ?? 0) || compareJobs(jobs[a] as JobRef, jobs[b] as JobRef));
  const load = new Array<number>(count).fill(0);
  const shard = new Array<number>(jobs.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if ((load[s] ?? 0) < (load[best] ?? 0)) best = s;
    shard[i] = best;
    load[best] = (load[best] ?? 0) + (weight[i] ?? 0);
  }
  return shard;
}

/** The jobs of shard `index` (1-based) of `count`, in their run order. */
export function shardJobs<J extends JobRef>(jobs: readonly J[], index: number, count: number, durations: Durations | null): J[] {
  const shard = shardOf(jobs, count, durations);
  return jobs.filter((_, i) => shard[i] === index - 1);
}
