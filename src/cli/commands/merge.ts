/**
 * `mptcpdrill merge [--reporter NAME[:FILE]]… REPORT.jsonl…`: joins the jsonl reports of the shards
 * of one run (`run --shard I/N`, one per CI machine) into one set of reports, as if one machine had
 * run every job: the jobs sorted by path and variant, the counts summed, any reporter (human,
 * tap, junit, jsonl) written from them. The exit status follows `run`'s verdict policy.
 */
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import { mergeShards, readShardReport, type ShardReport } from "../merge/shard-report.ts";
import { fanOut, REPORTERS } from "../../report/registry.ts";
import type { ReporterSpec } from "../run/args.ts";
import { openReporters } from "../run/execute.ts";

const USAGE = `usage: mptcpdrill merge [options] REPORT.jsonl...

Joins the jsonl reports of a sharded run (mptcpdrill run --shard I/N --reporter jsonl:FILE on
each machine) into one set of reports: every job once, sorted by path and variant, the verdict
counts summed, the duration that of the longest shard. A job found in two reports is an error.

options:
  --reporter NAME[:FILE]    human (default), tap, junit, jsonl; repeatable; without FILE it writes
                            to stdout (at most one); human stays on stdout unless another takes it
  -v, --verbose             with human: more detail
  -h, --help                this help

exit status: 0 every job passed (or was flaky, xfail), 1 a job failed, ended in error or xpass,
or a shard's report has no summary line (that shard did not finish), 2 usage or unreadable report
`;

interface MergeArgs {
  readonly files: readonly string[];
  readonly reporters: readonly ReporterSpec[];
  readonly verbose: boolean;
}

function parseMergeArgs(argv: readonly string[]): MergeArgs | string {
  const files: string[] = [];
  const reporters: ReporterSpec[] = [];
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "-v" || a === "--verbose") verbose = true;
    else if (a === "--reporter" || a.startsWith("--reporter=")) {
      const spec = a === "--reporter" ? argv[++i] : a.slice("--reporter=".length);
      if (spec === undefined) return "option '--reporter' requires a value";
      const colon = spec.indexOf(":");
      const name = colon < 0 ? spec : spec.slice(0, colon);
      const file = colon < 0 ? null : spec.slice(colon + 1);
      if (!REPORTERS.has(name)) return `unknown reporter '${name}' (expected ${[...REPORTERS.keys()].join(", ")})`;
      if (file === "") return `--reporter '${spec}': empty FILE after ':'`;
      reporters.push({ name, file });
    } else if (a.startsWith("-") && a !== "-") return `unknown option '${a}'`;
    else files.push(a);
  }
  if (files.length === 0) return "expected at least one REPORT.jsonl";
  if (reporters.filter((r) => r.file === null).length > 1) return "at most one reporter may write to stdout; give the others a FILE (NAME:FILE)";
  const withHuman = reporters.some((r) => r.file === null) ? reporters : [{ name: "human", file: null }, ...reporters];
  return { files, reporters: withHuman, verbose };
}

function readReports(io: CliIo, files: readonly string[]): ShardReport[] | string[] {
  const reports: ShardReport[] = [];
  const problems: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = io.fs.readFileSync(f.startsWith("/") ? f : `${io.cwd}/${f}`, "utf8");
    } catch (e) {
      problems.push(`error[MPD_ERR_FILE]: cannot read '${f}': ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const r = readShardReport(f, text);
    problems.push(...r.problems.map((p) => `error[MPD_ERR_USAGE]: ${p}`));
    reports.push(r.report);
  }
  return problems.length > 0 ? problems : reports;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseMergeArgs(argv);
  if (typeof args === "string") {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const reports = readReports(io, args.files);
  if (reports.some((r) => typeof r === "string")) {
    io.stderr.write(`${(reports as string[]).join("\n")}\n`);
    return EXIT_USAGE;
  }
  const merged = mergeShards(reports as ShardReport[]);
  if (!merged.ok) {
    io.stderr.write(`${merged.problems.map((p) => `error[MPD_ERR_USAGE]: ${p}`).join("\n")}\n`);
    return EXIT_USAGE;
  }
  const opened = openReporters(io, { reporters: args.reporters, verbose: args.verbose, logOnError: false, logOnSuccess: false }, ["mptcpdrill", "merge", ...argv]);
  if (typeof opened === "string") {
    io.stderr.write(`error[MPD_ERR_FILE]: ${opened}\n`);
    return EXIT_USAGE;
  }
  try {
    const reporter = fanOut(opened.reporters);
    merged.events.forEach((e) => reporter.onEvent(e));
  } finally {
    opened.sinks.forEach((s) => s.close?.());
  }
  for (const name of merged.incomplete) io.stderr.write(`warning: '${name}' has no summary line: that shard did not finish\n`);
  const end = merged.events[merged.events.length - 1];
  const counts = end?.kind === "runEnd" ? end.counts : null;
  if (counts === null || merged.incomplete.length > 0) return EXIT_FAIL;
  return counts.fail + counts.error + counts.xpass > 0 ? EXIT_FAIL : EXIT_OK;
}

/** The `merge` command. */
export const mergeCommand: Command = {
  name: "merge",
  summary: "join the jsonl reports of a sharded run (run --shard I/N) into one set of reports",
  usage: USAGE,
  run: (argv, io) => (argv.length === 0 ? Promise.resolve((io.stderr.write(USAGE), EXIT_USAGE)) : run(argv, io)),
};
