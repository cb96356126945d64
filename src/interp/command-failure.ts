/**
 * Why a backtick command failed (pkt-language.md §7): packetdrill's words (`error executing init
 * command: non-zero status 127`), then what packetdrill's user would have seen on the terminal and
 * we captured instead: the last line of the command's stderr on the first line (the line every
 * reporter shows), the command and up to {@link STDERR_TAIL_LINES} lines of stderr under it.
 */
import type { CommandResult } from "../sut/sut.ts";

/** Lines of a failed command's stderr shown under the first line of its failure. */
export const STDERR_TAIL_LINES = 5;
/** Longest stderr line quoted on the first line of a failure, in characters. */
const MAX_REASON = 200;

function stderrLines(r: Pick<CommandResult, "stderr">): string[] {
  return r.stderr.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
}

/** `non-zero status 127 (sh: 1: ./x.sh: not found)`, `killed by SIGKILL`, `timed out`. */
export function exitReason(r: Pick<CommandResult, "exitCode" | "signal" | "timedOut" | "stderr">): string {
  const how = r.timedOut ? "timed out" : r.signal !== null ? `killed by ${r.signal}` : `non-zero status ${r.exitCode}`;
  const last = stderrLines(r).at(-1)?.trim();
  if (last === undefined) return how;
  return `${how} (${last.length > MAX_REASON ? `${last.slice(0, MAX_REASON)}…` : last})`;
}

/**
 * The whole failure text of a command: `first` (packetdrill's words up to the colon), the
 * {@link exitReason}, then `command: TEXT` (when `first` does not name it) and the stderr tail,
 * one per line.
 */
export function commandFailure(first: string, command: string | null, r: Pick<CommandResult, "exitCode" | "signal" | "timedOut" | "stderr">): string {
  const tail = stderrLines(r).slice(-STDERR_TAIL_LINES);
  const out = [`${first}: ${exitReason(r)}`];
  if (command !== null) out.push(`command: ${command}`);
  if (tail.length === 0) out.push("stderr: (empty)");
  else out.push("stderr:", ...tail.map((l) => `  ${l}`));
  return out.join("\n");
}
