/**
 * Argument parsing shared by the commands that take scripts (`check`, `fmt`): boolean switches,
 * `-D NAME=VALUE` / `--define=NAME=VALUE` defines, and at least one PATH. Errors are values.
 */

/** Parsed arguments of a script-taking command. */
export interface ScriptArgs {
  readonly paths: readonly string[];
  /** Defines in command-line order; a later one wins. */
  readonly defines: Readonly<Record<string, string>>;
  /** The boolean switches that were given, e.g. `--json`. */
  readonly switches: ReadonlySet<string>;
}

/** Success with the parsed arguments, or a usage message. */
export type ScriptArgsResult = { readonly ok: true; readonly value: ScriptArgs } | { readonly ok: false; readonly message: string };

function addDefine(defines: Record<string, string>, text: string | undefined): string | null {
  if (text === undefined) return "option '-D' requires NAME=VALUE";
  const eq = text.indexOf("=");
  const name = eq < 0 ? text : text.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `bad define '${text}': expected NAME=VALUE`;
  defines[name] = eq < 0 ? "" : text.slice(eq + 1);
  return null;
}

/** Parses `argv` accepting the given boolean `switches`; anything else starting with `-` is an error. */
export function parseScriptArgs(argv: readonly string[], switches: readonly string[]): ScriptArgsResult {
  const paths: string[] = [];
  const defines: Record<string, string> = {};
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    let problem: string | null = null;
    if (a === "-D" || a === "--define") problem = addDefine(defines, argv[++i]);
    else if (a.startsWith("--define=")) problem = addDefine(defines, a.slice("--define=".length));
    else if (a.startsWith("-D")) problem = addDefine(defines, a.slice(2));
    else if (switches.includes(a)) given.add(a);
    else if (a === "--") {
      paths.push(...argv.slice(i + 1));
      break;
    }
    else if (a.startsWith("-") && a !== "-") problem = `unknown option '${a}'`;
    else paths.push(a);
    if (problem !== null) return { ok: false, message: problem };
  }
  if (paths.length === 0) return { ok: false, message: "expected at least one PATH" };
  return { ok: true, value: { paths, defines, switches: given } };
}
