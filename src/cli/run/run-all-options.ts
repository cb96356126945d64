/**
 * run_all.py's own options (upstream packetdrill's corpus runner), read by `mptcpdrill run` where
 * they mean something here, so a run_all.py command line keeps working:
 *
 * | run_all.py | here |
 * |---|---|
 * | `-4`/`--ipv4`, `-6`/`--ipv6`, `--ipv4mappedv6` | variant selection; together, the union (as run_all.py) |
 * | `-P N`/`--max_in_parallel N` | `-j N` (run_all.py's `0` = every job at once is refused) |
 * | `-S`/`--serialized` | `-j 1`, whatever `-j`/`-P` say (as run_all.py) |
 * | `-c DIR`/`--capture DIR` | `--capture DIR` (one pcap per job) |
 * | `-t DIR`/`--tap DIR` | a TAP reporter writing `DIR/packetdrill_<PATH's base name>.tap` |
 * | `-l`/`--log_on_error`, `-L`/`--log_on_success` | the packet log of failing / passing jobs under their result line |
 * | `-v` (repeatable) | `-v` |
 * | `-p`, `-s` | refused: they split a run by sub-folder, which one job pool has no use for |
 *
 * run_all.py's `--dry_run` (print the commands) is `--list` here: `--dry_run` is packetdrill's.
 */
import type { Variant } from "../../interp/events.ts";

/** The part of `run`'s argument draft that run_all.py's options set. */
export interface RunAllDraft {
  jobs: number;
  variants: readonly Variant[] | null;
  captureDir: string | null;
  verbose: boolean;
  list: boolean;
  /** `-4`, `-6`, `--ipv4mappedv6` given so far. */
  runAllVariants: Variant[];
  serialized: boolean;
  tapDir: string | null;
  logOnError: boolean;
  logOnSuccess: boolean;
}

function addVariant(d: RunAllDraft, v: Variant): null {
  if (!d.runAllVariants.includes(v)) d.runAllVariants.push(v);
  return null;
}

const SPLIT_BY_FOLDER = "not supported: run_all.py runs each sub-folder as its own test set; mptcpdrill schedules every job of a run in one pool (use -j N; give several PATHs to run several folders)";

/** run_all.py switches (no value), each returning a problem or null. */
export const RUN_ALL_SWITCHES: Readonly<Record<string, (d: RunAllDraft) => string | null>> = {
  "-4": (d) => addVariant(d, "ipv4"),
  "--ipv4": (d) => addVariant(d, "ipv4"),
  "-6": (d) => addVariant(d, "ipv6"),
  "--ipv6": (d) => addVariant(d, "ipv6"),
  "--ipv4mappedv6": (d) => addVariant(d, "ipv4-mapped-ipv6"),
  "-S": (d) => ((d.serialized = true), null),
  "--serialized": (d) => ((d.serialized = true), null),
  "-l": (d) => ((d.logOnError = true), null),
  "--log_on_error": (d) => ((d.logOnError = true), null),
  "-L": (d) => ((d.logOnSuccess = true), null),
  "--log_on_success": (d) => ((d.logOnSuccess = true), null),
  "-p": () => `-p (--parallelize_dirs): ${SPLIT_BY_FOLDER}`,
  "--parallelize_dirs": () => `--parallelize_dirs: ${SPLIT_BY_FOLDER}`,
  "-s": () => `-s (--subdirs): ${SPLIT_BY_FOLDER}`,
  "--subdirs": () => `--subdirs: ${SPLIT_BY_FOLDER}`,
};

/** run_all.py options with a value (`-P`, `-t` are aliases of these). */
export const RUN_ALL_VALUED: Readonly<Record<string, (d: RunAllDraft, v: string) => string | null>> = {
  "--max_in_parallel": (d, v) => {
    if (!/^\d+$/.test(v)) return `bad -P/--max_in_parallel: ${v} (expected a positive integer)`;
    if (Number(v) === 0) return "bad -P/--max_in_parallel: 0 (run_all.py's 'every job at once' is not supported: give a number of jobs; the default is one per CPU)";
    d.jobs = Number(v);
    return null;
  },
  "--tap": (d, v) => ((d.tapDir = v), null),
};
