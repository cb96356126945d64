import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { memoryIo } from "../../../src/cli/io.ts";
import { mergeCommand } from "../../../src/cli/commands/merge.ts";
import { mergeShards, readShardReport } from "../../../src/cli/merge/shard-report.ts";

const row = (file: string, variant: string, verdict: string, extra: object = {}): string =>
  JSON.stringify({ file, variant, verdict, line: verdict === "pass" ? null : 3, message: verdict === "pass" ? null : `${file}:3: boom`, ms: 10, known: null, failure: null, ...extra });
const summary = (ms: number, interrupted = false): string => JSON.stringify({ summary: {}, ms, interrupted });

describe("merge: shards' jsonl reports into one run", () => {
  it("reads verdict records and the summary; a bad line is a problem naming file:line", () => {
    const r = readShardReport("s1.jsonl", [row("a.pkt", "ipv4", "pass"), "nope", JSON.stringify({ file: "b.pkt", variant: "ipv5", verdict: "pass", line: null, message: null, ms: 1 }), summary(50)].join("\n"));
    expect(r.report.rows).to.have.length(1);
    expect(r.report.summary).to.deep.equal({ ms: 50, interrupted: false });
    expect(r.problems).to.deep.equal(["s1.jsonl:2: not JSON", "s1.jsonl:3: 'variant' must be one of ipv4, ipv4-mapped-ipv6, ipv6"]);
  });

  it("sorts jobs by path and variant, recomputes counts, takes the longest shard's time, replays failures as eventFail", () => {
    const failure = { kind: "error", cause: "boom", detail: "boom", field: null, expected: null, actual: null, line: 3, column: null, scriptPacket: null, livePacket: null, capture: null, text: "b.pkt:3: boom" };
    const one = readShardReport("1", [row("b.pkt", "ipv6", "fail", { failure }), row("a.pkt", "ipv4", "pass"), summary(90)].join("\n")).report;
    const two = readShardReport("2", [row("b.pkt", "ipv4", "flaky"), row("a.pkt", "ipv6", "xfail"), summary(120)].join("\n")).report;
    const m = mergeShards([one, two]);
    if (!m.ok) throw new Error(m.problems.join("\n"));
    expect(m.events.filter((e) => e.kind === "scriptEnd").map((e) => e.kind === "scriptEnd" && `${e.file} ${e.variant} ${e.verdict}`)).to.deep.equal([
      "a.pkt ipv4 pass", "a.pkt ipv6 xfail", "b.pkt ipv4 flaky", "b.pkt ipv6 fail",
    ]);
    expect(m.events[0]).to.deep.equal({ kind: "runStart", total: 4, jobs: 2, sut: "merged" });
    expect(m.events.at(-1)).to.deep.equal({ kind: "runEnd", counts: { pass: 1, fail: 1, error: 0, skip: 0, xfail: 1, xpass: 0, flaky: 1 }, ms: 120, interrupted: false });
    expect(m.events.find((e) => e.kind === "eventFail")).to.deep.include({ file: "b.pkt", variant: "ipv6", line: 3, fatal: true, failure });
  });

  it("a job in two reports is refused; a shard without summary makes the run interrupted and incomplete", () => {
    const a = readShardReport("1", row("a.pkt", "ipv4", "pass")).report;
    expect(mergeShards([a, a])).to.deep.equal({ ok: false, problems: ["1:1: 'a.pkt' [ipv4] is also in 1:1"] });
    const m = mergeShards([a]);
    expect(m.ok && m.incomplete).to.deep.equal(["1"]);
    expect(m.ok && m.events.at(-1)).to.deep.include({ interrupted: true });
  });

  it("the command: exit 1 on a failure, 0 when all passed, 2 on a bad report, and writes the reporters", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mpd-merge-"));
    try {
      fs.writeFileSync(path.join(dir, "p.jsonl"), `${row("a.pkt", "ipv4", "pass")}\n${summary(5)}\n`);
      fs.writeFileSync(path.join(dir, "f.jsonl"), `${row("b.pkt", "ipv4", "fail")}\n${summary(5)}\n`);
      fs.writeFileSync(path.join(dir, "bad.jsonl"), "{}\n");
      const io = memoryIo({ cwd: dir });
      expect(await mergeCommand.run(["p.jsonl", "--reporter", "jsonl:m.jsonl"], io)).to.equal(0);
      expect(io.out()).to.contain("1 passed, 0 failed");
      expect(fs.readFileSync(path.join(dir, "m.jsonl"), "utf8").trim().split("\n")).to.have.length(2);
      expect(await mergeCommand.run(["p.jsonl", "f.jsonl"], memoryIo({ cwd: dir }))).to.equal(1);
      const bad = memoryIo({ cwd: dir });
      expect(await mergeCommand.run(["bad.jsonl"], bad)).to.equal(2);
      expect(bad.err()).to.contain("bad.jsonl:1: 'file' must be text");
      expect(await mergeCommand.run(["--reporter", "nope", "p.jsonl"], memoryIo({ cwd: dir }))).to.equal(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
