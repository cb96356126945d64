/**
 * Size limits of a script, checked before parsing so that a script beyond them gets one
 * diagnostic at the construct's own line and column, the same alone or in a batch, in `check`
 * and in every variant of `run` (a parser or a walk over the tree that recursed as deep as the
 * input nests would fail with a stack overflow whose depth depends on who calls it).
 *
 * The limits are far above what real scripts use: the upstream TCP and MPTCP corpora nest
 * brackets at most 5 deep, their longest line has 210 characters and their largest script 11 KB.
 */
import { error, type Diagnostic } from "./diagnostic.ts";
import type { Position } from "./span.ts";

/** Deepest nesting of `(`, `[` and `{` outside strings, comments, commands and code blocks. */
export const MAX_NESTING = 64;
/** Longest line, in characters. */
export const MAX_LINE_LENGTH = 65_536;
/** Largest script, in characters. */
export const MAX_SCRIPT_LENGTH = 4 * 1024 * 1024;

/** The first limit the script breaks, as a diagnostic; empty when it keeps them all. */
export function checkLimits(source: string, file: string): Diagnostic[] {
  const at = (offset: number, line: number, lineStart: number): Position => ({ line, column: offset - lineStart + 1, offset });
  const diag = (message: string, offset: number, line: number, lineStart: number): Diagnostic[] => {
    const start = at(offset, line, lineStart);
    return [error("limit", message, { file, start, end: { ...start, column: start.column + 1, offset: offset + 1 } })];
  };
  if (source.length > MAX_SCRIPT_LENGTH) {
    return [error("limit", `the script has ${source.length} characters; at most ${MAX_SCRIPT_LENGTH} are read`, {
      file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 },
    })];
  }
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\n") {
      if (i - lineStart > MAX_LINE_LENGTH) return diag(`line ${line} has ${i - lineStart} characters; at most ${MAX_LINE_LENGTH} are allowed`, lineStart + MAX_LINE_LENGTH, line, lineStart);
      line++;
      lineStart = i + 1;
      continue;
    }
    const skipTo = skipOpaque(source, i);
    if (skipTo > i) {
      // Count the lines inside the skipped text (comments, strings, commands, code blocks).
      for (let j = source.indexOf("\n", i); j !== -1 && j < skipTo; j = source.indexOf("\n", j + 1)) {
        if (j - lineStart > MAX_LINE_LENGTH) return diag(`line ${line} has ${j - lineStart} characters; at most ${MAX_LINE_LENGTH} are allowed`, lineStart + MAX_LINE_LENGTH, line, lineStart);
        line++;
        lineStart = j + 1;
      }
      i = skipTo - 1;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      depth++;
      if (depth > MAX_NESTING) return diag(`brackets nest more than ${MAX_NESTING} levels deep here`, i, line, lineStart);
    } else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
  }
  if (source.length - lineStart > MAX_LINE_LENGTH) {
    return diag(`line ${line} has ${source.length - lineStart} characters; at most ${MAX_LINE_LENGTH} are allowed`, lineStart + MAX_LINE_LENGTH, line, lineStart);
  }
  return [];
}

/**
 * The offset just past an opaque token starting at `i` (a `//` or `/* *\/` comment, a string, a
 * backtick command or a `%{ }%` code block), or `i` when none starts there. An unterminated one
 * runs to the end: the parser reports it.
 */
function skipOpaque(s: string, i: number): number {
  const c = s[i];
  const next = s[i + 1];
  const end = (close: string, from: number): number => {
    const k = s.indexOf(close, from);
    return k === -1 ? s.length : k + close.length;
  };
  if (c === "/" && next === "/") {
    const k = s.indexOf("\n", i);
    return k === -1 ? s.length : k;
  }
  if (c === "/" && next === "*") return end("*/", i + 2);
  if (c === "%" && next === "{") return end("}%", i + 2);
  if (c === "`") return end("`", i + 1);
  if (c === '"') {
    for (let k = i + 1; k < s.length; k++) {
      if (s[k] === "\\") k++;
      else if (s[k] === '"') return k + 1;
    }
    return s.length;
  }
  return i;
}
