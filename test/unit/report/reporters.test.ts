import { expect } from "chai";
import type { RunEvent } from "../../../src/interp/events.ts";
import { REPORTERS } from "../../../src/report/registry.ts";
import { expectGolden } from "../../support/golden.ts";
import { FULL_RUN, INTERRUPTED_RUN, memorySink } from "./fake-run.ts";

function render(name: string, events: readonly RunEvent[], options: { verbose?: boolean; tty?: boolean } = {}): string {
  const factory = REPORTERS.get(name);
  if (factory === undefined) throw new Error(`no reporter ${name}`);
  const sink = memorySink(options.tty ?? false);
  const reporter = factory(sink, { verbose: options.verbose ?? false });
  for (const e of events) reporter.onEvent(e);
  return sink.text();
}

describe("reporters (golden)", () => {
  for (const name of ["human", "tap", "junit", "jsonl"]) {
    const ext = name === "junit" ? "xml" : name === "human" ? "txt" : name;
    it(`${name} renders a full run`, () => expectGolden(`reports/full-run.${ext}`, render(name, FULL_RUN)));
    it(`${name} renders an interrupted run`, () => expectGolden(`reports/interrupted-run.${ext}`, render(name, INTERRUPTED_RUN)));
  }
  it("human -v shows passing events and log output", () => expectGolden("reports/full-run-verbose.txt", render("human", FULL_RUN, { verbose: true })));
  it("human on a TTY draws a progress line and clears it before results", () => {
    expectGolden("reports/full-run-tty.txt", JSON.stringify(render("human", FULL_RUN, { tty: true }).split("\r"), null, 1) + "\n");
  });
});

describe("reporters (streaming)", () => {
  it("jsonl writes and flushes each verdict when its job ends, before the run ends", () => {
    const sink = memorySink();
    const reporter = REPORTERS.get("jsonl")?.(sink, { verbose: false });
    const upToFirstEnd = FULL_RUN.slice(0, FULL_RUN.findIndex((e) => e.kind === "scriptEnd") + 1);
    for (const e of upToFirstEnd) reporter?.onEvent(e);
    const lines = sink.text().trim().split("\n");
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0] ?? "")).to.deep.equal({ file: "suites/tcp/connect/basic.pkt", variant: "ipv4", verdict: "pass", line: null, message: null, ms: 412 });
    expect(sink.flushes()).to.equal(1);
  });
  it("tap writes its plan and test points as they come", () => {
    const sink = memorySink();
    const reporter = REPORTERS.get("tap")?.(sink, { verbose: false });
    for (const e of FULL_RUN.slice(0, 8)) reporter?.onEvent(e);
    expect(sink.text()).to.equal("TAP version 13\n1..4\nok 1 - suites/tcp/connect/basic.pkt [ipv4] # time=412ms\n");
  });
  it("junit writes nothing until the run ends", () => {
    const sink = memorySink();
    const reporter = REPORTERS.get("junit")?.(sink, { verbose: false });
    for (const e of FULL_RUN.slice(0, -1)) reporter?.onEvent(e);
    expect(sink.text()).to.equal("");
  });
  it("every jsonl line of a full run parses with the documented keys", () => {
    const rows = render("jsonl", FULL_RUN).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const row of rows.slice(0, -1)) expect(Object.keys(row)).to.deep.equal(["file", "variant", "verdict", "line", "message", "ms"]);
    expect(rows.at(-1)).to.deep.equal({ summary: { pass: 2, fail: 1, error: 1, skip: 0 }, ms: 1999, interrupted: false });
  });
});
