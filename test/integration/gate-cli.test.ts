/**
 * The CI gate of issue #16, items 1-3, through the compiled CLI:
 * - `--shard 1/3 … 3/3` over the upstream TCP corpus (`--list`, nothing run) covers every job
 *   exactly once, with and without `--durations`; `--grep`/`--exclude` narrow what is listed;
 * - `mptcpdrill merge` of three shards' jsonl gives the counts and verdicts of one unsharded run
 *   (reference SUT on suites/), and refuses a job reported twice;
 * - a baseline with one new failure, one fixed row, one unchanged known failure gives exit 1, 0, 0;
 *   `--update-baseline` writes a file that, read back, makes the same run exit 0 and validates
 *   against docs/schema/baseline.schema.json.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const TCP_CORPUS = resolve(ROOT, "../shared/corpus/gpd/net/tcp");
const BASIC = readFileSync(join(ROOT, "test/fixtures/interp/server-basic.pkt"), "utf8");

function cli(args: readonly string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 100_000 });
}

function listed(args: readonly string[]): string[] {
  const r = cli(["run", "--list", ...args]);
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout.trim().split("\n").filter((l) => l !== "").map((l) => l.replace(/\] .*$/, "]"));
}

type Row = { file: string; variant: string; verdict: string; line: number | null; summary?: Record<string, number> };

function rowsOf(file: string): Row[] {
  return readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row);
}

describe("CI gate: shards, merge, baselines (compiled CLI)", function () {
  this.timeout(200_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-gate-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--shard 1/3 … 3/3 over the TCP corpus lists every job exactly once", () => {
    const all = listed([TCP_CORPUS]);
    expect(all.length).to.be.greaterThan(300);
    const parts = [1, 2, 3].map((i) => listed(["--shard", `${i}/3`, TCP_CORPUS]));
    expect(parts.flat().sort()).to.deep.equal([...all].sort());
    for (const p of parts) expect(p.length).to.be.within(Math.floor(all.length / 3), Math.ceil(all.length / 3));
  });

  it("--durations from a previous jsonl balances the shards by time, still each job once", () => {
    const all = listed([TCP_CORPUS]);
    const ms = (i: number): number => (i % 10 === 0 ? 5000 : 100);
    const report = all.map((name, i) => {
      const [, file, variant] = /^(.*) \[(.*)\]$/.exec(name) ?? [];
      return JSON.stringify({ file, variant, verdict: "pass", line: null, message: null, ms: ms(i), known: null, failure: null });
    });
    writeFileSync(join(dir, "previous.jsonl"), `${report.join("\n")}\n`);
    const weight = new Map(all.map((name, i) => [name, ms(i)]));
    const parts = [1, 2, 3].map((i) => listed(["--shard", `${i}/3`, "--durations", join(dir, "previous.jsonl"), TCP_CORPUS]));
    expect(parts.flat().sort()).to.deep.equal([...all].sort());
    const loads = parts.map((p) => p.reduce((s, n) => s + (weight.get(n) ?? 0), 0));
    expect(Math.max(...loads) - Math.min(...loads)).to.be.at.most(5000);
  });

  it("--grep and --exclude select jobs by 'FILE [VARIANT]'", () => {
    const picked = listed(["--grep", "/blocking/", "--exclude", "\\[ipv6\\]", TCP_CORPUS]);
    expect(picked.length).to.be.greaterThan(0);
    expect(picked.every((n) => n.includes("/blocking/") && !n.endsWith("[ipv6]"))).to.equal(true);
    const none = cli(["run", "--list", "--grep", "no-such-script", TCP_CORPUS]);
    expect(none.status).to.equal(2);
    expect(none.stderr).to.contain("--grep/--exclude leave none");
  });

  it("merge of three shards gives the counts and verdicts of one unsharded run (reference SUT, suites/)", () => {
    const whole = cli(["run", "--sut", "reference", "-j", "2", "--reporter", `jsonl:${join(dir, "whole.jsonl")}`, "suites"]);
    const shards = [1, 2, 3].map((i) => cli(["run", "--sut", "reference", "-j", "2", "--shard", `${i}/3`, "--reporter", `jsonl:${join(dir, `shard${i}.jsonl`)}`, "suites"]));
    for (const s of shards) expect(s.status, s.stderr).to.be.oneOf([0, 1]);
    const merged = cli(["merge", "--reporter", `jsonl:${join(dir, "merged.jsonl")}`, "--reporter", `junit:${join(dir, "merged.xml")}`, ...[1, 2, 3].map((i) => join(dir, `shard${i}.jsonl`))]);
    expect(merged.status, merged.stderr).to.equal(whole.status);
    const a = rowsOf(join(dir, "whole.jsonl"));
    const b = rowsOf(join(dir, "merged.jsonl"));
    expect(b.at(-1)?.summary).to.deep.equal(a.at(-1)?.summary);
    const verdicts = (rows: Row[]): string[] => rows.filter((r) => r.summary === undefined).map((r) => `${r.file} ${r.variant} ${r.verdict} ${r.line}`).sort();
    expect(verdicts(b)).to.deep.equal(verdicts(a));
    expect(merged.stdout).to.match(/\d+ passed, \d+ failed/);
    expect(readFileSync(join(dir, "merged.xml"), "utf8")).to.contain(`tests="${a.length - 1}"`);
    const twice = cli(["merge", join(dir, "shard1.jsonl"), join(dir, "shard1.jsonl")]);
    expect(twice.status).to.equal(2);
    expect(twice.stderr).to.match(/is also in .*shard1\.jsonl:1/);
  });

  describe("fixture scripts (reference SUT): baseline, retries, repeat", () => {
    let work = "";
    const mutate = (from: string, to: string): string => BASIC.split("\n").map((l) => (l.trim() === from ? `   ${to}` : l)).join("\n");
    const baselineFile = (rows: object[]): string => JSON.stringify({ version: 1, sections: [{ sut: "reference", jobs: rows }] });
    const run = (...extra: string[]): SpawnSyncReturns<string> =>
      cli(["run", "--sut", "reference", "--ip-version", "ipv4", "-j", "1", "--baseline", "gate/baseline.json", ...extra, "gate/s"], work);

    before(() => {
      work = join(dir, "bl");
      mkdirSync(join(work, "gate/s"), { recursive: true });
      writeFileSync(join(work, "gate/s/a-pass.pkt"), BASIC);
      // Fails at line 19 (the ACK of the 200 bytes read).
      writeFileSync(join(work, "gate/s/b-fail.pkt"), mutate("+0 > . 1001:1001(0) ack 201", "+0 > . 1001:1001(0) ack 200"));
    });

    it("a new failure (no row, or another line than its row) exits 1", () => {
      writeFileSync(join(work, "gate/baseline.json"), baselineFile([]));
      const r = run();
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      writeFileSync(join(work, "gate/baseline.json"), baselineFile([{ file: "s/b-fail.pkt", variant: "ipv4", verdict: "fail", line: 3 }]));
      const other = run();
      expect(other.status).to.equal(1);
      expect(other.stdout).to.contain("new failure: the baseline expects fail at line 3");
    });

    it("an unchanged known failure exits 0 (xfail)", () => {
      writeFileSync(join(work, "gate/baseline.json"), baselineFile([{ file: "s/b-fail.pkt", variant: "ipv4", verdict: "fail", line: 19 }]));
      const r = run("--reporter", "jsonl:r.jsonl");
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^XFAIL gate\/s\/b-fail\.pkt \[ipv4\]/m).and.contain("known failure (baseline: fail at line 19)");
      const row = rowsOf(join(work, "r.jsonl")).find((x) => x.file === "gate/s/b-fail.pkt");
      expect(row).to.deep.include({ verdict: "xfail", baseline: { status: "known", verdict: "fail", line: 19 } });
    });

    it("a fixed row (its job passes) exits 0 and is reported as fixed", () => {
      writeFileSync(join(work, "gate/baseline.json"), baselineFile([
        { file: "s/a-pass.pkt", variant: "ipv4", verdict: "fail", line: 12 }, { file: "s/b-fail.pkt", variant: "ipv4", verdict: "fail", line: 19 },
      ]));
      const r = run();
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.contain("fixed: the baseline expects fail at line 12").and.match(/fixed \(the baseline expects a failure\):\n {2}\[ipv4\] gate\/s\/a-pass\.pkt/);
    });

    it("--update-baseline writes the run's failures; the file validates and the same run then exits 0", () => {
      rmSync(join(work, "gate/baseline.json"), { force: true });
      const w = run("--update-baseline");
      expect(w.status, w.stdout + w.stderr).to.equal(0);
      expect(w.stderr).to.contain("baseline written: gate/baseline.json (reference: 1 expected failures)");
      const written = JSON.parse(readFileSync(join(work, "gate/baseline.json"), "utf8")) as object;
      const schema = JSON.parse(readFileSync(join(ROOT, "docs/schema/baseline.schema.json"), "utf8")) as object;
      const validate = new Ajv({ allErrors: true }).compile(schema);
      expect(validate(written), JSON.stringify(validate.errors)).to.equal(true);
      expect(written).to.deep.equal({ version: 1, sections: [{ sut: "reference", jobs: [
        { file: "s/b-fail.pkt", variant: "ipv4", verdict: "fail", line: 19, message: (written as { sections: Array<{ jobs: Array<{ message: string }> }> }).sections[0]?.jobs[0]?.message },
      ] }] });
      expect(run().status).to.equal(0);
      const again = run("--update-baseline");
      expect(again.status).to.equal(0);
      expect(JSON.parse(readFileSync(join(work, "gate/baseline.json"), "utf8"))).to.deep.equal(written);
    });

    it("--retries keeps every attempt of a job that keeps failing; --repeat prints pass rates; the jsonl validates", () => {
      const schema = JSON.parse(readFileSync(join(ROOT, "docs/schema/run-events.schema.json"), "utf8")) as object;
      const validate = new Ajv({ allErrors: true }).compile(schema);
      const r = cli(["run", "--sut", "reference", "--ip-version", "ipv4", "-j", "1", "--retries", "2", "--reporter", "jsonl:retry.jsonl", "gate/s"], work);
      expect(r.status).to.equal(1);
      const rows = rowsOf(join(work, "retry.jsonl")) as Array<Row & { attempts?: Array<{ verdict: string; line: number }> }>;
      for (const row of rows) expect(validate(row), JSON.stringify(validate.errors)).to.equal(true);
      expect(rows.find((x) => x.file === "gate/s/b-fail.pkt")?.attempts?.map((a) => `${a.verdict} ${a.line}`)).to.deep.equal(["fail 19", "fail 19", "fail 19"]);
      expect(rows.find((x) => x.file === "gate/s/a-pass.pkt")?.attempts).to.equal(undefined);
      const rep = cli(["run", "--sut", "reference", "--ip-version", "ipv4", "-j", "2", "--repeat", "3", "--reporter", "jsonl:repeat.jsonl", "gate/s"], work);
      expect(rep.status).to.equal(1);
      expect(rep.stdout).to.contain("pass rate (--repeat):\n  100% 3/3 gate/s/a-pass.pkt [ipv4]\n    0% 0/3 gate/s/b-fail.pkt [ipv4]");
      const reps = rowsOf(join(work, "repeat.jsonl")) as Array<Row & { repeat?: number }>;
      for (const row of reps) expect(validate(row), JSON.stringify(validate.errors)).to.equal(true);
      expect(reps.filter((x) => x.summary === undefined).map((x) => x.repeat).sort()).to.deep.equal([1, 1, 2, 2, 3, 3]);
    });

    it("a baseline that is not valid is a usage error naming the problem", () => {
      writeFileSync(join(work, "gate/baseline.json"), JSON.stringify({ version: 1, sections: [{ sut: "reference", jobs: [{ file: "x", variant: "ipv4", verdict: "pass", line: 1 }] }] }));
      const r = run();
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain("sections[0].jobs[0].verdict: expected 'fail' or 'error'");
    });
  });
});
