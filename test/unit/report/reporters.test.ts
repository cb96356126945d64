import { expect } from "chai";
import yaml from "js-yaml";
import type { RunEvent } from "../../../src/interp/events.ts";
import { REPORTERS } from "../../../src/report/registry.ts";
import { expectGolden } from "../../support/golden.ts";
import { FULL_RUN, GATE_RUN, INTERRUPTED_RUN, TAGGED_RUN, memorySink } from "./fake-run.ts";

/** Fixed machine facts and start time, so goldens stay stable. */
const MACHINE = { startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), hostname: "ci-host", kernel: "6.12.0-test", command: ["mptcpdrill", "run", "suites"] };

function render(name: string, events: readonly RunEvent[], options: { verbose?: boolean; tty?: boolean } = {}): string {
  const factory = REPORTERS.get(name);
  if (factory === undefined) throw new Error(`no reporter ${name}`);
  const sink = memorySink(options.tty ?? false);
  const reporter = factory(sink, { verbose: options.verbose ?? false, ...MACHINE });
  for (const e of events) reporter.onEvent(e);
  return sink.text();
}

describe("reporters (golden)", () => {
  for (const name of ["human", "tap", "junit", "jsonl", "html"]) {
    const ext = name === "junit" ? "xml" : name === "human" ? "txt" : name;
    it(`${name} renders a full run`, () => expectGolden(`reports/full-run.${ext}`, render(name, FULL_RUN)));
    it(`${name} renders an interrupted run`, () => expectGolden(`reports/interrupted-run.${ext}`, render(name, INTERRUPTED_RUN)));
    it(`${name} renders xfail and xpass verdicts of tagged scripts`, () => expectGolden(`reports/tagged-run.${ext}`, render(name, TAGGED_RUN)));
    it(`${name} renders flaky jobs, baseline notes and repetitions`, () => expectGolden(`reports/gate-run.${ext}`, render(name, GATE_RUN)));
  }
  it("human -v shows passing events and log output", () => expectGolden("reports/full-run-verbose.txt", render("human", FULL_RUN, { verbose: true })));
  it("human on a TTY draws a progress line and clears it before results", () => {
    expectGolden("reports/full-run-tty.txt", JSON.stringify(render("human", FULL_RUN, { tty: true }).split("\r"), null, 1) + "\n");
  });
});

describe("reporters (CI gate)", () => {
  it("tap: a flaky job is ok with its attempts in YAML, a baseline-known failure a TODO; every YAML block parses", () => {
    const tap = render("tap", GATE_RUN);
    expect(tap).to.match(/^ok 1 - flaky\.pkt \[ipv4\] # flaky: passed on attempt 2$/m);
    expect(tap).to.match(/^not ok 2 - .* # TODO known failure \(baseline\)$/m);
    expect(tap).to.match(/^ok 3 - .* fixed: the baseline expects a failure$/m);
    expect(tap).to.contain("# flaky 1\n");
    const blocks = [...tap.matchAll(/\n {2}---\n([\s\S]*?)\n {2}\.\.\./g)].map((m) => yaml.load((m[1] ?? "").replace(/^ {2}/gm, "")) as Record<string, unknown>);
    expect(blocks[0]).to.deep.include({ verdict: "flaky" });
    expect(blocks[0]?.["attempts"]).to.deep.equal([{ attempt: 1, verdict: "fail", line: 7, message: "flaky.pkt:7: timing error: inbound packet 0.081033 sec too late (beyond its 0.025000 sec tolerance)" }, { attempt: 2, verdict: "pass", line: null, message: null }]);
  });
  it("junit: a flaky job is a passing case whose system-out lists its attempts", () => {
    const xml = render("junit", GATE_RUN);
    expect(xml).to.match(/<testcase classname="flaky\.pkt" name="ipv4" time="1\.076">\n {6}<system-out>flaky: passed on attempt 2 of 2\nattempt 1: fail flaky\.pkt:7: timing error/);
    expect(xml).to.include('name="ipv6 #2"');
  });
  it("human: FLAKY, the baseline notes, the fixed list and the pass rate of repeated jobs", () => {
    const text = render("human", GATE_RUN);
    expect(text).to.contain("FLAKY flaky.pkt [ipv4]").and.contain("2 attempts: fail (line 7), pass");
    expect(text).to.contain("known failure (baseline: fail at line 9)").and.contain("new failure: the baseline expects fail at line 12");
    expect(text).to.contain("fixed (the baseline expects a failure):\n  [ipv6] suites/tcp/connect/basic.pkt");
    expect(text).to.match(/pass rate \(--repeat\):\n {2} 50% 1\/2 suites\/tcp\/ts\/bad<&>"name"\.pkt \[ipv6\]/);
    expect(text).to.contain("2 passed, 2 failed, 0 errors, 0 skipped, 1 xfail, 0 xpass, 1 flaky");
  });
});

describe("reporters (known differences)", () => {
  it("tap marks an xfail as a TODO test point and an xpass as a plain failure", () => {
    const lines = render("tap", TAGGED_RUN).split("\n");
    expect(lines.find((l) => l.startsWith("not ok 1 "))).to.match(/ # TODO known difference \(rfc-choice, line 2\): Linux sends a 32-bit Data ACK/);
    expect(lines.find((l) => l.startsWith("not ok 2 "))).to.not.include("TODO");
  });
  it("junit counts an xfail as skipped with its reason and an xpass as a failure", () => {
    const xml = render("junit", TAGGED_RUN);
    expect(xml).to.include('<testsuites name="mptcpdrill" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).to.include('<skipped message="known difference (rfc-choice, line 2): Linux sends a 32-bit Data ACK');
    expect(xml).to.include('type="xpass"');
  });
  it("jsonl writes the verdict and the tag", () => {
    const rows = render("jsonl", TAGGED_RUN).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).to.deep.include({ verdict: "xfail", known: { sut: "kernel", kind: "rfc-choice", reason: "Linux sends a 32-bit Data ACK (RFC 8684 §3.3.1: \"either 4 or 8 octets\")", line: 2 } });
    expect(rows[1]).to.deep.include({ verdict: "xpass" });
    expect(rows[2]).to.deep.include({ verdict: "pass", known: null });
  });
  it("human lists an xpass with the failures but not an xfail", () => {
    const text = render("human", TAGGED_RUN);
    const failures = text.slice(text.indexOf("failures:"));
    expect(failures).to.include("xpass [ipv4] suites/reference/mp-join/mpj-04");
    expect(failures).to.not.include("dss-04");
    expect(text).to.include("1 passed, 0 failed, 0 errors, 0 skipped, 1 xfail, 1 xpass");
  });
});

describe("reporters (seed)", () => {
  const run = (verdict: "pass" | "fail" | "error"): RunEvent[] => [
    { kind: "runStart", total: 1, jobs: 1, sut: "reference" },
    { kind: "scriptStart", file: "a.pkt", variant: "ipv4" },
    { kind: "scriptEnd", file: "a.pkt", variant: "ipv4", verdict, line: verdict === "pass" ? null : 3, message: verdict === "pass" ? null : "boom", ms: 1, seed: 4242 },
    { kind: "runEnd", counts: { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, flaky: 0, [verdict]: 1 }, ms: 1, interrupted: false },
  ];
  it("human prints the run seed under a failing or erroring job, not under a passing one", () => {
    expect(render("human", run("fail"))).to.contain("seed 4242 (replay with --seed 4242)");
    expect(render("human", run("error"))).to.contain("seed 4242 (replay with --seed 4242)");
    expect(render("human", run("pass"))).to.not.contain("seed");
  });
  it("jsonl carries the seed", () => {
    const rows = render("jsonl", run("fail")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r["seed"] !== undefined)).to.include({ seed: 4242 });
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
    expect(JSON.parse(lines[0] ?? "")).to.deep.equal({ type: "job", file: "suites/tcp/connect/basic.pkt", variant: "ipv4", verdict: "pass", line: null, message: null, ms: 412, known: null, failure: null });
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
    for (const row of rows.slice(0, -1)) expect(Object.keys(row)).to.deep.equal(["type", "file", "variant", "verdict", "line", "message", "ms", "known", "failure"]);
    expect(rows.at(-1)).to.deep.equal({ type: "summary", summary: { pass: 2, fail: 1, error: 1, skip: 0, xfail: 0, xpass: 0, flaky: 0 }, ms: 1999, interrupted: false });
  });
});

describe("reporters (structured failure)", () => {
  const failEvent = FULL_RUN.find((e) => e.kind === "eventFail" && e.fatal);
  const failure = failEvent?.kind === "eventFail" ? failEvent.failure : undefined;

  it("tap's YAML block parses and carries the failure with both dumps and the capture file", () => {
    const tap = render("tap", FULL_RUN);
    const block = /not ok 2 [^\n]*\n {2}---\n([\s\S]*?)\n {2}\.\.\./.exec(tap)?.[1] ?? "";
    const doc = yaml.load(block.split("\n").map((l) => l.slice(2)).join("\n")) as Record<string, unknown>;
    expect(doc["failure"]).to.deep.equal(failure);
    expect((doc["failure"] as { text: string }).text).to.include("\nscript packet:  0.200000 . 1:1(0) ack 1001");
  });
  it("junit's failure body has the cause, packetdrill's line, both dumps and the capture file", () => {
    const xml = render("junit", FULL_RUN);
    const body = /<failure message="[^"]*" type="mismatch">([^<]*)<\/failure>/.exec(xml)?.[1] ?? "";
    expect(body.split("\n")).to.deep.equal([
      "suites/mptcp/dss/data-fin-v4.pkt:12: error handling packet: expected ack 1001, live packet has ack 1",
      "live packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 1 (0x1)",
      "script packet:  0.200000 . 1:1(0) ack 1001 &lt;dss dack4=1001&gt;",
      "actual packet:  0.201000 . 1:1(0) ack 1 win 502 &lt;dss dack4=1&gt;",
      "capture: /tmp/caps/suites__mptcp__dss__data-fin-v4.pkt.ipv4.pcap",
    ]);
  });
  it("jsonl writes the failure object of the job's first fatal eventFail, null for a pass", () => {
    const rows = render("jsonl", FULL_RUN).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]?.["failure"]).to.equal(null);
    expect(rows[1]?.["failure"]).to.deep.equal(failure);
  });
  it("a job that failed without an eventFail still gets a failure from its scriptEnd message", () => {
    const rows = render("jsonl", FULL_RUN).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[2]?.["failure"]).to.deep.include({ kind: "error", cause: "parse error at 'foo': syntax error", line: 2 });
  });
});
