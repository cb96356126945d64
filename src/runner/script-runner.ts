/**
 * Glue between a job and the interpreter: merge the script's option lines under the job's flags
 * and its `--define` lines under the job's defines (pkt-language.md §1.4, §1.5), open the SUT for the resulting network flags, run `runScript` on the
 * already parsed script and close the SUT. Callers (the reference runner, the script host, the
 * warm-ups) pass how to open a SUT and where events go.
 */
import { MonotonicClock, SutVirtualClock, type Clock } from "../interp/clock.ts";
import type { EmitScriptEvent, Variant } from "../interp/events.ts";
import { type FlagValues, mergeDefines, mergeFlags, runOptionsFromFlags } from "../interp/run-options.ts";
import { type ScriptOutcome, runScript } from "../interp/run.ts";
import type { Script } from "../script/ast.ts";
import { parseScript } from "../script/parse.ts";
import { SeededRng } from "../rng.ts";
import type { Sut } from "../sut/sut.ts";
import { jobSeed } from "./job-seed.ts";

/** One parsed script run as one variant. */
export interface ScriptRunRequest {
  /** The file name events and messages use. */
  readonly file: string;
  readonly script: Script;
  readonly variant: Variant;
  /** Config and command-line flags (packetdrill names); they override the script's option lines. */
  readonly flags: FlagValues;
  readonly defines: Readonly<Record<string, string>>;
  readonly verbose?: boolean;
  /** The run's seed; the interpreter's generator derives from it and the job (job-seed.ts). */
  readonly seed: number;
}

/** Opens a SUT for the merged flags (script options + request flags, `ip_version` = variant). */
export type OpenSut = (flags: FlagValues, defines: Readonly<Record<string, string>>) => Promise<Sut>;

/** Runs one request; the SUT is always closed. Emits scriptStart … scriptEnd. */
export async function runScriptRequest(req: ScriptRunRequest, openSut: OpenSut, emit: EmitScriptEvent): Promise<ScriptOutcome> {
  const flags = { ...mergeFlags(req.script, req.flags), ip_version: req.variant };
  const defines = mergeDefines(req.script, req.defines);
  const sut = await openSut(flags, defines);
  try {
    const clock: Clock = sut.kind === "reference" ? new SutVirtualClock(sut) : new MonotonicClock(sut);
    const options = runOptionsFromFlags(flags, {
      clock, rng: new SeededRng(jobSeed(req.seed, req, "interp")), file: req.file, variant: req.variant, defines: new Map(Object.entries(defines)), verbose: req.verbose ?? false,
    });
    return await runScript(req.script, sut, options, emit);
  } finally {
    await sut.close();
  }
}

/** Parses `source` (our own scripts: warm-ups, tests); throws on a parse error. */
export function parseOwnScript(source: string, file: string): Script {
  const parsed = parseScript(source, file);
  if (parsed.script === null) throw new Error(`${file}: ${parsed.diagnostics[0]?.message ?? "parse error"}`);
  return parsed.script;
}
