/**
 * Each script is read and parsed once per run, whatever number of variants it runs as: the
 * parsed AST is what the interpreter runs (in this process or, sent over IPC, in a script host),
 * the static checks run on that same AST (once per distinct set of defines, since `-D` values
 * enter some checks), and the known-difference tags come from the same text.
 */
import type { KnownDifferenceTag } from "../interp/events.ts";
import type { Script } from "../script/ast.ts";
import { mergeDefines } from "../interp/run-options.ts";
import { runChecks } from "../script/check-script.ts";
import type { Diagnostic } from "../script/diagnostic.ts";
import { knownDifferenceFor } from "../script/known-difference.ts";
import { parseScript } from "../script/parse.ts";
import { noShellDiagnostics, PROGRAM_OPTIONS } from "../script/shell-use.ts";
import type { RunJobSpec } from "./job-spec.ts";

/** A script's first error, as a job outcome reports it. */
export interface ScriptProblem {
  readonly line: number | null;
  readonly message: string;
}

/** A job's script, ready to run, or the problem that stops it. */
export type PreparedJob =
  | { readonly ok: true; readonly script: Script }
  | { readonly ok: false; readonly problem: ScriptProblem };

interface Entry {
  readonly source: string | null;
  readonly readError: string | null;
  readonly script: Script | null;
  readonly parseDiagnostics: readonly Diagnostic[];
  readonly checked: Map<string, ScriptProblem | null>;
  readonly tags: Map<string, KnownDifferenceTag | null>;
}

function firstError(diagnostics: readonly Diagnostic[]): ScriptProblem | null {
  const d = diagnostics.find((x) => x.severity === "error");
  return d === undefined ? null : { line: d.span.start.line, message: d.message };
}

/** Reads, parses and checks scripts once each; shared by every job of a run. */
export class ScriptCache {
  readonly #entries = new Map<string, Entry>();

  /** `readFile` reads a script's text (UTF-8) or throws. */
  constructor(private readonly readFile: (absFile: string) => string) {}

  #entry(job: Pick<RunJobSpec, "absFile" | "file" | "source">): Entry {
    const key = job.source === undefined ? job.absFile : `${job.absFile}\0${job.source}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      let source: string | null = job.source ?? null;
      let readError: string | null = null;
      if (source === null) {
        try {
          source = this.readFile(job.absFile);
        } catch (e) {
          readError = `cannot read '${job.file}': ${e instanceof Error ? e.message : String(e)}`;
        }
      }
      const parsed = source === null ? null : parseScript(source, job.file);
      entry = {
        source, readError, script: parsed?.script ?? null, parseDiagnostics: parsed?.diagnostics ?? [],
        checked: new Map(), tags: new Map(),
      };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The job's parsed script, or its first error (read, parse, `--no-shell` or check) with its line. */
  prepare(job: Pick<RunJobSpec, "absFile" | "file" | "source" | "defines" | "noShell" | "allowScriptPrograms" | "flags">): PreparedJob {
    const e = this.#entry(job);
    if (e.readError !== null) return { ok: false, problem: { line: null, message: e.readError } };
    if (e.script === null || e.source === null) {
      return { ok: false, problem: firstError(e.parseDiagnostics) ?? { line: null, message: `${job.file}: parse error` } };
    }
    if (job.noShell === true) {
      const refused = noShellDiagnostics(e.script);
      if (refused.length > 0) {
        const lines = refused.map((d) => `line ${d.span.start.line}: ${d.message.replace(/^refused by --no-shell: /, "")}`);
        return { ok: false, problem: { line: refused[0]?.span.start.line ?? null, message: `refused by --no-shell (nothing was run): ${lines.join("; ")}` } };
      }
    }
    if (job.allowScriptPrograms !== true) {
      const own = e.script.options.find((o) => PROGRAM_OPTIONS.has(o.name) && job.flags[o.name] === undefined);
      if (own !== undefined) {
        return {
          ok: false,
          problem: {
            line: own.span.start.line,
            message: `the script names a program to run (--${own.name}); nothing was run: pass --allow-script-programs to let scripts choose programs, or set --${own.name} on the command line`,
          },
        };
      }
    }
    const key = JSON.stringify(job.defines);
    if (!e.checked.has(key)) {
      const defines = mergeDefines(e.script, job.defines);
      e.checked.set(key, firstError(e.parseDiagnostics) ?? firstError(runChecks(e.script, { defines, source: e.source })));
    }
    const problem = e.checked.get(key) ?? null;
    return problem === null ? { ok: true, script: e.script } : { ok: false, problem };
  }

  /** The script's known-difference tag for `sut`, or null (also when it cannot be read). */
  knownDifference(job: Pick<RunJobSpec, "absFile" | "file" | "source">, sut: string): KnownDifferenceTag | null {
    const e = this.#entry(job);
    if (e.source === null) return null;
    if (!e.tags.has(sut)) e.tags.set(sut, knownDifferenceFor(e.source, job.file, sut));
    return e.tags.get(sut) ?? null;
  }
}
