/**
 * Source locations (house-style rule 10): every AST node and every diagnostic carries a span.
 * Lines and columns are 1-based; offsets are 0-based UTF-16 indices into the source text.
 */

/** One point in a source file. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A half-open range `[start, end)` in one source file. */
export interface Span {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}
