/**
 * `mptcpdrill fmt PATH…`: prints scripts in canonical form (src/script/fmt.ts). `--write`
 * rewrites files in place, `--check` only reports which files would change (exit 1 if any).
 * A script that does not parse is never rewritten: its syntax diagnostics are printed instead.
 */
import { formatSource } from "../../script/fmt.ts";
import { renderDiagnostics } from "../../script/render.ts";
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { findScripts, scriptPath } from "../find-scripts.ts";
import type { CliIo } from "../io.ts";
import { parseScriptArgs, type ScriptArgs } from "./script-args.ts";

const USAGE = `usage: mptcpdrill fmt [--write | --check] PATH...

Prints every .pkt script under PATH (files or folders, recursively) in canonical form: one space
between tokens, options as <a, b>, aligned time column, at most one blank line between blocks,
comments kept (a comment inside a multi-line statement moves to just before that statement).

options:
  --write      rewrite the files in place instead of printing them
  --check      print the files that would change; exit 1 if any would
  -h, --help   this help
exit status: 0 done (or nothing to change), 1 a script would change or does not parse, 2 usage or file error
`;

type Mode = "print" | "write" | "check";

function modeOf(args: ScriptArgs): Mode | null {
  const write = args.switches.has("--write");
  const check = args.switches.has("--check");
  if (write && check) return null;
  return write ? "write" : check ? "check" : "print";
}

function readScript(io: CliIo, file: string): string | null {
  try {
    return io.fs.readFileSync(scriptPath(io, file), "utf8");
  } catch (e) {
    io.stderr.write(`error[MPD_ERR_FILE]: cannot read '${file}': ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
}

/** Formats one file in the given mode; returns true when it counts as a failure, "unreadable" when it could not be read. */
function formatOne(io: CliIo, file: string, mode: Mode, header: boolean): boolean | "unreadable" {
  const source = readScript(io, file);
  if (source === null) return "unreadable";
  const result = formatSource(source, file);
  if (!result.ok) {
    io.stderr.write(`${renderDiagnostics(result.diagnostics, source)}`);
    return true;
  }
  const changed = result.text !== source;
  if (mode === "print") {
    io.stdout.write(header ? `==> ${file} <==\n${result.text}` : result.text);
    return false;
  }
  if (mode === "check") {
    if (changed) io.stdout.write(`would reformat ${file}\n`);
    return changed;
  }
  if (changed) {
    io.fs.writeFileSync(scriptPath(io, file), result.text);
    io.stdout.write(`reformatted ${file}\n`);
  }
  return false;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseScriptArgs(argv, ["--write", "--check"]);
  const mode = args.ok ? modeOf(args.value) : null;
  if (!args.ok || mode === null) {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args.ok ? "'--write' and '--check' exclude each other" : args.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const found = findScripts(io, args.value.paths);
  if (found.missing.length > 0) {
    for (const p of found.missing) io.stderr.write(`error[MPD_ERR_FILE]: no such file or folder: '${p}'\n`);
    return EXIT_USAGE;
  }
  for (const u of found.unreadable) io.stderr.write(`error[MPD_ERR_FILE]: cannot read '${u.file}': ${u.reason}\n`);
  let failed = false;
  let unreadable = found.unreadable.length > 0;
  for (const file of found.files) {
    const r = formatOne(io, file, mode, found.files.length > 1);
    if (r === "unreadable") unreadable = true;
    else if (r) failed = true;
  }
  if (unreadable) return EXIT_USAGE;
  return failed ? EXIT_FAIL : EXIT_OK;
}

/** The `fmt` sub-command. */
export const fmtCommand: Command = {
  name: "fmt",
  summary: "print scripts in canonical form (--write rewrites, --check verifies)",
  usage: USAGE,
  run,
};
