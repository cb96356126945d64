/**
 * The lines of a script that make mptcpdrill run a program: backtick commands (`/bin/sh -c`),
 * `%{ }%` code blocks (python3, or the `--code_command` program), option lines that name a
 * program (`--code_command`, `--init_scripts`), and option values given as a backtick command.
 * `--no-shell` refuses every one of them (docs/security.md): one diagnostic per line, and the
 * script does not run.
 */
import type { Script } from "./ast.ts";
import { error, type Diagnostic } from "./diagnostic.ts";
import type { Span } from "./span.ts";

/** Option lines whose value is a program to run. */
export const PROGRAM_OPTIONS: ReadonlySet<string> = new Set(["code_command", "init_scripts"]);

/** One line that would run a program, and what it runs. */
export interface ShellUse {
  readonly span: Span;
  readonly what: string;
}

/** Every line of `script` that would run a program, in source order. */
export function shellUses(script: Script): ShellUse[] {
  const out: ShellUse[] = [];
  for (const o of script.options) {
    if (PROGRAM_OPTIONS.has(o.name)) out.push({ span: o.span, what: `option '--${o.name}' names a program to run` });
    else if (o.value?.raw.startsWith("`") === true) out.push({ span: o.span, what: `option '--${o.name}' takes its value from a shell command` });
  }
  for (const e of script.events) {
    if (e.action.kind === "command") out.push({ span: e.action.span, what: "a backtick line runs a shell command" });
    else if (e.action.kind === "code") out.push({ span: e.action.span, what: "a %{ }% block runs a code program" });
  }
  return out.sort((a, b) => a.span.start.offset - b.span.start.offset);
}

/** One `no-shell` error per line that would run a program. */
export function noShellDiagnostics(script: Script): Diagnostic[] {
  return shellUses(script).map((u) => error("no-shell", `refused by --no-shell: ${u.what}`, u.span));
}
