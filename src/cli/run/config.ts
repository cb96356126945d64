/**
 * Per-corpus run configuration: packetdrill flags and defines per variant, read from a JSON file
 * given with `--config FILE` or found as `mptcpdrill.json` in the script's folder or the nearest
 * parent folder. Schema (every key optional; see configs/README.md):
 *
 *   { "description": "…",
 *     "flags":   { "send_omit_free": true, "tolerance_usecs": 4000 },   // every variant
 *     "defines": { "NAME": "VALUE" },                                     // every variant
 *     "variants": { "ipv4" | "ipv6" | "ipv4-mapped-ipv6": { "flags": {…}, "defines": {…} } },
 *     "noShell": true }                                                   // as run --no-shell
 *
 * Flag names are packetdrill's (pkt-language.md §1.6) without `--`; a flag taking no value is
 * `true`, others a string or number. `ip_version` and `define` are not flags here: the variant
 * key sets the first, `defines` holds the second. Precedence, lowest first: packetdrill defaults <
 * the script's own option lines < config `flags`/`defines` < the variant's < the command line
 * (pkt-language.md §1.5: "Script options are applied first, then the command line overrides them";
 * the config stands for run_all.py's command line, so the user's command line comes last).
 */
import * as path from "node:path";
import { VARIANTS, type Variant } from "../../interp/events.ts";
import { KNOWN_OPTIONS } from "../../script/checks/option-names.ts";
import { flagProblem, type FlagSource } from "../../script/flag-table.ts";
import type { CliIo } from "../io.ts";

/** Flag values after parsing: `true` for a switch, else the text as packetdrill would see it. */
export type FlagValues = Readonly<Record<string, string | true>>;

/** Flags and defines of one layer (the common part, or one variant). */
export interface FlagSet {
  readonly flags: FlagValues;
  readonly defines: Readonly<Record<string, string>>;
}

/** A loaded configuration file. */
export interface RunConfig extends FlagSet {
  /** Absolute path of the file it came from. */
  readonly path: string;
  readonly variants: Readonly<Partial<Record<Variant, FlagSet>>>;
  /** `"noShell": true`: as `run --no-shell` for the scripts this config applies to (docs/security.md). */
  readonly noShell: boolean;
}

/** The config or the reason it is unusable. */
export type ConfigResult = { readonly ok: true; readonly value: RunConfig } | { readonly ok: false; readonly message: string };

/** The file name looked for by walking up from a script's folder. */
export const CONFIG_FILE_NAME = "mptcpdrill.json";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Checks one flag against packetdrill's table (flag-table.ts): unknown, refused and bad values are
 * problems (`bad --tolerance_usecs: abc (…)`); returns the value as packetdrill would see it.
 */
export function checkFlag(name: string, value: unknown, source: FlagSource = "config"): { value: string | true } | { problem: string } {
  if (name === "ip_version") return { problem: "'ip_version' is chosen per variant (the 'variants' key or --ip-version), not set as a flag" };
  if (name === "define") return { problem: "defines go in 'defines', not in 'flags'" };
  const takes = KNOWN_OPTIONS.get(name);
  if (takes === undefined) return { problem: `unknown packetdrill flag '${name}'` };
  let text: string | true;
  if (takes === "none") {
    if (value !== true) return { problem: `flag '${name}' takes no value: write true` };
    text = true;
  } else if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) text = String(value);
  else return { problem: `flag '${name}' requires a string or number value` };
  const problem = flagProblem(name, text, source);
  return problem === null ? { value: text } : { problem };
}

function parseFlagSet(x: unknown, where: string, problems: string[]): FlagSet {
  const flags: Record<string, string | true> = {};
  const defines: Record<string, string> = {};
  if (!isRecord(x)) {
    problems.push(`${where}: expected an object`);
    return { flags, defines };
  }
  const rawFlags = x["flags"] ?? {};
  const rawDefines = x["defines"] ?? {};
  if (!isRecord(rawFlags)) problems.push(`${where}.flags: expected an object`);
  else for (const [name, value] of Object.entries(rawFlags)) {
    const r = checkFlag(name, value);
    if ("problem" in r) problems.push(`${where}.flags.${name}: ${r.problem}`);
    else flags[name] = r.value;
  }
  if (!isRecord(rawDefines)) problems.push(`${where}.defines: expected an object`);
  else for (const [name, value] of Object.entries(rawDefines)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) problems.push(`${where}.defines: bad define name '${name}'`);
    else if (typeof value !== "string" && typeof value !== "number") problems.push(`${where}.defines.${name}: expected a string or number`);
    else defines[name] = String(value);
  }
  return { flags, defines };
}

function unknownKeys(x: Record<string, unknown>, allowed: readonly string[], where: string, problems: string[]): void {
  for (const k of Object.keys(x)) if (!allowed.includes(k)) problems.push(`${where}: unknown key '${k}'`);
}

/** Parses and validates config text; every problem is reported, joined by `; `. */
export function parseConfig(text: string, file: string): ConfigResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isRecord(doc)) return { ok: false, message: `${file}: expected a JSON object` };
  const problems: string[] = [];
  unknownKeys(doc, ["$schema", "description", "flags", "defines", "variants", "noShell"], "config", problems);
  const noShell = doc["noShell"] ?? false;
  if (typeof noShell !== "boolean") problems.push(`config.noShell: expected true or false, got ${JSON.stringify(noShell)}`);
  const common = parseFlagSet({ flags: doc["flags"], defines: doc["defines"] }, "config", problems);
  const variants: Partial<Record<Variant, FlagSet>> = {};
  const rawVariants = doc["variants"] ?? {};
  if (!isRecord(rawVariants)) problems.push("config.variants: expected an object");
  else for (const [name, value] of Object.entries(rawVariants)) {
    if (!VARIANTS.includes(name as Variant)) problems.push(`config.variants: unknown variant '${name}' (expected ${VARIANTS.join(", ")})`);
    else {
      if (isRecord(value)) unknownKeys(value, ["flags", "defines"], `config.variants.${name}`, problems);
      variants[name as Variant] = parseFlagSet(value, `config.variants.${name}`, problems);
    }
  }
  if (problems.length > 0) return { ok: false, message: `${file}: ${problems.join("; ")}` };
  return { ok: true, value: { path: file, flags: common.flags, defines: common.defines, variants, noShell: noShell === true } };
}

/** Reads and parses the config at `file` (relative to `io.cwd`). */
export function loadConfig(io: CliIo, file: string): ConfigResult {
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = io.fs.readFileSync(full, "utf8");
  } catch (e) {
    return { ok: false, message: `cannot read config '${file}': ${e instanceof Error ? e.message : String(e)}` };
  }
  return parseConfig(text, full);
}

/**
 * The folder a config walk from `scriptFile` may not go above (docs/security.md): the working
 * directory when the script is inside it; otherwise the PATH (of `paths`, as given on the command
 * line) the script was found under — its folder when it names a file. A config higher up, in a
 * folder the user did not point at, is never read.
 */
export function configWalkTop(io: CliIo, scriptFile: string, paths: readonly string[]): string {
  const file = path.resolve(io.cwd, scriptFile);
  const within = (dir: string): boolean => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`);
  if (within(io.cwd)) return io.cwd;
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    if (full === file) return path.dirname(file);
    if (within(full)) return full;
  }
  return path.dirname(file);
}

/** The nearest `mptcpdrill.json` at or above the folder of `scriptFile`, not above `top`, or null. */
export function findConfigFor(io: CliIo, scriptFile: string, top: string): string | null {
  let dir = path.dirname(path.resolve(io.cwd, scriptFile));
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (io.fs.statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) return candidate;
    const parent = path.dirname(dir);
    if (dir === top || parent === dir) return null;
    dir = parent;
  }
}

/**
 * Why a config found by walking up may not be used as it is: it names a program to run
 * (`code_command`, `init_scripts`), which only a config the user named (`--config`) or
 * `--allow-script-programs` may do. Null when it names none.
 */
export function walkedConfigProblem(config: RunConfig, programOptions: ReadonlySet<string>): string | null {
  const sets = [config.flags, ...Object.values(config.variants).map((v) => v?.flags ?? {})];
  for (const flags of sets) {
    const name = Object.keys(flags).find((k) => programOptions.has(k));
    if (name !== undefined) {
      return `config ${config.path} (found next to the scripts, not named with --config) sets --${name}: a config found by walking up may not name programs to run; pass --config ${config.path} or --allow-script-programs`;
    }
  }
  return null;
}

/**
 * The flags and defines one job passes down (they override the script's option lines): config
 * common < config variant < command line, then `ip_version` set to the variant.
 */
export function resolveFlags(config: RunConfig | null, variant: Variant, commandLine: FlagSet): FlagSet {
  const v = config?.variants[variant];
  return {
    flags: { ...config?.flags, ...v?.flags, ...commandLine.flags, ip_version: variant },
    defines: { ...config?.defines, ...v?.defines, ...commandLine.defines },
  };
}
