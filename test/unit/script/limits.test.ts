// Script limits are diagnostics at the construct's own line and column, the same whoever parses
// (alone, in a batch, any variant), never a stack overflow whose depth depends on the caller.
import { expect } from "chai";
import fc from "fast-check";
import { checkLimits, MAX_LINE_LENGTH, MAX_NESTING, MAX_SCRIPT_LENGTH } from "../../../src/script/limits.ts";
import { parseScript } from "../../../src/script/parse.ts";
import { renderDiagnostic } from "../../../src/script/render.ts";

const SOCKET = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
const nested = (n: number): string => `${SOCKET}+0 writev(3, ${"[".repeat(n)}{iov_base=..., iov_len=1}${"]".repeat(n)}, 1) = 1\n`;

describe("script limits", () => {
  it(`nesting up to ${MAX_NESTING} levels parses; one more is a 'limit' error at the bracket that breaks it`, () => {
    // `writev(` is level 1, n brackets the next n levels, `{` the last: n + 2 levels in all.
    expect(checkLimits(nested(MAX_NESTING - 2), "t.pkt")).to.deep.equal([]);
    const [d] = checkLimits(nested(MAX_NESTING - 1), "t.pkt");
    expect(d?.code).to.equal("limit");
    // The first '[' is at column 14, so the `{` after n of them at column 14 + n.
    expect([d?.span.start.line, d?.span.start.column]).to.deep.equal([2, 14 + MAX_NESTING - 1]);
    expect(d?.message).to.equal(`brackets nest more than ${MAX_NESTING} levels deep here`);
  });

  it("100 000 levels: the same one diagnostic from parseScript, at any stack depth", () => {
    const deep = nested(100_000);
    const direct = parseScript(deep, "t.pkt").diagnostics;
    const recurse = (k: number): ReturnType<typeof parseScript> => (k === 0 ? parseScript(deep, "t.pkt") : recurse(k - 1));
    const underStack = recurse(3000).diagnostics;
    expect(direct.map((d) => renderDiagnostic(d))).to.deep.equal(underStack.map((d) => renderDiagnostic(d)));
    expect(direct).to.have.length(1);
    expect(direct[0]?.message).to.match(/brackets nest more than/);
  });

  it("brackets in comments, strings, backtick commands and code blocks do not count", () => {
    const many = "(".repeat(MAX_NESTING + 5);
    const text = `${SOCKET}// ${many}\n/* ${many} */\n+0 \`echo "${many}"\`\n+0 %{ x = "${many}" }%\n`;
    expect(checkLimits(text, "t.pkt")).to.deep.equal([]);
  });

  it("a line over the length limit is named by its number", () => {
    const text = `${SOCKET}// ${"x".repeat(MAX_LINE_LENGTH)}\n${SOCKET}`;
    const [d] = checkLimits(text, "t.pkt");
    expect(d?.span.start.line).to.equal(2);
    expect(d?.message).to.equal(`line 2 has ${MAX_LINE_LENGTH + 3} characters; at most ${MAX_LINE_LENGTH} are allowed`);
  });

  it("a script over the size limit gets one error at 1:1", () => {
    const text = `${SOCKET}${`// ${"y".repeat(1000)}\n`.repeat(Math.ceil(MAX_SCRIPT_LENGTH / 1000))}`;
    const [d] = checkLimits(text, "t.pkt");
    expect([d?.span.start.line, d?.span.start.column]).to.deep.equal([1, 1]);
    expect(d?.message).to.match(/at most \d+ are read/);
  });

  it("property: any text within the limits gets no limit diagnostic; nesting is found wherever it is", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => checkLimits(s, "t.pkt").length === 0 || /[([{]/.test(s) || s.length > MAX_LINE_LENGTH));
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: MAX_NESTING + 1, max: 400 }), (line, depth) => {
      const text = `${SOCKET.repeat(line)}+0 f(${"{".repeat(depth - 1)}`;
      const [d] = checkLimits(text, "t.pkt");
      return d?.span.start.line === line + 1 && d.span.start.column === 6 + MAX_NESTING - 1;
    }));
  });
});
