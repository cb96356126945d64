/**
 * Pass `quirks-source`: source text that mptcpdrill reads but packetdrill's flex lexer does not
 * (pkt-language.md §1.2, §10): `\r` is not whitespace there, so a CRLF script fails to parse,
 * and a `//` comment needs a terminating newline, so one on the last line without it is read
 * as two `/` characters. Warnings only: mptcpdrill runs these scripts as written.
 */
import { warning } from "../diagnostic.ts";
import type { Position, Span } from "../span.ts";
import type { CheckPass } from "./pass.ts";

/** Line, column (1-based) and offset of `offset` in `source`. */
function positionAt(source: string, offset: number): Position {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1, offset };
}

/** The span of `length` characters at `offset`. */
function spanAt(file: string, source: string, offset: number, length: number): Span {
  return { file, start: positionAt(source, offset), end: positionAt(source, offset + length) };
}

/** The pass; it needs `options.source` (given by `checkScript`) and does nothing without it. */
export const quirksSource: CheckPass = {
  name: "quirks-source",
  run({ script, options, report }) {
    const source = options.source;
    if (source === undefined) return;
    const cr = source.indexOf("\r");
    if (cr >= 0) {
      const count = source.split("\r").length - 1;
      report(warning("quirk-crlf", "Carriage return in the script: packetdrill does not parse CRLF line endings", spanAt(script.file, source, cr, 1), [
        `packetdrill's lexer treats '\\r' as an unexpected character (${count} in this file)`,
        "fix: convert the file to LF line endings (e.g. 'sed -i s/\\r$// FILE')",
      ]));
    }
    const lastLineStart = source.lastIndexOf("\n") + 1;
    const lastLine = source.slice(lastLineStart);
    const comment = lastLine.search(/^\s*\/\//);
    if (comment >= 0) {
      const at = lastLineStart + lastLine.indexOf("//");
      report(warning("quirk-comment-eof", "Comment on the last line without a newline: packetdrill reads it as two '/' characters", spanAt(script.file, source, at, lastLine.length - (at - lastLineStart)), [
        "packetdrill's '//' comments end at a newline, and there is none here",
        "fix: end the file with a newline",
      ]));
    }
  },
};
