/**
 * The canonical form of a script (`mptcpdrill fmt`): printed from the AST, never by re-spacing
 * source lines. One statement per line, one space between tokens, options as `<a, b>`, the time
 * column padded to a common width, at most one blank line between blocks.
 *
 * Comments are whitespace to the grammar, so they are recovered from the source text in the gaps
 * between top-level items (option lines and events), using the node spans: a comment on the same
 * line as the end of an item stays at the end of that line, others keep their own lines. A
 * comment inside a multi-line statement moves to its own line just before that statement.
 * Invariants (tested over the corpus): `parse(fmt(s))` equals `parse(s)` without spans, and
 * `fmt(fmt(s)) === fmt(s)`.
 */
import type { Event, EventTime, Script } from "./ast.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { printAction } from "./fmt-print.ts";
import { parseScript } from "./parse.ts";

/** The formatted text, or the syntax diagnostics of a script that does not parse. */
export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Times wider than this are not used to pad the time column (a rare `+0...0.250` would push every line right). */
const MAX_TIME_WIDTH = 8;

/** A comment found in the source, with how many line breaks precede it in its gap. */
interface Comment {
  readonly text: string;
  readonly breaksBefore: number;
}

/** What lies in one gap of source text: its comments, and the line breaks after the last one. */
interface Gap {
  readonly comments: readonly Comment[];
  readonly breaksAfter: number;
}

/** Skips a quoted run (`"…"` or `` `…` ``, backslash escapes) starting at `i`; returns the index after it. */
function skipQuoted(text: string, i: number): number {
  const quote = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== quote) j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

/**
 * Finds comments in `text`: whitespace and comments only for a gap, or a statement's source
 * when `code` is true (strings, backticks and `%{ }%` bodies are skipped there).
 */
function scanComments(text: string, code: boolean): Gap {
  const comments: Comment[] = [];
  let breaks = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (c === "\n") {
      breaks++;
      i++;
    } else if (two === "//" || two === "/*") {
      const end = two === "//" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 2;
      const stop = end < (two === "//" ? 0 : 2) ? text.length : end;
      comments.push({ text: text.slice(i, stop).replace(/[ \t\r]+$/, ""), breaksBefore: breaks });
      breaks = 0;
      i = stop;
    } else if (code && (c === '"' || c === "`")) {
      i = skipQuoted(text, i);
    } else if (code && two === "%{") {
      const end = text.indexOf("}%", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      i++;
    }
  }
  return { comments, breaksAfter: breaks };
}

/** Prints an event's time: `0`, `+.1`, `*`, `0.3~0.31`, `+0.3~+0.31`, plus `...END` for a blocking call. */
export function printTime(time: EventTime | null, blockingEnd: Event["blockingEnd"]): string {
  if (time === null) return "";
  const base =
    time.kind === "abs" ? time.at.text
    : time.kind === "rel" ? `+${time.offset.text}`
    : time.kind === "any" ? "*"
    : time.kind === "absRange" ? `${time.start.text}~${time.end.text}`
    : `+${time.start.text}~+${time.end.text}`;
  return blockingEnd === null ? base : `${base}...${blockingEnd.text}`;
}

/** One top-level item: its printed line and its source span. */
interface Item {
  readonly line: string;
  readonly start: number;
  readonly end: number;
}

/** Prints events with times right-aligned to the widest time (up to {@link MAX_TIME_WIDTH}). */
function eventLines(events: readonly Event[]): string[] {
  const times = events.map((e) => printTime(e.time, e.blockingEnd));
  const width = Math.max(0, ...times.filter((t) => t.length <= MAX_TIME_WIDTH).map((t) => t.length));
  return events.map((e, i) => {
    const time = times[i] ?? "";
    const action = printAction(e.action);
    return time === "" ? action : `${time.padStart(width)} ${action}`;
  });
}

/** The option lines and events of a script as printed items, in source order. */
function items(script: Script): Item[] {
  const options = script.options.map((o): Item => ({
    line: o.value === null ? `--${o.name}` : `--${o.name}=${o.value.raw}`,
    start: o.span.start.offset,
    end: o.span.end.offset,
  }));
  const lines = eventLines(script.events);
  const events = script.events.map((e, i): Item => ({ line: lines[i] ?? "", start: e.span.start.offset, end: e.span.end.offset }));
  return [...options, ...events];
}

/** Appends a gap's comments to `out`: same-line comments join the current line, others get their own. */
function emitGap(out: string[], gap: Gap, atStart: boolean): void {
  for (const c of gap.comments) {
    if (c.breaksBefore === 0 && out.length > 0) {
      out[out.length - 1] += ` ${c.text}`;
      continue;
    }
    if (c.breaksBefore >= 2 && !atStart && out.length > 0) out.push("");
    out.push(c.text);
  }
}

/**
 * Prints a parsed script in canonical form. `source` is the text it was parsed from, used only
 * to recover comments and blank lines.
 */
export function formatScript(script: Script, source: string): string {
  const out: string[] = [];
  let cursor = 0;
  for (const item of items(script)) {
    const gap = scanComments(source.slice(cursor, item.start), false);
    emitGap(out, gap, cursor === 0);
    const inner = scanComments(source.slice(item.start, item.end), true);
    if (gap.breaksAfter >= 2 && out.length > 0) out.push("");
    for (const c of inner.comments) out.push(c.text);
    out.push(item.line);
    cursor = item.end;
  }
  const tail = scanComments(source.slice(cursor), false);
  emitGap(out, tail, cursor === 0);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** Parses and formats a script; a script with syntax errors is returned as its diagnostics. */
export function formatSource(source: string, file: string): FormatResult {
  const parsed = parseScript(source, file);
  if (parsed.script === null) return { ok: false, diagnostics: parsed.diagnostics };
  return { ok: true, text: formatScript(parsed.script, source) };
}
