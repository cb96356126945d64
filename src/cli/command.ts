/** The shape of one CLI sub-command (`check`, `fmt`, `run`, `decode`, …). */
import type { CliIo } from "./io.ts";

/** A sub-command: parses its own arguments and returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for `mptcpdrill --help`. */
  readonly summary: string;
  /** Full usage text for `mptcpdrill NAME --help`. */
  readonly usage: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command: 0 all good, 1 a script failed or was flagged, 2 usage or environment. */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
/** Stopped by a signal: 128 + its number, as a shell reports it (SIGINT 2, SIGTERM 15). */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;
