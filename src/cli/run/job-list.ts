/**
 * `mptcpdrill run --list`: the jobs a run would start, one line each, in run order: the script,
 * its variant and the packetdrill flags and defines the job passes down (config and command line
 * resolved; the script's own option lines come under them at run time). Like run_all.py's
 * `--dry_run`, which prints the packetdrill command of every job.
 */
import type { RunJobSpec } from "../../runner/job-spec.ts";

function flagText(name: string, value: string | true): string {
  return value === true ? `--${name}` : `--${name}=${value}`;
}

/** One line per job: `file [variant] --flag=value … -D NAME=VALUE …`. */
export function formatJobList(jobs: readonly RunJobSpec[]): string {
  return jobs
    .map((j) => {
      const flags = Object.entries(j.flags).map(([n, v]) => flagText(n, v));
      const defines = Object.entries(j.defines).map(([n, v]) => `-D ${n}=${v}`);
      return `${[`${j.file} [${j.variant}]`, ...flags, ...defines].join(" ")}\n`;
    })
    .join("");
}
