/**
 * Diagnostics: script problems as values (house-style rules 11 and 17). Parsing and every check
 * pass push diagnostics into a list; a run fails only after all of them are reported.
 * Messages are sentence case, quote names with single quotes, and have no trailing period.
 */
import type { Span } from "./span.ts";

/** `error` makes `check` fail; `warning` never does. */
export type Severity = "error" | "warning";

/** One problem in a script, with where it is and optional notes. */
export interface Diagnostic {
  readonly severity: Severity;
  /** A stable kebab-case identifier, e.g. `syntax`, `unknown-option`, `time-backwards`. */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  /** Extra lines printed as `note: …` after the caret frame. */
  readonly notes: readonly string[];
}

/** Builds an error diagnostic. */
export function error(code: string, message: string, span: Span, notes: readonly string[] = []): Diagnostic {
  return { severity: "error", code, message, span, notes };
}

/** Builds a warning diagnostic. */
export function warning(code: string, message: string, span: Span, notes: readonly string[] = []): Diagnostic {
  return { severity: "warning", code, message, span, notes };
}

/** True when any diagnostic in the list is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
