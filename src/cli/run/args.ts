/**
 * `mptcpdrill run` argument parsing. Our own options use dashes (`--ip-version`, `--jobs`);
 * packetdrill's flags keep their underscores (`--tolerance_usecs=…`, pkt-language.md §1.6) and
 * are passed down to every job, overriding config and script option lines; each is checked
 * against flag-table.ts (refused flags and bad values are usage errors). `--ip_version=V` on the
 * command line selects variant V, like `--ip-version V`. run_all.py's own options are read where
 * they map (run-all-options.ts). Errors are values.
 */
import { availableParallelism } from "node:os";
import * as path from "node:path";
import type { Variant } from "../../interp/events.ts";
import { REPORTERS } from "../../report/registry.ts";
import { MAX_SEED } from "../../rng.ts";
import { KNOWN_OPTIONS, closestOption } from "../../script/checks/option-names.ts";
import { flagProblem } from "../../script/flag-table.ts";
import { checkFlag } from "./config.ts";
import { RUN_ALL_SWITCHES, RUN_ALL_VALUED, type RunAllDraft } from "./run-all-options.ts";
import { parseVariantSelection } from "./variants.ts";

/** One `--reporter NAME[:FILE]`; `file` null = stdout. */
export interface ReporterSpec {
  readonly name: string;
  readonly file: string | null;
}

/** Parsed `run` arguments. */
export interface RunArgs {
  readonly paths: readonly string[];
  readonly sut: "kernel" | "reference";
  readonly jobs: number;
  readonly variants: readonly Variant[];
  readonly captureDir: string | null;
  readonly timeoutSeconds: number;
  readonly verbose: boolean;
  /** `--no-shell`: refuse scripts with lines that run programs (docs/security.md). */
  readonly noShell: boolean;
  /** `--allow-script-programs`: scripts' own `--code_command`/`--init_scripts` lines are obeyed. */
  readonly allowScriptPrograms: boolean;
  readonly configFile: string | null;
  readonly reporters: readonly ReporterSpec[];
  /** `--list`: print the planned jobs, run nothing. */
  readonly list: boolean;
  /** run_all.py `-l` / `-L`: print the packet log of failing / passing jobs under their result. */
  readonly logOnError: boolean;
  readonly logOnSuccess: boolean;
  /** packetdrill flags from the command line (highest precedence). */
  readonly flags: Readonly<Record<string, string | true>>;
  readonly defines: Readonly<Record<string, string>>;
  /** `--seed N`: the run's seed (u32), or null to let the run pick one. */
  readonly seed: number | null;
  /** `--baseline FILE`: the expected-failure baseline (runner/baseline.ts), or null. */
  readonly baselineFile: string | null;
  /** `--update-baseline`: write the baseline from this run's failures (needs `--baseline`). */
  readonly updateBaseline: boolean;
  /** `--retries N`: reruns of a failing job, at most. */
  readonly retries: number;
  /** `--repeat N`: runs of every job. */
  readonly repeat: number;
  /** `--grep`/`--exclude`: a job runs when its name (`FILE [VARIANT]`) matches a grep (if any) and no exclude. */
  readonly grep: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  /** `--shard I/N`: run the I-th (1-based) of N parts of the job list, or null for all. */
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** `--durations FILE`: a previous run's jsonl report, to balance shards by job durations. */
  readonly durationsFile: string | null;
}

/** Parsed arguments or a usage message. */
export type RunArgsResult = { readonly ok: true; readonly value: RunArgs } | { readonly ok: false; readonly message: string };

/** Default per-script limit, as run_all.py. */
export const DEFAULT_TIMEOUT_SECONDS = 180;

interface Draft extends RunAllDraft {
  paths: string[];
  sut: "kernel" | "reference";
  timeoutSeconds: number;
  noShell: boolean;
  allowScriptPrograms: boolean;
  configFile: string | null;
  reporters: ReporterSpec[];
  flags: Record<string, string | true>;
  defines: Record<string, string>;
  seed: number | null;
  baselineFile: string | null;
  updateBaseline: boolean;
  retries: number;
  repeat: number;
  grep: RegExp[];
  exclude: RegExp[];
  shard: { index: number; count: number } | null;
  durationsFile: string | null;
}

function count(v: string, option: string, min: number): { n: number } | string {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 1000) return `${option} expects an integer from ${min} to 1000, got '${v}'`;
  return { n: Number(v) };
}

function pattern(v: string, option: string): RegExp | string {
  try {
    return new RegExp(v);
  } catch (e) {
    return `${option}: bad regular expression '${v}': ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Our options that take a value, each with a setter returning a problem or null. */
const VALUED: Readonly<Record<string, (d: Draft, v: string) => string | null>> = {
  "--sut": (d, v) => {
    if (v !== "kernel" && v !== "reference") return `unknown SUT '${v}' (expected kernel or reference)`;
    d.sut = v;
    return null;
  },
  "--jobs": (d, v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1) return `--jobs expects a positive integer, got '${v}'`;
    d.jobs = n;
    return null;
  },
  "--ip-version": (d, v) => setVariants(d, v, "--ip-version"),
  "--capture": (d, v) => ((d.captureDir = v), null),
  "--timeout": (d, v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n <= 0) return `--timeout expects a positive number of seconds, got '${v}'`;
    d.timeoutSeconds = n;
    return null;
  },
  "--config": (d, v) => ((d.configFile = v), null),
  "--reporter": (d, v) => addReporter(d, v),
  "--define": (d, v) => addDefine(d, v),
  "--seed": (d, v) => {
    if (!/^\d+$/.test(v) || Number(v) > MAX_SEED) return `--seed expects an integer from 0 to ${MAX_SEED}, got '${v}'`;
    d.seed = Number(v);
    return null;
  },
  "--baseline": (d, v) => ((d.baselineFile = v), null),
  "--retries": (d, v) => {
    const r = count(v, "--retries", 0);
    return typeof r === "string" ? r : ((d.retries = r.n), null);
  },
  "--repeat": (d, v) => {
    const r = count(v, "--repeat", 1);
    return typeof r === "string" ? r : ((d.repeat = r.n), null);
  },
  "--grep": (d, v) => {
    const r = pattern(v, "--grep");
    return typeof r === "string" ? r : (d.grep.push(r), null);
  },
  "--exclude": (d, v) => {
    const r = pattern(v, "--exclude");
    return typeof r === "string" ? r : (d.exclude.push(r), null);
  },
  "--shard": (d, v) => {
    const m = /^(\d+)\/(\d+)$/.exec(v);
    const [index, total] = [Number(m?.[1]), Number(m?.[2])];
    if (m === null || total < 1 || index < 1 || index > total) return `--shard expects I/N with 1 <= I <= N (e.g. 2/3), got '${v}'`;
    d.shard = { index, count: total };
    return null;
  },
  "--durations": (d, v) => ((d.durationsFile = v), null),
  ...RUN_ALL_VALUED,
};

const ALIASES: Readonly<Record<string, string>> = { "-j": "--jobs", "-D": "--define", "-c": "--capture", "-P": "--max_in_parallel", "-t": "--tap" };

function setVariants(d: Draft, v: string, option: string): string | null {
  const selection = parseVariantSelection(v);
  if (selection === null) return `${option} expects ipv4, ipv6, ipv4-mapped-ipv6 or all (or a comma list), got '${v}'`;
  d.variants = selection;
  return null;
}

function addReporter(d: Draft, spec: string): string | null {
  const colon = spec.indexOf(":");
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const file = colon < 0 ? null : spec.slice(colon + 1);
  if (!REPORTERS.has(name)) return `unknown reporter '${name}' (expected ${[...REPORTERS.keys()].join(", ")})`;
  if (file === "") return `--reporter '${spec}': empty FILE after ':'`;
  d.reporters.push({ name, file });
  return null;
}

/** `-D NAME=VALUE`: packetdrill requires the `=` (G config.c: `bad definition`). */
function addDefine(d: Draft, text: string): string | null {
  const problem = flagProblem("define", text);
  if (problem !== null) return problem;
  const eq = text.indexOf("=");
  d.defines[text.slice(0, eq)] = text.slice(eq + 1);
  return null;
}

/** `--name[=value]` for a packetdrill flag; `next` is the following argument (consumed if used). */
function packetdrillFlag(d: Draft, arg: string, next: string | undefined): { problem: string | null; consumed: boolean } {
  const eq = arg.indexOf("=");
  const name = (eq < 0 ? arg : arg.slice(0, eq)).slice(2);
  const takes = KNOWN_OPTIONS.get(name);
  if (takes === undefined) {
    const guess = closestOption(name);
    return { problem: `unknown option '${arg}'${guess === null ? "" : ` (did you mean '--${guess}'?)`}`, consumed: false };
  }
  if (takes === "none" && eq >= 0) return { problem: `option '--${name}' forbids an argument`, consumed: false };
  let value: string | true = eq < 0 ? true : arg.slice(eq + 1);
  let consumed = false;
  if (takes === "required" && value === true) {
    if (next === undefined) return { problem: `option '--${name}' requires a value`, consumed: false };
    [value, consumed] = [next, true];
  }
  if (name === "ip_version") {
    const problem = setVariants(d, String(value), "--ip_version");
    return { problem: problem === null ? null : `bad --ip_version: ${String(value)} (expected ipv4, ipv4-mapped-ipv6, ipv6, all or a comma list)`, consumed };
  }
  if (name === "define") return { problem: addDefine(d, String(value)), consumed };
  if (name === "verbose") return { problem: ((d.verbose = true), null), consumed };
  const r = checkFlag(name, value, "command line");
  if ("problem" in r) return { problem: r.problem, consumed };
  d.flags[name] = r.value;
  return { problem: null, consumed };
}

/** `table[key]` for the table's own keys only (a PATH named `constructor` is not an option). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Splits `--opt=value`, `-jN`, `-DNAME=V` into option and inline value. */
function splitInline(a: string): [string, string | undefined] {
  if (a.startsWith("--")) {
    const eq = a.indexOf("=");
    return eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
  }
  if (/^-[jDPct]./.test(a)) return [a.slice(0, 2), a.slice(2)];
  return [a, undefined];
}

/**
 * Jobs at once when `-j` is not given: one per CPU. Measured on a 2-core machine (docs/compat.md):
 * two warm script hosts keep packetdrill's verdicts on both corpora, like packetdrill's own runs
 * at run_all.py `-P 2`; starting every script at once (run_all.py's default) does not.
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Parses `run`'s argv. */
export function parseRunArgs(argv: readonly string[]): RunArgsResult {
  const d: Draft = {
    paths: [], sut: "kernel", jobs: defaultJobs(), variants: null, captureDir: null, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    verbose: false, noShell: false, allowScriptPrograms: false, configFile: null, reporters: [], flags: {}, defines: {}, seed: null,
    baselineFile: null, updateBaseline: false, retries: 0, repeat: 1, grep: [], exclude: [], shard: null, durationsFile: null,
    list: false, runAllVariants: [], serialized: false, tapDir: null, logOnError: false, logOnSuccess: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    let problem: string | null = null;
    const [rawName, inline] = splitInline(a);
    const name = own(ALIASES, rawName) ?? rawName;
    const setter = own(VALUED, name);
    const runAllSwitch = own(RUN_ALL_SWITCHES, a);
    if (a === "--") {
      d.paths.push(...argv.slice(i + 1));
      break;
    } else if (/^-v+$/.test(a) || a === "--verbose") d.verbose = true;
    else if (a === "--list") d.list = true;
    else if (a === "--update-baseline") d.updateBaseline = true;
    else if (a === "--no-shell") d.noShell = true;
    else if (a === "--allow-script-programs") d.allowScriptPrograms = true;
    else if (runAllSwitch !== undefined) problem = runAllSwitch(d);
    else if (setter !== undefined) {
      const value = inline ?? argv[++i];
      problem = value === undefined ? `option '${rawName}' requires a value` : setter(d, value);
    } else if (a.startsWith("--")) {
      const r = packetdrillFlag(d, a, argv[i + 1]);
      if (r.consumed) i++;
      problem = r.problem;
    } else if (a.startsWith("-") && a !== "-") problem = `unknown option '${a}'`;
    else d.paths.push(a);
    if (problem !== null) return { ok: false, message: problem };
  }
  return finish(d);
}

function finish(d: Draft): RunArgsResult {
  if (d.paths.length === 0) return { ok: false, message: "expected at least one PATH (a .pkt file or a folder)" };
  if (d.runAllVariants.length > 0 && d.variants !== null) return { ok: false, message: "-4/-6/--ipv4mappedv6 and --ip-version (or --ip_version) both select variants: give one of them" };
  if (d.updateBaseline && d.baselineFile === null) return { ok: false, message: "--update-baseline needs --baseline FILE (the file to write)" };
  if (d.updateBaseline && d.repeat > 1) return { ok: false, message: "--update-baseline records one outcome per job: it cannot be combined with --repeat" };
  if (d.durationsFile !== null && d.shard === null) return { ok: false, message: "--durations FILE balances shards: give --shard I/N as well" };
  const tap = tapReporter(d);
  if (typeof tap === "string") return { ok: false, message: tap };
  const all = tap === null ? d.reporters : [...d.reporters, tap];
  const stdoutReporters = all.filter((r) => r.file === null);
  if (stdoutReporters.length > 1) return { ok: false, message: `at most one reporter may write to stdout; give the others a FILE (NAME:FILE)` };
  const reporters = stdoutReporters.length === 0 ? [{ name: "human", file: null }, ...all] : all;
  const { variants, runAllVariants, serialized, tapDir: _tapDir, jobs, ...rest } = d;
  const selected = runAllVariants.length > 0 ? parseVariantSelection(runAllVariants.join(",")) : variants;
  return { ok: true, value: { ...rest, jobs: serialized ? 1 : jobs, reporters, variants: selected ?? parseVariantSelection("all") ?? [] } };
}

/** run_all.py `-t DIR`: one TAP file for the run's one PATH, named as run_all.py names it. */
function tapReporter(d: Draft): ReporterSpec | string | null {
  if (d.tapDir === null) return null;
  if (d.paths.length !== 1) return `-t/--tap DIR names its file after the one PATH (as run_all.py); with ${d.paths.length} PATHs use --reporter tap:FILE`;
  const base = path.basename(path.resolve(d.paths[0] ?? "."), ".pkt");
  return { name: "tap", file: path.join(d.tapDir, `packetdrill_${base}.tap`) };
}
