/**
 * Diagnostic rendering (house-style rule 11): rustc/peggy-style text with a caret frame, and a
 * flat JSON form for `--json`. Pure: takes the source text, returns strings; never throws on a
 * span that points outside the text (the frame is then left out).
 */
import type { Diagnostic } from "./diagnostic.ts";

/** The JSON shape of one diagnostic (`mptcpdrill check --json`). Lines and columns are 1-based. */
export interface JsonDiagnostic {
  readonly severity: Diagnostic["severity"];
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly notes: readonly string[];
}

/** The JSON shape of one checked script: its path and every diagnostic in source order. */
export interface JsonFileReport {
  readonly file: string;
  readonly diagnostics: readonly JsonDiagnostic[];
}

/** Converts a diagnostic to its `--json` form. */
export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    notes: [...d.notes],
  };
}

/** Splits source text into lines without their terminators (`\n`; a trailing `\r` is kept visible as-is). */
function sourceLines(source: string): string[] {
  return source.split("\n");
}

/** Whitespace that lines up under `text` up to `count` characters: tabs stay tabs, the rest become spaces. */
function padUnder(text: string, count: number): string {
  let pad = "";
  for (let i = 0; i < count; i++) pad += text[i] === "\t" ? "\t" : " ";
  return pad;
}

/** Lines longer than this are shown as a window around the span. */
const MAX_FRAME_WIDTH = 240;
/** Characters shown before the span in such a window. */
const FRAME_CONTEXT = 80;

/**
 * The caret frame for one span: a gutter with the line number, the source line, and `^` under
 * the span. A multi-line span is underlined from its start to the end of its first line; an
 * empty span gets one caret.
 */
export function renderFrame(source: string, d: Diagnostic): string[] {
  const { start, end } = d.span;
  const line = sourceLines(source)[start.line - 1];
  if (line === undefined || start.column < 1) return [];
  const whole = line.endsWith("\r") ? line.slice(0, -1) : line;
  const wholeFrom = Math.min(start.column - 1, whole.length);
  const wholeTo = end.line > start.line ? whole.length : Math.min(end.column - 1, whole.length);
  // A very long line is shown as a window around the span, its cut ends marked with `…`.
  const cut = whole.length > MAX_FRAME_WIDTH ? Math.max(0, wholeFrom - FRAME_CONTEXT) : 0;
  const keep = whole.length > MAX_FRAME_WIDTH ? MAX_FRAME_WIDTH - 2 : whole.length;
  const lead = cut > 0 ? "…" : "";
  const text = `${lead}${whole.slice(cut, cut + keep)}${cut + keep < whole.length ? "…" : ""}`;
  const from = wholeFrom - cut + lead.length;
  const to = Math.min(wholeTo - cut + lead.length, text.length);
  const width = Math.max(1, to - from);
  const num = String(start.line);
  const blank = " ".repeat(num.length);
  return [
    `${blank} |`,
    `${num} | ${text}`,
    `${blank} | ${padUnder(text, from)}${"^".repeat(width)}`,
  ];
}

/**
 * Renders one diagnostic as `file:line:col: error: message`, the caret frame (when `source` is
 * given), then one `note: …` line per note. The result ends with a newline.
 */
export function renderDiagnostic(d: Diagnostic, source?: string): string {
  const { file, start } = d.span;
  const lines = [`${file}:${start.line}:${start.column}: ${d.severity}: ${d.message}`];
  if (source !== undefined) lines.push(...renderFrame(source, d));
  for (const note of d.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

/** Orders diagnostics by position in the file, then errors before warnings; stable otherwise. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) => a.span.start.offset - b.span.start.offset || (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}

/** Renders every diagnostic of one script, in source order, separated by blank lines. */
export function renderDiagnostics(ds: readonly Diagnostic[], source?: string): string {
  return sortDiagnostics(ds)
    .map((d) => renderDiagnostic(d, source))
    .join("\n");
}

/** Counts of each severity, for the `N scripts, N errors, N warnings` summary line. */
export interface DiagnosticCounts {
  readonly errors: number;
  readonly warnings: number;
}

/** Counts errors and warnings in a list. */
export function countDiagnostics(ds: readonly Diagnostic[]): DiagnosticCounts {
  const errors = ds.filter((d) => d.severity === "error").length;
  return { errors, warnings: ds.length - errors };
}

/** The summary line, with singular/plural nouns: `3 scripts, 1 error, 0 warnings`. */
export function renderSummary(scripts: number, counts: DiagnosticCounts): string {
  const noun = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${noun(scripts, "script")}, ${noun(counts.errors, "error")}, ${noun(counts.warnings, "warning")}`;
}
