/**
 * Creates a folder and its missing parents, one level at a time. Node's own recursive `mkdir`
 * never returns for a path under a pseudo file system that refuses new entries (`/proc/x`: each
 * attempt fails with ENOENT and is retried forever at full CPU), so the walk is done here: find
 * the nearest existing ancestor, then create each level below it once; the first refusal is the
 * answer.
 */
import type * as fs from "node:fs";
import * as path from "node:path";

/** Creates `folder` (absolute) and its parents; returns null, or why it cannot be done. */
export function makeFolder(fsys: Pick<typeof fs, "mkdirSync" | "statSync">, folder: string): string | null {
  const missing: string[] = [];
  let at = path.resolve(folder);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fsys.statSync(at, { throwIfNoEntry: false });
    } catch (e) {
      // ENOTDIR: a file in the way higher up; EACCES: a level we may not look into.
      return (e as Error).message;
    }
    if (st !== undefined) {
      if (!st.isDirectory()) return `'${at}' exists and is not a folder`;
      break;
    }
    const parent = path.dirname(at);
    if (parent === at) break;
    missing.push(at);
    at = parent;
  }
  for (const level of missing.reverse()) {
    try {
      fsys.mkdirSync(level);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EEXIST" && fsys.statSync(level, { throwIfNoEntry: false })?.isDirectory() === true) continue;
      return err.message;
    }
  }
  return null;
}
