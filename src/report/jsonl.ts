/**
 * JSON Lines reporter: one object per finished script and variant,
 * `{"type":"job","file","variant","verdict","line","message","ms","known","failure"}` (`known`: the
 * known-difference tag `{sut,kind,reason,line}` behind an `xfail`/`xpass` verdict, else null;
 * `failure`: the job's first fatal failure as data (kind, cause, detail, field, expected, actual,
 * line, column, packet dumps, capture, text), else null; then `fixedMs` `{start,end}`, the runner's
 * own cost around a kernel script, where measured; then `seed`, the run's seed that `--seed`
 * replays, when the runner has one; `attempts`, every attempt of a job `--retries` ran more than
 * once; `repeat`, the repetition under `--repeat`; `baseline`, the job against its `--baseline`
 * row; then `capture`, the job's kept pcap file, when there is one), written and flushed as each
 * job ends so a
 * killed run keeps every verdict already known. The last line is a summary object
 * `{"type":"summary","summary":{pass,fail,error,skip,xfail,xpass,flaky},"ms","interrupted"}` when the run ends normally
 * or on a signal. docs/schema/run-events.schema.json is the schema of both records.
 */
import type { AttemptRecord, BaselineNote, FailureDetail, FixedCost, KnownDifferenceTag, RunEvent } from "../interp/events.ts";
import { FailureBook, type Reporter, type ReporterFactory, type ReportSink } from "./reporter.ts";

/** One line of the jsonl report. Keys in this order. */
export interface JsonlVerdictLine {
  /** The record's kind: `job` here, `summary` on the last line. */
  readonly type: "job";
  readonly file: string;
  readonly variant: string;
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string | null;
  readonly ms: number;
  readonly known: KnownDifferenceTag | null;
  /** The job's first fatal failure as data, null when it has none. */
  readonly failure: FailureDetail | null;
  /** The runner's fixed cost around the script (kernel jobs), when measured. */
  readonly fixedMs?: FixedCost;
  /** The run's seed (`mptcpdrill run --seed N` replays the job's random values), when known. */
  readonly seed?: number;
  /** `--retries`: every attempt of a job run more than once, with its failure. */
  readonly attempts?: readonly AttemptRecord[];
  /** `--repeat`: the repetition, 1-based. */
  readonly repeat?: number;
  /** `--baseline`: the job against its baseline row. */
  readonly baseline?: BaselineNote;
  /** The job's kept pcap file (every failure's by default, every job's with `--capture`). */
  readonly capture?: string;
}

class JsonlReporter implements Reporter {
  private readonly failures = new FailureBook();

  constructor(private readonly sink: ReportSink) {}

  onEvent(event: RunEvent): void {
    this.failures.note(event);
    if (event.kind === "scriptEnd") {
      const row: JsonlVerdictLine = {
        type: "job", file: event.file, variant: event.variant, verdict: event.verdict, line: event.line, message: event.message, ms: Math.round(event.ms),
        known: event.known ?? null, failure: this.failures.take(event), ...(event.fixedMs === undefined ? {} : { fixedMs: event.fixedMs }),
        ...(event.seed === undefined ? {} : { seed: event.seed }),
        ...(event.attempts === undefined ? {} : { attempts: event.attempts }),
        ...(event.repeat === undefined ? {} : { repeat: event.repeat }),
        ...(event.baseline === undefined ? {} : { baseline: event.baseline }),
        ...(event.capture === undefined ? {} : { capture: event.capture }),
      };
      this.emit(row);
    } else if (event.kind === "runEnd") {
      this.emit({ type: "summary", summary: event.counts, ms: Math.round(event.ms), interrupted: event.interrupted });
    }
  }

  private emit(value: unknown): void {
    this.sink.write(`${JSON.stringify(value)}\n`);
    this.sink.flush?.();
  }
}

/** Factory for `--reporter jsonl`. */
export const jsonlReporter: ReporterFactory = (sink) => new JsonlReporter(sink);
