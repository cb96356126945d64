/**
 * One job of a run: a script run as one IP variant, with everything needed to run it anywhere
 * (in this process against the reference SUT, or in a script host against the kernel).
 */
import type { JobRef } from "../interp/events.ts";

/** Everything a runner needs to run one script as one variant. */
export interface RunJobSpec extends JobRef {
  /** Absolute script path. */
  readonly absFile: string;
  /** The script's folder: the job's working directory (as run_all.py). */
  readonly cwd: string;
  /** packetdrill flags overriding the script's option lines (`ip_version` included). */
  readonly flags: Readonly<Record<string, string | true>>;
  readonly defines: Readonly<Record<string, string>>;
  /** Where the SUT writes the pcap of this job, or null. */
  readonly capturePath: string | null;
  readonly verbose: boolean;
  /**
   * The interpreter's packet log (`log` events) and its system calls' passes (with their results)
   * without `-v`'s other per-event passes: run_all.py's `-l`/`-L`, whose reporter prints it under
   * the job's result, and the HTML report's ladders. Absent = as `verbose`.
   */
  readonly packetLog?: boolean;
  /** The config file used, or null. */
  readonly configPath: string | null;
  /**
   * The run's seed (`--seed`): the job's generators derive from it and the job's identity
   * (job-seed.ts), so the same seed replays the same random values.
   */
  readonly seed: number;
  /** The script's text when it does not come from `absFile` (tests, generated scripts). */
  readonly source?: string;
  /**
   * `--no-shell`: a script with a line that would run a program (backtick command, code block,
   * program-naming option) is refused before anything runs (src/script/shell-use.ts).
   */
  readonly noShell?: boolean;
  /**
   * `--allow-script-programs`: a script's own option line may name a program to run
   * (`--code_command`, `--init_scripts`). Without it such a line refuses the script, unless the
   * command line sets the same option itself (it then overrides the script's).
   */
  readonly allowScriptPrograms?: boolean;
}
