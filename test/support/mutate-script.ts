/**
 * Test support for mutation tests: one textual mutation of one line of an upstream script, kept in
 * memory, and a staging folder that lets the mutant run where its backtick commands find their
 * helpers. Upstream scripts call `../common/defaults.sh` (or `../../common/…`) relative to their
 * own folder (the runner's cwd for commands is the script's folder), so a mutant is written under
 * a temporary root that mirrors the corpus path, next to a symlink to the corpus's `common` folder.
 * Nothing is ever written into the corpus.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** One mutation: on 1-based `line`, replace the first `from` by `to`. */
export interface LineMutation {
  readonly line: number;
  readonly from: string;
  readonly to: string;
}

/** Applies a mutation; throws when `from` is not on that line (a stale mutation must not pass silently). */
export function mutateLine(source: string, m: LineMutation): string {
  const lines = source.split("\n");
  const text = lines[m.line - 1];
  if (text === undefined || !text.includes(m.from)) {
    throw new Error(`mutation: line ${m.line} does not contain '${m.from}': ${JSON.stringify(text)}`);
  }
  lines[m.line - 1] = text.replace(m.from, m.to);
  const out = lines.join("\n");
  if (out === source) throw new Error(`mutation at line ${m.line} changes nothing`);
  return out;
}

/** A temporary folder holding mutants under their corpus-relative paths. */
export interface MutantStage {
  readonly root: string;
  /** Writes `text` at `relPath` (relative to the corpus root of `linkCommon`) and returns its path. */
  write(relPath: string, text: string): string;
  /** Removes the whole folder. */
  cleanup(): void;
}

/**
 * Creates a stage; `commonLinks` maps corpus-relative folders (e.g. `gpd/net/tcp/common`) to
 * the real folders the symlinks point at.
 */
export function createMutantStage(commonLinks: Readonly<Record<string, string>>): MutantStage {
  const root = mkdtempSync(join(tmpdir(), "mpd-mutants-"));
  for (const [rel, target] of Object.entries(commonLinks)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    symlinkSync(target, join(root, rel), "dir");
  }
  return {
    root,
    write(relPath, text) {
      const path = join(root, relPath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
