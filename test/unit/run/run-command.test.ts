import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { memoryIo, type CliIo } from "../../../src/cli/io.ts";
import { createRunCommand } from "../../../src/cli/commands/run.ts";
import type { RunJobSpec } from "../../../src/runner/job-spec.ts";
import type { JobRunner } from "../../../src/runner/job-runner.ts";
import { ScriptCache } from "../../../src/runner/prepared-script.ts";
import type { JobOutcome, RunJob } from "../../../src/runner/scheduler.ts";

let root = "";

function write(rel: string, text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

async function run(argv: string[], runner: RunJob<RunJobSpec> | string, io: CliIo & { out: () => string; err: () => string } = memoryIo({ cwd: root })) {
  // Fake jobs, with the known-difference tags read from the scripts as the real runners do.
  const scripts = new ScriptCache((f) => fs.readFileSync(f, "utf8"));
  const wrapped: JobRunner | string = typeof runner === "string" ? runner : { run: runner, known: (job, sut) => scripts.knownDifference(job, sut), close: () => Promise.resolve() };
  const command = createRunCommand({ runnerFor: () => wrapped, settleMs: 100 });
  const code = await command.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const seen: RunJobSpec[] = [];
const recordAndPass: RunJob<RunJobSpec> = (job) => {
  seen.push(job);
  return Promise.resolve({ verdict: "pass", line: null, message: null });
};

describe("run command (in-process, fake jobs)", () => {
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mpd-run-"));
    seen.length = 0;
    write("suite/a-v4.pkt");
    write("suite/b.pkt");
    write("suite/deep/c-v6.pkt");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("expands folders recursively, sorted, into script × variant jobs and exits 0 when all pass", async () => {
    const r = await run(["suite", "--reporter", "jsonl:out.jsonl"], recordAndPass);
    expect(r.code).to.equal(0);
    expect(seen.map((j) => `${j.file} ${j.variant}`)).to.deep.equal([
      "suite/a-v4.pkt ipv4", "suite/a-v4.pkt ipv4-mapped-ipv6",
      "suite/b.pkt ipv4", "suite/b.pkt ipv4-mapped-ipv6", "suite/b.pkt ipv6",
      "suite/deep/c-v6.pkt ipv6",
    ]);
    const rows = fs.readFileSync(path.join(root, "out.jsonl"), "utf8").trim().split("\n");
    expect(rows).to.have.length(7);
    expect(r.out).to.contain("6 passed, 0 failed, 0 errors, 0 skipped");
  });

  it("passes config (walked up) < command line flags and defines, cwd and capture paths to each job", async () => {
    fs.writeFileSync(path.join(root, "suite/mptcpdrill.json"), JSON.stringify({
      flags: { send_omit_free: true, tolerance_usecs: 4000 }, variants: { ipv6: { flags: { mtu: 1520 }, defines: { T: "six" } } },
    }));
    const r = await run(["suite/deep", "--tolerance_usecs=9000", "-D", "U=1", "--capture", "caps"], recordAndPass);
    expect(r.code).to.equal(0);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({
      file: "suite/deep/c-v6.pkt", cwd: path.join(root, "suite/deep"), configPath: path.join(root, "suite/mptcpdrill.json"),
      capturePath: path.join(root, "caps/suite__deep__c-v6.ipv6.pcap"),
    });
    expect(seen[0]?.flags).to.deep.equal({ send_omit_free: true, tolerance_usecs: "9000", mtu: "1520", ip_version: "ipv6" });
    expect(seen[0]?.defines).to.deep.equal({ T: "six", U: "1" });
    expect(fs.statSync(path.join(root, "caps")).isDirectory()).to.equal(true);
  });

  it("uses --config FILE instead of walking up", async () => {
    fs.writeFileSync(path.join(root, "suite/mptcpdrill.json"), JSON.stringify({ defines: { FROM: "walk" } }));
    fs.writeFileSync(path.join(root, "given.json"), JSON.stringify({ defines: { FROM: "flag" } }));
    await run(["suite/b.pkt", "--config", "given.json", "--ip-version", "ipv4"], recordAndPass);
    expect(seen.map((j) => j.defines["FROM"])).to.deep.equal(["flag"]);
  });

  it("exits 1 when a job fails and prints its message", async () => {
    const runner: RunJob<RunJobSpec> = (job) => Promise.resolve<JobOutcome>(
      job.file.endsWith("b.pkt") && job.variant === "ipv6" ? { verdict: "fail", line: 4, message: "Timed out waiting for packet" } : { verdict: "pass", line: null, message: null },
    );
    const r = await run(["suite"], runner);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain("FAIL  suite/b.pkt [ipv6]").and.contain("suite/b.pkt:4: Timed out waiting for packet");
  });

  it("reports every job as error and exits 2 when the environment cannot run the SUT", async () => {
    const r = await run(["suite", "--reporter", "tap"], "the kernel SUT needs root");
    expect(r.code).to.equal(2);
    expect(r.out.match(/^not ok \d+ - .* # time=\d+ms$/gm)).to.have.length(6);
    expect(r.out).to.contain('message: "the kernel SUT needs root"');
  });

  it("exits 2 with a clear message for usage, file and config problems", async () => {
    expect(await run(["-j", "x", "suite"], recordAndPass)).to.deep.include({ code: 2 });
    expect((await run(["-j", "x", "suite"], recordAndPass)).err).to.match(/^error\[MPD_ERR_USAGE\]: --jobs expects a positive integer, got 'x'\n\nusage: mptcpdrill run/);
    expect(await run(["nope"], recordAndPass)).to.deep.include({ code: 2, err: "error[MPD_ERR_FILE]: no such file or folder: 'nope'\n" });
    fs.writeFileSync(path.join(root, "bad.json"), "{\"flags\": {\"mtu\": []}}");
    const bad = await run(["suite", "--config", "bad.json"], recordAndPass);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.equal(`error[MPD_ERR_USAGE]: ${path.join(root, "bad.json")}: config.flags.mtu: flag 'mtu' requires a string or number value\n`);
    const none = await run(["suite/deep", "--ip-version", "ipv4"], recordAndPass);
    expect(none.code).to.equal(2);
    expect(none.err).to.contain("note: 'suite/deep/c-v6.pkt' runs as no selected variant").and.contain("nothing to run");
    expect(seen).to.have.length(0);
  });

  it("on SIGINT stops, keeps verdicts already written, prints a summary and exits 130", async () => {
    let fire: ((sig: "SIGINT" | "SIGTERM") => void) | null = null;
    const io = { ...memoryIo({ cwd: root }), onSignal: (h: (sig: "SIGINT" | "SIGTERM") => void) => ((fire = h), () => (fire = null)) };
    let n = 0;
    const runner: RunJob<RunJobSpec> = (_job, _emit, signal) => {
      n += 1;
      if (n === 1) return Promise.resolve({ verdict: "pass", line: null, message: null });
      setTimeout(() => fire?.("SIGINT"), 10);
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve({ verdict: "pass", line: null, message: null })));
    };
    const r = await run(["suite", "-j", "1", "--reporter", "jsonl:v.jsonl"], runner, io);
    expect(r.code).to.equal(130);
    expect(fire).to.equal(null);
    expect(r.err).to.contain("SIGINT: stopping");
    expect(r.out).to.contain("interrupted: 4 jobs not started").and.contain("1 passed, 0 failed, 0 errors, 5 skipped");
    const rows = fs.readFileSync(path.join(root, "v.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x["verdict"] ?? "summary")).to.deep.equal(["pass", "skip", "summary"]);
  });

  it("on SIGTERM exits 143 (128 + 15), not SIGINT's 130", async () => {
    let fire: ((sig: "SIGINT" | "SIGTERM") => void) | null = null;
    const io = { ...memoryIo({ cwd: root }), onSignal: (h: (sig: "SIGINT" | "SIGTERM") => void) => ((fire = h), () => (fire = null)) };
    const runner: RunJob<RunJobSpec> = (_job, _emit, signal) => {
      setTimeout(() => fire?.("SIGTERM"), 10);
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve({ verdict: "pass", line: null, message: null })));
    };
    const r = await run(["suite", "-j", "1"], runner, io);
    expect(r.code).to.equal(143);
    expect(r.err).to.contain("SIGTERM: stopping");
  });
});
