/**
 * Script discovery for the CLI: expands files and folders (recursively) to `.pkt` files, sorted.
 * A path named explicitly is kept whatever its extension; inside folders only `*.pkt` counts.
 */
import type * as fs from "node:fs";
import * as path from "node:path";
import type { CliIo } from "./io.ts";

/** What a set of paths expanded to: the scripts found, and the paths that do not exist. */
export interface FoundScripts {
  /** Script paths as the user would write them (relative paths stay relative to `io.cwd`), sorted, without duplicates. */
  readonly files: readonly string[];
  /** Arguments that name nothing on disk. */
  readonly missing: readonly string[];
  /**
   * Entries under the folders that cannot be used, each one problem among the others (the rest
   * still run): a folder that cannot be listed, a file name that is not valid UTF-8 (it cannot be
   * named in a diagnostic or a report, so it is refused rather than mangled).
   */
  readonly unreadable: readonly UnreadableEntry[];
}

/** A path found but not usable, and why. */
export interface UnreadableEntry {
  /** The path as shown to the user (invalid bytes as `\xNN`). */
  readonly file: string;
  readonly reason: string;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The name if it is valid UTF-8, else null. */
function utf8Name(raw: Buffer): string | null {
  try {
    return UTF8.decode(raw);
  } catch {
    return null;
  }
}

/** `bad\xff.pkt`: a byte name with every byte outside printable ASCII escaped. */
function escapedName(raw: Buffer): string {
  return [...raw].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");
}

function walk(io: CliIo, dir: string, display: string, out: string[], unreadable: UnreadableEntry[]): void {
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = io.fs.readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
  } catch (e) {
    unreadable.push({ file: display, reason: `cannot list folder: ${(e as Error).message}` });
    return;
  }
  for (const e of entries) {
    const name = utf8Name(e.name);
    if (name === null) {
      if (e.isDirectory() || e.name.subarray(-4).toString("latin1") === ".pkt") {
        unreadable.push({ file: path.join(display, escapedName(e.name)), reason: "the name is not valid UTF-8 (rename it)" });
      }
      continue;
    }
    const full = path.join(dir, name);
    const shown = path.join(display, name);
    if (e.isDirectory()) walk(io, full, shown, out, unreadable);
    else if (e.isFile() && name.endsWith(".pkt")) out.push(shown);
  }
}

/** Expands `paths` (files or folders, relative to `io.cwd`) into the `.pkt` scripts they name. */
export function findScripts(io: CliIo, paths: readonly string[]): FoundScripts {
  const files: string[] = [];
  const missing: string[] = [];
  const unreadable: UnreadableEntry[] = [];
  for (const p of paths) {
    const full = path.resolve(io.cwd, p);
    const stat = io.fs.statSync(full, { throwIfNoEntry: false });
    if (stat === undefined) missing.push(p);
    else if (stat.isDirectory()) walk(io, full, p, files, unreadable);
    else files.push(p);
  }
  const unique = [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files: unique, missing, unreadable };
}

/** Resolves a script path as returned by {@link findScripts} against the CLI's working directory. */
export function scriptPath(io: CliIo, file: string): string {
  return path.resolve(io.cwd, file);
}
