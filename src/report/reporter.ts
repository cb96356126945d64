/**
 * The reporter contract (house-style rule 15): a reporter subscribes to {@link RunEvent}s and
 * writes text to an injected {@link ReportSink}. It never decides pass or fail and never opens
 * files itself; the CLI hands it stdout or a file sink.
 */
import type { KnownDifferenceTag, RunEvent } from "../interp/events.ts";

/** Where a reporter writes. Text written must reach the destination before `write` returns or at `flush`. */
export interface ReportSink {
  write(text: string): void;
  /** Push written text to the destination (file sinks: fsync), so a killed run keeps it. */
  flush?(): void;
  /** Release the destination; no write follows. */
  close?(): void;
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
