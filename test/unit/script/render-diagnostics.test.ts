import { expect } from "chai";
import { error, warning, type Diagnostic } from "../../../src/script/diagnostic.ts";
import {
  countDiagnostics,
  diagnosticToJson,
  renderDiagnostic,
  renderDiagnostics,
  renderFrame,
  renderSummary,
} from "../../../src/script/render.ts";
import type { Span } from "../../../src/script/span.ts";
import { expectGolden } from "../../support/golden.ts";

const SOURCE = [
  "--tolerance_usecs=100000",
  "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
  "+0 < S 0:0(0) win 70000 <mss 1460,\n   wscale 7>",
  "\t+0 > S. 0:0(0) ack 1 <mss 1460>",
  "",
].join("\n");

/** A span from line/column pairs over SOURCE, with the offsets computed from the text. */
function span(line: number, column: number, endLine: number, endColumn: number): Span {
  const lines = SOURCE.split("\n");
  const offset = (l: number, c: number): number => lines.slice(0, l - 1).reduce((n, s) => n + s.length + 1, 0) + c - 1;
  return {
    file: "demo.pkt",
    start: { line, column, offset: offset(line, column) },
    end: { line: endLine, column: endColumn, offset: offset(endLine, endColumn) },
  };
}

describe("render: diagnostics", () => {
  it("renders location, severity and message, then a caret frame under the span", () => {
    const d = error("value-range", "Value 70000 does not fit 'win' (0..65535)", span(3, 19, 3, 24));
    expect(renderDiagnostic(d, SOURCE)).to.equal(
      [
        "demo.pkt:3:19: error: Value 70000 does not fit 'win' (0..65535)",
        "  |",
        "3 | +0 < S 0:0(0) win 70000 <mss 1460,",
        "  |                   ^^^^^",
        "",
      ].join("\n"),
    );
  });

  it("clips a multi-line span to its first line and prints notes after the frame", () => {
    const d = warning("wscale-large", "Window scale 7 is fine", span(3, 25, 4, 13), ["first note", "second note"]);
    const lines = renderDiagnostic(d, SOURCE).split("\n");
    expect(lines[3]).to.equal("  |                         ^^^^^^^^^^");
    expect(lines.slice(4)).to.deep.equal(["note: first note", "note: second note", ""]);
  });

  it("keeps tabs in the underline so the caret lines up", () => {
    const d = error("x", "Tabbed", span(5, 5, 5, 7));
    expect(renderFrame(SOURCE, d)[2]).to.equal("  | \t   ^^");
  });

  it("gives an empty span one caret, even past the end of the line", () => {
    const d = error("syntax", "Expected '>'", span(2, 44, 2, 44));
    expect(renderFrame(SOURCE, d)[2]).to.equal("  | " + " ".repeat(43) + "^");
  });

  it("leaves the frame out when the span is outside the source or no source is given", () => {
    const d = error("x", "Far away", { file: "f.pkt", start: { line: 99, column: 1, offset: 999 }, end: { line: 99, column: 2, offset: 1000 } });
    expect(renderDiagnostic(d, SOURCE)).to.equal("f.pkt:99:1: error: Far away\n");
    expect(renderDiagnostic(d)).to.equal("f.pkt:99:1: error: Far away\n");
  });

  it("converts to the JSON form with 1-based ends", () => {
    const d = error("value-range", "Too big", span(3, 19, 3, 24), ["n"]);
    expect(diagnosticToJson(d)).to.deep.equal({
      severity: "error",
      code: "value-range",
      message: "Too big",
      line: 3,
      column: 19,
      endLine: 3,
      endColumn: 24,
      notes: ["n"],
    });
  });

  it("counts and summarises with singular and plural nouns", () => {
    const ds: Diagnostic[] = [error("a", "A", span(1, 1, 1, 2)), warning("b", "B", span(1, 1, 1, 2))];
    expect(countDiagnostics(ds)).to.deep.equal({ errors: 1, warnings: 1 });
    expect(renderSummary(1, countDiagnostics(ds))).to.equal("1 script, 1 error, 1 warning");
    expect(renderSummary(3, { errors: 0, warnings: 2 })).to.equal("3 scripts, 0 errors, 2 warnings");
  });

  it("matches the golden rendering of several diagnostics in source order", () => {
    const ds = [
      warning("wscale-large", "Window scale 15 is above the maximum of 14", span(4, 1, 4, 3), ["RFC 7323 §2.3: the kernel clamps it to 14"]),
      error("unknown-option", "Unknown option 'tolerance_usec'", span(1, 1, 1, 25), ["did you mean 'tolerance_usecs'?"]),
      error("value-range", "Value 70000 does not fit 'win' (0..65535)", span(3, 19, 3, 24)),
    ];
    expectGolden("diagnostics/render-several.txt", renderDiagnostics(ds, SOURCE));
  });
});
