/**
 * Pass `quirks-notes`: the `(…)` text after a syscall's errno or result (pkt-language.md §6.1).
 * packetdrill never checks it, but its grammar reads it as `'(' (WORD | 'flags') WORD* ')'`, so
 * a keyword (`ack`, `win`, the fork's `port` …), a number or punctuation in it is a parse error
 * there. mptcpdrill takes any text up to `)`.
 */
import type { Syscall } from "../ast.ts";
import { warning } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";
import { keywordOwner } from "./quirks-keywords.ts";

/** Why packetdrill cannot lex `piece` as a WORD of a note (`first`: `flags` is allowed there). */
function pieceProblem(piece: string, first: boolean): string | null {
  if (!/^[A-Za-z0-9_]+$/.test(piece)) return `'${piece}' is not a plain word (letters, digits, '_')`;
  if (/^-?[0-9]+$/.test(piece) || /^0x[0-9A-Fa-f]+$/.test(piece)) return `'${piece}' is a number, not a word`;
  if (first && piece === "flags") return null;
  const owner = keywordOwner(piece);
  return owner === null ? null : `'${piece}' is a keyword of ${owner}`;
}

/** The first problem in a note's text, if any. */
function noteProblem(text: string): string | null {
  const pieces = text.split(/\s+/).filter((p) => p !== "");
  for (const [i, piece] of pieces.entries()) {
    const problem = pieceProblem(piece, i === 0);
    if (problem !== null) return problem;
  }
  return null;
}

/** The pass. */
export const quirksNotes: CheckPass = {
  name: "quirks-notes",
  run({ script, report }) {
    for (const event of script.events) {
      if (event.action.kind !== "syscall") continue;
      const call: Syscall = event.action;
      const texts = [call.errno?.description, call.note];
      for (const text of texts) {
        if (text === undefined || text === null) continue;
        const problem = noteProblem(text);
        if (problem === null) continue;
        const span = text === call.note || call.errno === null ? call.span : call.errno.span;
        report(warning("quirk-note-word", `Note '(${text})' does not parse in packetdrill: ${problem}`, span, [
          "packetdrill's grammar takes only plain words, no keywords, in a syscall's '(…)' note (pkt-language.md §6.1)",
          "fix: reword the note with plain words, or drop it (it is never checked)",
        ]));
      }
    }
  },
};
