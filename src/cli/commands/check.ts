/**
 * `mptcpdrill check PATH…`: parses and statically checks scripts without running them
 * (house-style rule 11). Prints every diagnostic with a caret frame, then a summary line;
 * `--json` prints one JSON document instead. Exit 0 when no script has an error, 1 otherwise,
 * 2 on usage errors.
 */
import { checkScript } from "../../script/check-script.ts";
import { parseScript } from "../../script/parse.ts";
import { noShellDiagnostics } from "../../script/shell-use.ts";
import { hasErrors, type Diagnostic } from "../../script/diagnostic.ts";
import { countDiagnostics, diagnosticToJson, renderDiagnostics, renderSummary, sortDiagnostics, type JsonFileReport } from "../../script/render.ts";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { CheckCache } from "../check-cache.ts";
import { findScripts, scriptPath } from "../find-scripts.ts";
import type { CliIo } from "../io.ts";
import { parseScriptArgs, type ScriptArgs } from "./script-args.ts";

const USAGE = `usage: mptcpdrill check [--json] [-D NAME=VALUE]... PATH...

Parses every .pkt script under PATH (files or folders, recursively) and reports all syntax and
semantic problems without running anything.

options:
  --json               print one JSON document: [{file, diagnostics: [...]}]
  --no-cache           neither read nor write the result cache (by default the diagnostics of each
                       script are kept in $XDG_CACHE_HOME/mptcpdrill/check-cache.json, keyed by a
                       hash of the script's text, the defines and this build: a script whose text
                       changed is always checked again)
  --no-shell           also report, as errors, every line that would run a program (backtick
                       commands, %{ }% blocks, --code_command/--init_scripts option lines):
                       what 'run --no-shell' refuses (docs/security.md)
  -D, --define N=V     define a symbol, as packetdrill's -D
  -h, --help           this help
A file that cannot be read (or whose name is not valid UTF-8) is reported on stderr and the other
scripts are still checked.
exit status: 0 no script has an error, 1 some script has an error, 2 usage or file error
             (a path that does not exist, no script found, a file that cannot be read)
`;

interface Checked {
  readonly file: string;
  readonly source: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** `--no-shell`: one error per line that would run a program (none when the script does not parse). */
function refusedLines(source: string, file: string): Diagnostic[] {
  const parsed = parseScript(source, file);
  return parsed.script === null ? [] : noShellDiagnostics(parsed.script);
}

/** The script's text, or why it cannot be read (one file error among the others, never the end of the run). */
function readScript(io: CliIo, file: string): { source: string } | { problem: string } {
  try {
    return { source: io.fs.readFileSync(scriptPath(io, file), "utf8") };
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

function printText(io: CliIo, results: readonly Checked[]): void {
  for (const r of results) {
    if (r.diagnostics.length > 0) io.stdout.write(`${renderDiagnostics(r.diagnostics, r.source)}\n`);
  }
  const all = results.flatMap((r) => r.diagnostics);
  io.stdout.write(`${renderSummary(results.length, countDiagnostics(all))}\n`);
}

function printJson(io: CliIo, results: readonly Checked[]): void {
  const doc: JsonFileReport[] = results.map((r) => ({ file: r.file, diagnostics: sortDiagnostics(r.diagnostics).map(diagnosticToJson) }));
  io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseScriptArgs(argv, ["--json", "--no-cache", "--no-shell"]);
  if (!args.ok) {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return checkPaths(io, args.value);
}

function checkPaths(io: CliIo, args: ScriptArgs): number {
  const found = findScripts(io, args.paths);
  if (found.missing.length > 0) {
    for (const p of found.missing) io.stderr.write(`error[MPD_ERR_FILE]: no such file or folder: '${p}'\n`);
    return EXIT_USAGE;
  }
  if (found.files.length === 0 && found.unreadable.length === 0) {
    io.stderr.write(`error[MPD_ERR_FILE]: nothing to check: no .pkt script under ${args.paths.map((p) => `'${p}'`).join(", ")}\n`);
    return EXIT_USAGE;
  }
  const noShell = args.switches.has("--no-shell");
  const fileErrors = found.unreadable.map((u) => `cannot read '${u.file}': ${u.reason}`);
  const cache = args.switches.has("--no-cache") ? null : CheckCache.load(io);
  const results = found.files.flatMap((file): Checked[] => {
    const read = readScript(io, file);
    if ("problem" in read) {
      fileErrors.push(`cannot read '${file}': ${read.problem}`);
      return [];
    }
    const { source } = read;
    const refused = noShell ? refusedLines(source, file) : [];
    const key = CheckCache.key(file, args.defines, source);
    const cached = cache?.get(key);
    if (cached !== undefined) return [{ file, source, diagnostics: [...cached, ...refused] }];
    const diagnostics = checkScript(source, file, { defines: args.defines });
    cache?.set(key, diagnostics);
    return [{ file, source, diagnostics: [...diagnostics, ...refused] }];
  });
  cache?.save();
  for (const e of fileErrors) io.stderr.write(`error[MPD_ERR_FILE]: ${e}\n`);
  if (args.switches.has("--json")) printJson(io, results);
  else printText(io, results);
  if (fileErrors.length > 0) return EXIT_USAGE;
  return results.some((r) => hasErrors(r.diagnostics)) ? EXIT_FAIL : EXIT_OK;
}

/** The `check` sub-command. */
export const checkCommand: Command = {
  name: "check",
  summary: "parse and statically check scripts, reporting every problem",
  usage: USAGE,
  run,
};
