/**
 * Known-difference tags: a header comment that says a script is expected to fail on one SUT and
 * why, so a run reports that failure as `xfail` (and a pass as `xpass`) instead of `fail`.
 *
 * Syntax, one comment line (docs/conformance.md, "Known-difference tags"):
 *
 *   // mptcpdrill: <sut>-differs <kind> — <reason>
 *
 * `<sut>` is a SUT name (`kernel`, `reference`), `<kind>` is `rfc-choice` (the RFC leaves the
 * behaviour open and the SUT chose differently from what the script checks), `kernel-deviation`
 * (the SUT does not do what the RFC requires) or `runner-bug` (our interpreter or SUT adapter is
 * wrong). The separator is an em dash `—` or `--`. The reason may continue on the following
 * comment lines written `//   …` (three or more spaces after `//`). At most one tag per SUT.
 */
import { error, type Diagnostic } from "./diagnostic.ts";
import type { Span } from "./span.ts";

/** Why a SUT differs from what a script checks. */
export type DifferenceKind = "rfc-choice" | "kernel-deviation" | "runner-bug";

/** Every {@link DifferenceKind}, in the order documentation lists them. */
export const DIFFERENCE_KINDS: readonly DifferenceKind[] = ["rfc-choice", "kernel-deviation", "runner-bug"];

/** SUT names a tag may name (those `run --sut` accepts). */
export const TAGGABLE_SUTS: readonly string[] = ["kernel", "reference"];

/** One parsed tag. */
export interface KnownDifference {
  /** The SUT the script is expected to fail on. */
  readonly sut: string;
  readonly kind: DifferenceKind;
  /** The reason, continuation lines joined with one space. */
  readonly reason: string;
  /** 1-based line of the tag comment. */
  readonly line: number;
}

/** Tags and tag problems of one script. */
export interface KnownDifferences {
  readonly tags: readonly KnownDifference[];
  readonly diagnostics: readonly Diagnostic[];
}

const DIRECTIVE = /^\s*\/\/\s*mptcpdrill:/;
const TAG = /^\s*\/\/\s*mptcpdrill:\s*([a-z]+)-differs\s+([a-z-]+)\s+(?:—|--)\s+(\S.*?)\s*$/;
const CONTINUATION = /^\s*\/\/ {3,}(\S.*?)\s*$/;

function lineSpan(file: string, lines: readonly string[], index: number): Span {
  const offset = lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
  const text = lines[index] ?? "";
  const column = text.search(/\S/) + 1;
  return { file, start: { line: index + 1, column, offset: offset + column - 1 }, end: { line: index + 1, column: text.length + 1, offset: offset + text.length } };
}

/** The reason starting on line `index`, with its continuation lines. */
function reasonAt(lines: readonly string[], index: number, first: string): string {
  const parts = [first];
  for (let i = index + 1; i < lines.length; i++) {
    const m = CONTINUATION.exec(lines[i] ?? "");
    if (m === null || DIRECTIVE.test(lines[i] ?? "")) break;
    parts.push(m[1] ?? "");
  }
  return parts.join(" ");
}

/** Checks one matched tag; a diagnostic when its SUT or kind is unknown or its SUT is tagged twice. */
function checkTag(m: RegExpExecArray, span: Span, seen: ReadonlyMap<string, number>): Diagnostic | null {
  const sut = m[1] ?? "";
  const kind = m[2] ?? "";
  if (!TAGGABLE_SUTS.includes(sut)) {
    return error("known-difference-sut", `Unknown SUT '${sut}' in a known-difference tag`, span, [`expected one of: ${TAGGABLE_SUTS.join(", ")}`]);
  }
  if (!DIFFERENCE_KINDS.includes(kind as DifferenceKind)) {
    return error("known-difference-kind", `Unknown difference kind '${kind}'`, span, [`expected one of: ${DIFFERENCE_KINDS.join(", ")}`]);
  }
  const earlier = seen.get(sut);
  if (earlier !== undefined) return error("known-difference-duplicate", `Second known-difference tag for SUT '${sut}'`, span, [`the first one is on line ${earlier}`]);
  return null;
}

/**
 * Finds every `// mptcpdrill:` comment of `source`: well-formed known-difference tags become
 * {@link KnownDifference}s, anything else a diagnostic. Never throws.
 */
export function parseKnownDifferences(source: string, file: string): KnownDifferences {
  const lines = source.split("\n").map((l) => l.replace(/\r$/, ""));
  const tags: KnownDifference[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, number>();
  lines.forEach((text, index) => {
    if (!DIRECTIVE.test(text)) return;
    const span = lineSpan(file, lines, index);
    const m = TAG.exec(text);
    if (m === null) {
      diagnostics.push(error("known-difference-syntax", "Malformed 'mptcpdrill:' tag", span, [
        "expected '// mptcpdrill: <sut>-differs <kind> — <reason>'",
        `kinds: ${DIFFERENCE_KINDS.join(", ")}; the separator is '—' or '--'`,
      ]));
      return;
    }
    const problem = checkTag(m, span, seen);
    if (problem !== null) {
      diagnostics.push(problem);
      return;
    }
    seen.set(m[1] ?? "", index + 1);
    tags.push({ sut: m[1] ?? "", kind: m[2] as DifferenceKind, reason: reasonAt(lines, index, m[3] ?? ""), line: index + 1 });
  });
  return { tags, diagnostics };
}

/** The tag of `source` for `sut`, or null (malformed tags are ignored here; `check` reports them). */
export function knownDifferenceFor(source: string, file: string, sut: string): KnownDifference | null {
  return parseKnownDifferences(source, file).tags.find((t) => t.sut === sut) ?? null;
}
