/**
 * packetdrill's `--init_scripts=a,b` (pkt-language.md §1.6): commands run one after the other
 * before the script, split at every comma as packetdrill splits them; the first that fails stops
 * the job with `error executing init script '…'` (G `packetdrill.c`). Each SUT runs them its own
 * way: the kernel SUT in the job's namespace before the TUN device exists
 * (kernel-tun/init-scripts.ts), the reference SUT through its command emulation. Pure.
 */
import type { CommandResult } from "./sut.ts";

/** The commands of an `--init_scripts` value, in order (empty entries are skipped). */
export function initScriptCommands(value: string): string[] {
  return value.split(",").filter((c) => c.trim() !== "");
}

/** The message for a failed init script: how it ended and the end of its stderr. */
export function initScriptFailure(command: string, r: CommandResult): string {
  const how = r.timedOut ? "timed out" : r.signal !== null ? `killed by ${r.signal}` : `exit status ${r.exitCode}`;
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  return `error executing init script '${command}': ${how}${tail === "" ? "" : `: ${tail}`}`;
}
