import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";
import {
  applyBaseline, emptyBaseline, formatBaseline, parseBaseline, releaseMatches, rowsByJob, sectionIndex, updateBaseline, type Baseline,
} from "../../../src/runner/baseline.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "docs/schema/baseline.schema.json"), "utf8")) as object;

const B: Baseline = {
  version: 1,
  sections: [
    { sut: "kernel", kernel: "6.8.*", jobs: [{ file: "tcp/a.pkt", variant: "ipv4", verdict: "fail", line: 12, message: "a.pkt:12: boom" }] },
    { sut: "kernel", jobs: [{ file: "tcp/b.pkt", variant: "ipv6", verdict: "error", line: null }] },
    { sut: "reference", jobs: [] },
  ],
};

describe("baseline", () => {
  it("kernel release patterns: * any run, ? one character, the rest literal", () => {
    expect(releaseMatches("6.8.*", "6.8.0-45-generic")).to.equal(true);
    expect(releaseMatches("6.8.*", "6.18.1")).to.equal(false);
    expect(releaseMatches("6.?.1", "6.1.1")).to.equal(true);
    expect(releaseMatches("6.1", "6x1")).to.equal(false);
  });

  it("picks the first section of the run's SUT whose pattern matches, a pattern-less one for any release", () => {
    expect(sectionIndex(B, "kernel", "6.8.0-45-generic")).to.equal(0);
    expect(sectionIndex(B, "kernel", "6.1.0")).to.equal(1);
    expect(sectionIndex(B, "reference", null)).to.equal(2);
    expect(sectionIndex(B, "other", null)).to.equal(-1);
  });

  it("same verdict and line: known (xfail); other line or verdict: changed (a new failure); a pass: fixed", () => {
    const row = { file: "tcp/a.pkt", variant: "ipv4", verdict: "fail", line: 12 } as const;
    expect(applyBaseline({ verdict: "fail", line: 12, message: "m" }, row)).to.deep.equal({ verdict: "xfail", line: 12, message: "m", baseline: { status: "known", verdict: "fail", line: 12 } });
    expect(applyBaseline({ verdict: "fail", line: 13, message: "m" }, row)).to.deep.include({ verdict: "fail", baseline: { status: "changed", verdict: "fail", line: 12 } });
    expect(applyBaseline({ verdict: "error", line: 12, message: "m" }, row)).to.deep.include({ verdict: "error", baseline: { status: "changed", verdict: "fail", line: 12 } });
    expect(applyBaseline({ verdict: "pass", line: null, message: null }, row)).to.deep.include({ verdict: "pass", baseline: { status: "fixed", verdict: "fail", line: 12 } });
    expect(applyBaseline({ verdict: "skip", line: null, message: "interrupted" }, row)).to.deep.equal({ verdict: "skip", line: null, message: "interrupted" });
    expect(applyBaseline({ verdict: "fail", line: 3, message: "m" }, null)).to.deep.equal({ verdict: "fail", line: 3, message: "m" });
  });

  it("leaves outcomes decided by a script's known-difference tag alone", () => {
    const known = { sut: "kernel", kind: "rfc-choice", reason: "r", line: 2 };
    const row = { file: "a.pkt", variant: "ipv4", verdict: "fail", line: 12 } as const;
    expect(applyBaseline({ verdict: "xfail", line: 12, message: "m", known }, row)).to.deep.equal({ verdict: "xfail", line: 12, message: "m", known });
  });

  it("parses what it formats, and the text validates against docs/schema/baseline.schema.json", () => {
    const text = formatBaseline(B);
    const parsed = parseBaseline(text);
    expect(parsed).to.deep.equal({ ok: true, value: B });
    const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).to.equal(true);
    expect(formatBaseline(emptyBaseline())).to.equal('{\n  "version": 1,\n  "sections": []\n}\n');
  });

  it("collects every problem of a bad file, naming where", () => {
    const r = parseBaseline(JSON.stringify({ version: 2, sections: [{ sut: "kernel", jobs: [
      { file: "a.pkt", variant: "ipv5", verdict: "pass", line: 0 },
      { file: "b.pkt", variant: "ipv4", verdict: "fail", line: 1 }, { file: "b.pkt", variant: "ipv4", verdict: "fail", line: 2 },
    ], extra: 1 }] }));
    expect(r).to.deep.equal({ ok: false, problems: [
      "version: expected 1",
      "sections[0]: unknown key 'extra'",
      "sections[0].jobs[0].variant: expected one of ipv4, ipv4-mapped-ipv6, ipv6",
      "sections[0].jobs[0].verdict: expected 'fail' or 'error'",
      "sections[0].jobs[0].line: expected a line number or null",
      "sections[0].jobs: 'b.pkt' [ipv4] listed twice",
    ] });
    expect(parseBaseline("{ nope")).to.deep.include({ ok: false });
    expect(parseBaseline("[]")).to.deep.equal({ ok: false, problems: ["expected a JSON object with 'version' and 'sections'"] });
  });

  it("update: the run's failures replace the rows of the jobs it ran, rows of jobs not run stay, other sections untouched", () => {
    const after = updateBaseline(B, "kernel", "6.8.0-45-generic", [
      { file: "tcp/a.pkt", variant: "ipv4", verdict: "pass", line: null, message: null },
      { file: "tcp/c.pkt", variant: "ipv6", verdict: "fail", line: 7, message: "c.pkt:7: x" },
      { file: "tcp/c.pkt", variant: "ipv4", verdict: "error", line: null, message: "e" },
      { file: "tcp/d.pkt", variant: "ipv4", verdict: "flaky", line: null, message: null },
    ]);
    expect(after.sections[0]).to.deep.equal({ sut: "kernel", kernel: "6.8.*", jobs: [
      { file: "tcp/c.pkt", variant: "ipv4", verdict: "error", line: null, message: "e" },
      { file: "tcp/c.pkt", variant: "ipv6", verdict: "fail", line: 7, message: "c.pkt:7: x" },
    ] });
    expect(after.sections.slice(1)).to.deep.equal(B.sections.slice(1));
    const kept = updateBaseline(B, "kernel", "6.8.1", [{ file: "tcp/z.pkt", variant: "ipv4", verdict: "skip", line: null, message: "interrupted" }]);
    expect(rowsByJob(kept.sections[0]).size).to.equal(1);
  });

  it("update: a release no section matches gets a new section keyed by the exact release", () => {
    const only = { version: 1, sections: [{ sut: "kernel", kernel: "6.8.*", jobs: [] }] } as const;
    const after = updateBaseline(only, "kernel", "6.12.3", [{ file: "a.pkt", variant: "ipv4", verdict: "fail", line: 4, message: null }]);
    expect(after.sections[1]).to.deep.equal({ sut: "kernel", kernel: "6.12.3", jobs: [{ file: "a.pkt", variant: "ipv4", verdict: "fail", line: 4, message: null }] });
    expect(updateBaseline(emptyBaseline(), "reference", null, []).sections).to.deep.equal([{ sut: "reference", jobs: [] }]);
  });
});
