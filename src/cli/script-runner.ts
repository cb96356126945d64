/**
 * Glue between a run request and the interpreter: parse the script, merge its option lines
 * under the job's flags (pkt-language.md §1.5), open the SUT for the resulting network flags,
 * run `runScript` and close the SUT. Callers (the run command, the script host, kernel tests)
 * pass how to open a SUT and where events go.
 */
import { MonotonicClock, SutVirtualClock, type Clock } from "../interp/clock.ts";
import type { EmitScriptEvent, Variant } from "../interp/events.ts";
import { type FlagValues, mergeFlags, runOptionsFromFlags } from "../interp/run-options.ts";
import { type ScriptOutcome, runScript } from "../interp/run.ts";
import { parseScript } from "../script/parse.ts";
import type { Sut } from "../sut/sut.ts";

/** One script run as one variant. */
export interface ScriptRunRequest {
  /** The file name events and messages use. */
  readonly file: string;
  readonly source: string;
  readonly variant: Variant;
  /** Config and command-line flags (packetdrill names); they override the script's option lines. */
  readonly flags: FlagValues;
  readonly defines: Readonly<Record<string, string>>;
  readonly verbose?: boolean;
}

/** Opens a SUT for the merged flags (script options + request flags, `ip_version` = variant). */
export type OpenSut = (flags: FlagValues, defines: Readonly<Record<string, string>>) => Promise<Sut>;

/** Parses and runs one request; the SUT is always closed. Emits scriptStart … scriptEnd. */
export async function runScriptRequest(req: ScriptRunRequest, openSut: OpenSut, emit: EmitScriptEvent): Promise<ScriptOutcome> {
  const parsed = parseScript(req.source, req.file);
  const job = { file: req.file, variant: req.variant };
  if (parsed.script === null) {
    const d = parsed.diagnostics[0];
    const message = d ? `${req.file}:${d.span.start.line}: parse error: ${d.message}` : `${req.file}: parse error`;
    const line = d?.span.start.line ?? null;
    emit({ kind: "scriptStart", ...job });
    emit({ kind: "eventFail", ...job, line, message, fatal: true, ms: 0 });
    emit({ kind: "scriptEnd", ...job, verdict: "error", line, message, ms: 0 });
    return { verdict: "error", failure: { line, message }, warnings: [] };
  }
  const flags = { ...mergeFlags(parsed.script, req.flags), ip_version: req.variant };
  const sut = await openSut(flags, req.defines);
  try {
    const clock: Clock = sut.kind === "reference" ? new SutVirtualClock(sut) : new MonotonicClock(sut);
    const options = runOptionsFromFlags(flags, {
      clock, file: req.file, variant: req.variant, defines: new Map(Object.entries(req.defines)), verbose: req.verbose ?? false,
    });
    return await runScript(parsed.script, sut, options, emit);
  } finally {
    await sut.close();
  }
}
