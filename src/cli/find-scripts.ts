/**
 * Script discovery for the CLI: expands files and folders (recursively) to `.pkt` files, sorted.
 * A path named explicitly is kept whatever its extension; inside folders only `*.pkt` counts.
 */
import * as path from "node:path";
import type { CliIo } from "./io.ts";

/** What a set of paths expanded to: the scripts found, and the paths that do not exist. */
export interface FoundScripts {
  /** Script paths as the user would write them (relative paths stay relative to `io.cwd`), sorted, without duplicates. */
  readonly files: readonly string[];
  /** Arguments that name nothing on disk. */
  readonly missing: readonly string[];
}

function walk(io: CliIo, dir: string, display: string, out: string[]): void {
  const entries = io.fs.readdirSync(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const shown = path.join(display, e.name);
    if (e.isDirectory()) walk(io, full, shown, out);
    else if (e.isFile() && e.name.endsWith(".pkt")) out.push(shown);
  }
}

/** Expands `paths` (files or folders, relative to `io.cwd`) into the `.pkt` scripts they name. */
export function findScripts(io: CliIo, paths: readonly string[]): FoundScripts {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    const stat = io.fs.statSync(full, { throwIfNoEntry: false });
    if (stat === undefined) missing.push(p);
    else if (stat.isDirectory()) walk(io, full, p, files);
    else files.push(p);
  }
  const unique = [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files: unique, missing };
}

/** Resolves a script path as returned by {@link findScripts} against the CLI's working directory. */
export function scriptPath(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
