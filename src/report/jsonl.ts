/**
 * JSON Lines reporter: one object per finished script and variant,
 * `{"file","variant","verdict","line","message","ms","known"}` (`known`: the known-difference tag
 * `{sut,kind,reason,line}` behind an `xfail`/`xpass` verdict, else null; then `fixedMs` `{start,end}`, the runner's
 * own cost around a kernel script, where measured; then `seed`, the run's seed that `--seed` replays,
 * when the runner has one), written and flushed as each job ends so a
 * killed run keeps every verdict already known. The last line is a summary object
 * `{"summary":{pass,fail,error,skip},"ms","interrupted"}` when the run ends normally or on a signal.
 */
import type { FixedCost, KnownDifferenceTag, RunEvent } from "../interp/events.ts";
import type { Reporter, ReporterFactory, ReportSink } from "./reporter.ts";

/** One line of the jsonl report. Keys in this order. */
export interface JsonlVerdictLine {
  readonly file: string;
  readonly variant: string;
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string | null;
  readonly ms: number;
  readonly known: KnownDifferenceTag | null;
  /** The runner's fixed cost around the script (kernel jobs), when measured. */
  readonly fixedMs?: FixedCost;
  /** The run's seed (`mptcpdrill run --seed N` replays the job's random values), when known. */
  readonly seed?: number;
}

class JsonlReporter implements Reporter {
  constructor(private readonly sink: ReportSink) {}

  onEvent(event: RunEvent): void {
    if (event.kind === "scriptEnd") {
      const row: JsonlVerdictLine = {
        file: event.file, variant: event.variant, verdict: event.verdict, line: event.line, message: event.message, ms: Math.round(event.ms),
        known: event.known ?? null, ...(event.fixedMs === undefined ? {} : { fixedMs: event.fixedMs }),
        ...(event.seed === undefined ? {} : { seed: event.seed }),
      };
      this.emit(row);
    } else if (event.kind === "runEnd") {
      this.emit({ summary: event.counts, ms: Math.round(event.ms), interrupted: event.interrupted });
    }
  }

  private emit(value: unknown): void {
    this.sink.write(`${JSON.stringify(value)}\n`);
    this.sink.flush?.();
  }
}

/** Factory for `--reporter jsonl`. */
export const jsonlReporter: ReporterFactory = (sink) => new JsonlReporter(sink);
