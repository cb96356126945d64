/**
 * Pass `quirks-strings`: string escapes packetdrill decodes differently (pkt-language.md §1.3).
 * It decodes `\n \r \t \v \f` and `\xHH`; a missing `break` makes both `\\` and `\"` come out
 * as 0x0C (form feed), and any other escape stops the run (`unsupported escape code`).
 * mptcpdrill decodes `\\` and `\"` as written, so the same script behaves differently.
 */
import type { StringPart } from "../ast.ts";
import { warning } from "../diagnostic.ts";
import type { Span } from "../span.ts";
import { walkNodes, type CheckPass } from "./pass.ts";

/** The span of the escape at `index` in `part.raw` (the raw text starts after the quote). */
function escapeSpan(part: StringPart, index: number, length: number): Span {
  if (part.raw.includes("\n")) return part.span;
  const at = (k: number) => ({ line: part.span.start.line, column: part.span.start.column + 1 + k, offset: part.span.start.offset + 1 + k });
  return { file: part.span.file, start: at(index), end: at(index + length) };
}

/** The pass. */
export const quirksStrings: CheckPass = {
  name: "quirks-strings",
  run({ script, report }) {
    walkNodes(script.events, (node) => {
      if (node.kind !== "stringPart") return;
      const part = node as StringPart;
      for (const m of part.raw.matchAll(/\\(x[0-9A-Fa-f]{2}|.|$)/gs)) {
        const esc = m[1] ?? "";
        const span = escapeSpan(part, m.index, m[0].length);
        if (esc === "\\" || esc === "\"") {
          const hex = esc === "\\" ? "\\x5c" : "\\x22";
          report(warning("quirk-string-escape", `Escape '${m[0]}' decodes to 0x0C (form feed) in packetdrill`, span, [
            "packetdrill's string decoder falls through from these escapes into '\\f' (pkt-language.md §1.3)",
            `fix: write '${hex}', which both decode alike`,
          ]));
        } else if (!/^(x[0-9A-Fa-f]{2}|[nrtvf])$/.test(esc)) {
          report(warning("quirk-string-escape", `Escape '${m[0]}' is not supported by packetdrill`, span, [
            "packetdrill decodes only \\n \\r \\t \\v \\f and \\xHH (two hex digits), and stops with 'unsupported escape code' on others",
            "fix: write the character as '\\xHH'",
          ]));
        }
      }
    });
  },
};
