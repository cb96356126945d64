/**
 * Whether a process still runs: the test behind reaping what a run killed with SIGKILL left
 * (named namespaces, host temp folders carry their owner's pid).
 */

/** True when `pid` runs (EPERM: it runs as someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
