import { expect } from "chai";
import { checkScript } from "../../../src/script/check-script.ts";
import { knownDifferenceFor, parseKnownDifferences } from "../../../src/script/known-difference.ts";

const HEAD = "// RFC 8684 §3.3.1 DSS-04: a Data ACK\n";
const BODY = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";

describe("known-difference tags", () => {
  it("parses sut, kind, reason and line, with continuation lines", () => {
    const src = `${HEAD}// mptcpdrill: kernel-differs rfc-choice — Linux sends a 4-octet Data ACK\n//   where the script expects 8 (RFC 8684 §3.3.2)\n// not part of it\n${BODY}`;
    expect(parseKnownDifferences(src, "a.pkt")).to.deep.equal({
      tags: [{ sut: "kernel", kind: "rfc-choice", reason: "Linux sends a 4-octet Data ACK where the script expects 8 (RFC 8684 §3.3.2)", line: 2 }],
      diagnostics: [],
    });
  });
  it("accepts '--' as separator and finds the tag of one SUT only", () => {
    const src = `// mptcpdrill: reference-differs runner-bug -- no code blocks\n${BODY}`;
    expect(knownDifferenceFor(src, "a.pkt", "reference")).to.deep.include({ kind: "runner-bug", reason: "no code blocks", line: 1 });
    expect(knownDifferenceFor(src, "a.pkt", "kernel")).to.equal(null);
  });
  it("reports malformed tags, unknown kinds and SUTs, and duplicates, at their line", () => {
    const src = [
      "// mptcpdrill: kernel-differs rfc-choice no separator",
      "// mptcpdrill: kernel-differs bug — x",
      "// mptcpdrill: pcap-differs rfc-choice — x",
      "// mptcpdrill: kernel-differs rfc-choice — first",
      "// mptcpdrill: kernel-differs kernel-deviation — second",
      BODY,
    ].join("\n");
    const r = parseKnownDifferences(src, "a.pkt");
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column])).to.deep.equal([
      ["known-difference-syntax", 1, 1], ["known-difference-kind", 2, 1], ["known-difference-sut", 3, 1], ["known-difference-duplicate", 5, 1],
    ]);
    expect(r.diagnostics[1]?.notes).to.deep.equal(["expected one of: rfc-choice, kernel-deviation, runner-bug"]);
    expect(r.diagnostics[3]?.notes).to.deep.equal(["the first one is on line 4"]);
    expect(r.tags.map((t) => t.reason)).to.deep.equal(["first"]);
  });
  it("check reports a malformed tag as an error and ignores ordinary comments", () => {
    const bad = checkScript(`// mptcpdrill: kernel differs\n${BODY}`, "a.pkt").filter((d) => d.severity === "error");
    expect(bad.map((d) => d.code)).to.deep.equal(["known-difference-syntax"]);
    expect(checkScript(`// kernel: differs — a note\n${BODY}`, "a.pkt").filter((d) => d.code.startsWith("known-difference"))).to.deep.equal([]);
  });
});
