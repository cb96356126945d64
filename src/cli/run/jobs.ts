/**
 * Building the job list: scripts found under the PATHs × the variants their file names allow and
 * `--ip-version` selects, each with its resolved flags and defines (config < command line) and its
 * capture path. Configs are loaded once per file; any problem is collected, not thrown.
 */
import * as path from "node:path";
import type { Variant } from "../../interp/events.ts";
import type { RunJobSpec } from "../../runner/job-spec.ts";
import type { CliIo } from "../io.ts";
import type { RunArgs } from "./args.ts";
import { addressFamilyProblem } from "../../script/flag-table.ts";
import { PROGRAM_OPTIONS } from "../../script/shell-use.ts";
import { configWalkTop, findConfigFor, loadConfig, resolveFlags, type RunConfig, walkedConfigProblem } from "./config.ts";
import { capturePolicy } from "./captures.ts";
import { selectVariants } from "./variants.ts";

/**
 * Reporters that show a job's packets (the HTML ladders, TAP's `packets:`): their jobs send the
 * packet log (one IPC message per packet from a script host).
 */
const PACKET_REPORTERS: ReadonlySet<string> = new Set(["html", "tap"]);

/** The job list, notes for stderr, and problems that stop the run (exit 2). */
export interface JobPlan {
  readonly jobs: readonly RunJobSpec[];
  readonly notes: readonly string[];
  readonly problems: readonly string[];
}

/** `dir/a/b-v4.pkt` + ipv4 → `<captureDir>/dir__a__b-v4.ipv4.pcap`. */
export function capturePathFor(captureDir: string, file: string, variant: Variant): string {
  const flat = file.replace(/^(\.\.?[/\\])+/, "").replace(/^[/\\]+/, "").replace(/[/\\]/g, "__").replace(/\.pkt$/, "");
  return path.join(captureDir, `${flat}.${variant}.pcap`);
}

function configLoader(io: CliIo, args: RunArgs, problems: string[]): (file: string) => RunConfig | null {
  const cache = new Map<string, RunConfig | null>();
  const load = (p: string): RunConfig | null => {
    if (!cache.has(p)) {
      const r = loadConfig(io, p);
      if (!r.ok) problems.push(r.message);
      cache.set(p, r.ok ? r.value : null);
    }
    return cache.get(p) ?? null;
  };
  const refused = new Set<string>();
  return (file) => {
    if (args.configFile !== null) return load(args.configFile);
    const found = findConfigFor(io, file, configWalkTop(io, file, args.paths));
    const config = found === null ? null : load(found);
    if (config !== null && !args.allowScriptPrograms && !refused.has(config.path)) {
      const problem = walkedConfigProblem(config, PROGRAM_OPTIONS);
      if (problem !== null) {
        refused.add(config.path);
        problems.push(problem);
      }
    }
    return config;
  };
}

/** Plans the jobs for `scripts` (as found by findScripts, sorted); every job carries the run's `seed`. */
export function planJobs(io: CliIo, args: RunArgs, scripts: readonly string[], seed: number): JobPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  const configFor = configLoader(io, args, problems);
  const commandLine = { flags: args.flags, defines: args.defines };
  const captureDir = capturePolicy(args, io.cwd).dir;
  const jobs: RunJobSpec[] = [];
  for (const file of scripts) {
    const variants = selectVariants(file, args.variants);
    if (variants.length === 0) {
      notes.push(`note: '${file}' runs as no selected variant (a name ending in v4.pkt runs as ipv4 and ipv4-mapped-ipv6, v6.pkt as ipv6)`);
      continue;
    }
    const config = configFor(file);
    const absFile = path.resolve(io.cwd, file);
    for (const variant of variants) {
      const { flags, defines } = resolveFlags(config, variant, commandLine);
      const family = addressFamilyProblem(flags, variant === "ipv6" ? 6 : 4);
      if (family !== null) problems.push(`${family}, for the ${variant} jobs${config === null ? "" : ` (config ${config.path})`}`);
      jobs.push({
        file, variant, absFile, cwd: path.dirname(absFile), flags, defines, verbose: args.verbose, seed, noShell: args.noShell || config?.noShell === true, allowScriptPrograms: args.allowScriptPrograms,
        ...(args.logOnError || args.logOnSuccess || args.reporters.some((r) => PACKET_REPORTERS.has(r.name)) ? { packetLog: true } : {}),
        capturePath: captureDir === null ? null : capturePathFor(captureDir, file, variant), configPath: config?.path ?? null,
      });
    }
  }
  return { jobs, notes, problems: [...new Set(problems)] };
}
