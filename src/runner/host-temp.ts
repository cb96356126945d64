/**
 * Each script host gets a temporary folder of its own, given to it as TMPDIR: the code blocks'
 * `code.py` files, and whatever a script's commands create with `mktemp`, land there. The parent
 * removes the folder when the host has exited, however it ended (a SIGKILL during a code block
 * included). The folder's name carries the parent's pid, so a later run removes the folders of a
 * parent that was itself killed with SIGKILL.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive } from "../process-alive.ts";

const NAME = /^mptcpdrill-(\d+)-host-/;

/** Creates a host's temporary folder (`$TMPDIR/mptcpdrill-<this pid>-host-XXXXXX`). */
export function makeHostTemp(): string {
  return mkdtempSync(join(tmpdir(), `mptcpdrill-${process.pid}-host-`));
}

/** Removes a host's temporary folder and everything in it. Never throws. */
export function removeHostTemp(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // nothing more can be done; the next run's reap tries again if the owner is gone
  }
}

/** Removes host folders whose owning process no longer runs; returns their paths. Never throws. */
export function reapStaleHostTemps(): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = NAME.exec(name);
    if (m === null || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    const dir = join(tmpdir(), name);
    removeHostTemp(dir);
    removed.push(dir);
  }
  return removed;
}
