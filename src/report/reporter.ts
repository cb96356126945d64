/**
 * The reporter contract (house-style rule 15): a reporter subscribes to {@link RunEvent}s and
 * writes text to an injected {@link ReportSink}. It never decides pass or fail and never opens
 * files itself; the CLI hands it stdout or a file sink.
 */
import { type FailureDetail, type JobRef, type KnownDifferenceTag, type RunEvent, type ScriptEndEvent, textFailure } from "../interp/events.ts";

/** Where a reporter writes. Text written must reach the destination before `write` returns or at `flush`. */
export interface ReportSink {
  write(text: string): void;
  /** Push written text to the destination (file sinks: fsync), so a killed run keeps it. */
  flush?(): void;
  /** Release the destination; no write follows. */
  close?(): void;
  /**
   * Replace the whole destination with `text` at once (file sinks: a temporary file renamed over
   * it), for documents that cannot be streamed: a run killed at any moment leaves the last
   * complete one, never a truncated file. Absent for streams (stdout).
   */
  replace?(text: string): void;
  /** True for an interactive terminal: reporters may redraw a progress line. */
  readonly isTTY: boolean;
}

/** Options every reporter factory receives. */
export interface ReporterOptions {
  /** `-v`: show passing events and `log` events. */
  readonly verbose: boolean;
  /**
   * run_all.py `-l` / `-L`: a job's `log` events (its packet dumps) are kept and printed under its
   * result line when it failed (or ended in error) / passed, instead of live for every job.
   */
  readonly logOnError?: boolean;
  readonly logOnSuccess?: boolean;
  /** Clock for the progress line, milliseconds; injected so golden output stays stable. */
  readonly now?: () => number;
  /** When the run started (ms since the epoch; JUnit's `timestamp`); default: `now()` at creation. */
  readonly startedAt?: number;
  /** The kernel release of the machine (`uname -r`), read by the CLI; absent when unknown. */
  readonly kernel?: string;
  /** The machine's host name (JUnit's `hostname`), read by the CLI. */
  readonly hostname?: string;
  /** The command line of the run (`mptcpdrill run …`), shown by the HTML report. */
  readonly command?: readonly string[];
}

/** A subscriber that renders run events to its sink. */
export interface Reporter {
  onEvent(event: RunEvent): void;
}

/** Builds a reporter writing to `sink`. */
export type ReporterFactory = (sink: ReportSink, options: ReporterOptions) => Reporter;

/** Formats milliseconds as packetdrill-like short durations: `850 ms`, `1.2 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/**
 * `file:line: message`, unless the message already starts with the file name (packetdrill-shaped
 * messages carry their own `<path>:<line>:` prefix, pkt-language.md §9).
 */
export function withLocation(file: string, line: number | null, message: string): string {
  if (message.startsWith(`${file}:`)) return message;
  return `${line === null ? file : `${file}:${line}`}: ${message}`;
}

/** `known difference (kernel-deviation, line 3): <reason>`: how reporters name a tag. */
export function describeKnown(tag: KnownDifferenceTag): string {
  return `known difference (${tag.kind}, line ${tag.line}): ${tag.reason}`;
}

function jobKey(e: JobRef): string {
  return `${e.file}\u0000${e.variant}\u0000${e.repeat ?? ""}`;
}

/**
 * The failure of each job, as data: the first fatal `eventFail`'s, kept until the job's
 * `scriptEnd`. A job that failed without one (a script error, a host that died) gets its
 * `scriptEnd` message as the cause; a pass, skip or xpass has none.
 */
export class FailureBook {
  private readonly byJob = new Map<string, FailureDetail>();

  /** Remembers the first fatal failure of the event's job. */
  note(event: RunEvent): void {
    if (event.kind !== "eventFail" || !event.fatal || this.byJob.has(jobKey(event))) return;
    this.byJob.set(jobKey(event), event.failure ?? textFailure("runtime", event.file, event.line, withLocation(event.file, event.line, event.message)));
  }

  /** The failure of the job `end` finishes (forgotten here), or null when it has none. */
  take(end: ScriptEndEvent): FailureDetail | null {
    const f = this.byJob.get(jobKey(end)) ?? null;
    this.byJob.delete(jobKey(end));
    if (f !== null || end.message === null) return f;
    if (end.verdict !== "fail" && end.verdict !== "error" && end.verdict !== "xfail") return null;
    return textFailure(end.verdict === "error" ? "error" : "runtime", end.file, end.line, withLocation(end.file, end.line, end.message));
  }
}
