import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli: mptcpdrill run (usage and environment)", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-run-"));
    mkdirSync(join(dir, "s"));
    writeFileSync(join(dir, "s/only-v6.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    writeFileSync(join(dir, "bad.json"), "{\"variants\": {\"ipv7\": {}}}");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints its usage with --help and exits 0", () => {
    const r = cli(dir, "run", "--help");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^usage: mptcpdrill run /).and.contain("--reporter NAME[:FILE]");
  });

  const usageCases: [string[], string][] = [
    [["run", "-j", "0", "s"], "error[MPD_ERR_USAGE]: --jobs expects a positive integer, got '0'\n"],
    [["run", "--reporter", "xml", "s"], "error[MPD_ERR_USAGE]: unknown reporter 'xml' (expected human, tap, junit, jsonl, html)\n"],
    [["run", "nowhere"], "error[MPD_ERR_FILE]: no such file or folder: 'nowhere'\n"],
    [["run", "--config", "bad.json", "s"], "config.variants: unknown variant 'ipv7'"],
    [["run", "--ip-version", "ipv4", "s"], "error[MPD_ERR_FILE]: nothing to run"],
  ];
  it("reports every job as error and exits 2 when not root (never a silent skip)", function () {
    if (process.getuid?.() !== 0 || spawnSync("setpriv", ["--version"]).status !== 0) this.skip();
    for (const p of [dir, join(dir, "s"), join(dir, "s/only-v6.pkt")]) chmodSync(p, 0o755);
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", process.execPath, BIN, "run", "s", "--reporter", "jsonl"],
      { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(r.status).to.equal(2);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).to.deep.include({ file: "s/only-v6.pkt", variant: "ipv6", verdict: "error", line: null });
    expect(String(rows[0]?.["message"])).to.match(/^error\[MPD_ERR_NOT_ROOT\]: the kernel SUT needs root/);
    expect(r.stderr).to.match(/^error\[MPD_ERR_NOT_ROOT\]: the kernel SUT needs root/m);
    expect(rows[1]).to.deep.include({ summary: { pass: 0, fail: 0, error: 1, skip: 0, xfail: 0, xpass: 0, flaky: 0 } });
  });

  for (const [argv, message] of usageCases) {
    it(`exits 2 for ${argv.slice(1).join(" ")}`, () => {
      const r = cli(dir, ...argv);
      expect(r.stderr).to.contain(message);
      expect(r.status).to.equal(2);
      expect(r.stdout).to.equal("");
    });
  }
});

const PASSIVE_OPEN = [
  "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
  "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
  "+0 bind(3, ..., ...) = 0",
  "+0 listen(3, 1) = 0",
  "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
  "+0 > S. 0:0(0) ack 1 <...>",
  "+.1 < . 1:1(0) ack 1 win 257",
  "+0 accept(3, ..., ...) = 4",
];

function canRunKernel(): boolean {
  return process.getuid?.() === 0 && existsSync("/dev/net/tun");
}

/** pids of script hosts (their command line names dist/host.js, or host-main.ts from source) whose parent is `ppid`. */
function hostsOf(ppid: number): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === ppid && /dist\/host\.js\0|host-main\.ts\0/.test(readFileSync(`/proc/${pid}/cmdline`, "latin1"));
    } catch {
      return false;
    }
  }).map(Number);
}

function jsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("cli: mptcpdrill run (kernel SUT, end to end)", function () {
  this.timeout(180_000);
  let dir = "";
  before(function () {
    if (!canRunKernel()) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-run-kernel-"));
    mkdirSync(join(dir, "t"));
    writeFileSync(join(dir, "t/pass.pkt"), [...PASSIVE_OPEN, "+0 close(4) = 0", ""].join("\n"));
    writeFileSync(join(dir, "t/fail-v4.pkt"), [...PASSIVE_OPEN, "+0 write(4, ..., 100) = 100", "+0 > P. 1:101(100) ack 1 win 9999", ""].join("\n"));
    writeFileSync(join(dir, "t/broken-v6.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < SX 0:0(0) win 1000\n");
    writeFileSync(join(dir, "code-fail-v4.pkt"), [...PASSIVE_OPEN, "+0 %{ assert tcpi_snd_mss == 1, ('mss is', tcpi_snd_mss) }%", "+0 close(4) = 0", ""].join("\n"));
    writeFileSync(join(dir, "zz-slow-v6.pkt"), [...PASSIVE_OPEN, "+30 close(4) = 0", ""].join("\n"));
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("runs a folder as script x variant jobs and reports pass, fail (line, message) and error verdicts", () => {
    const r = cli(ROOT, "run", join(dir, "t"), "-j", "1", "--tolerance_usecs=50000", "--reporter", `jsonl:${join(dir, "out.jsonl")}`, "--reporter", `junit:${join(dir, "out.xml")}`);
    const rows = jsonl(join(dir, "out.jsonl"));
    const verdicts = rows.slice(0, -1).map((x) => `${String(x["file"]).slice(dir.length + 1)} ${String(x["variant"])} ${String(x["verdict"])} ${String(x["line"])}`);
    expect(verdicts).to.deep.equal([
      "t/broken-v6.pkt ipv6 error 2",
      "t/fail-v4.pkt ipv4 fail 10", "t/fail-v4.pkt ipv4-mapped-ipv6 fail 10",
      "t/pass.pkt ipv4 pass null", "t/pass.pkt ipv4-mapped-ipv6 pass null", "t/pass.pkt ipv6 pass null",
    ]);
    expect(String(rows[1]?.["message"])).to.match(/:10: error handling packet: expected win \d+, live packet has win \d+$/);
    expect(rows[1]?.["failure"]).to.deep.include({ kind: "packet", field: "tcp_window", line: 10 });
    expect(r.stdout).to.contain("3 passed, 2 failed, 1 error, 0 skipped");
    expect(readFileSync(join(dir, "out.xml"), "utf8")).to.contain('<testsuites name="mptcpdrill" tests="6" failures="2" errors="1" skipped="0"');
    expect(r.status).to.equal(1);
  });

  it("exits 0 when every job passes", () => {
    const r = cli(ROOT, "run", join(dir, "t/pass.pkt"), "--tolerance_usecs=50000", "--reporter", "tap");
    // TAP numbers jobs as they end: with two at a time, the variants may end in any order.
    const oks = r.stdout.split("\n").filter((l) => /^ok \d+ - /.test(l)).map((l) => l.replace(/^ok \d+ - /, "").replace(/ # time=.*$/, "")).sort();
    expect(oks).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"].map((v) => `${join(dir, "t/pass.pkt")} [${v}]`).sort());
    expect(r.status).to.equal(0);
  });

  it("shows a failing code block's traceback in the text report and in JUnit, not only its first line", () => {
    const xml = join(dir, "code.xml");
    const r = cli(ROOT, "run", join(dir, "code-fail-v4.pkt"), "--ip-version", "ipv4", "--tolerance_usecs=50000", "--reporter", "human", "--reporter", `junit:${xml}`);
    expect(r.stdout).to.match(/code-fail-v4\.pkt:\d+: error in Python code\n\s+.*AssertionError: \('mss is', \d+\)/);
    expect(readFileSync(xml, "utf8")).to.match(/AssertionError: \(&apos;mss is&apos;, \d+\)|AssertionError: \('mss is', \d+\)/);
    expect(r.status).to.equal(1);
  });

  it("fails a job that exceeds --timeout", () => {
    const r = cli(ROOT, "run", join(dir, "zz-slow-v6.pkt"), "--timeout", "2", "--reporter", "jsonl");
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).to.deep.include({ file: join(dir, "zz-slow-v6.pkt"), verdict: "fail", line: 9 });
    expect(rows[0]?.["message"]).to.match(/^timed out after 2 s \(--timeout\) at line 9: syscall close, not ended since 0\.\d{3} s into the script$/);
    expect(r.status).to.equal(1);
  });

  it("runs from a folder outside the repository, with relative paths, and --capture writes a pcap per job", () => {
    const r = cli(dir, "run", "t/pass.pkt", "--ip-version", "ipv4", "--tolerance_usecs=50000", "--capture", "caps", "--reporter", "jsonl");
    expect(r.stderr).to.equal("");
    expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)[0]).to.deep.include({ file: "t/pass.pkt", verdict: "pass" });
    expect(r.status).to.equal(0);
    const decoded = cli(dir, "decode", "caps/t__pass.ipv4.pcap");
    expect(decoded.status).to.equal(0);
    // decode speaks from the script's side: `>` was injected, `<` came from the kernel.
    const lines = decoded.stdout.trim().split("\n");
    expect(lines.slice(0, -1).map((l) => l.split(" ").slice(1, 3).join(" "))).to.deep.equal(["> S", "< S.", "> .", "< F.", "> R."]);
    expect(lines.at(-1)).to.contain("5 packets (5 TCP");
  });

  it("on SIGINT kills running jobs, keeps written verdicts, prints a summary and exits 130", async () => {
    const child = spawn(process.execPath, [BIN, "run", join(dir, "t/pass.pkt"), join(dir, "zz-slow-v6.pkt"), "--ip-version", "ipv6", "--tolerance_usecs=50000", "--reporter", `jsonl:${join(dir, "int.jsonl")}`],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let sent = false;
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("PASS ") && !sent) {
        sent = true;
        setTimeout(() => child.kill("SIGINT"), 1500);
      }
    });
    const t0 = Date.now();
    const code = await new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
    expect(code).to.equal(130);
    expect(Date.now() - t0, "exits soon after SIGINT, not after the script's 30 s wait").to.be.lessThan(20_000);
    expect(out).to.contain(`SKIP  ${join(dir, "zz-slow-v6.pkt")} [ipv6]`).and.contain("1 passed, 0 failed, 0 errors, 1 skipped");
    const rows = jsonl(join(dir, "int.jsonl"));
    expect(rows.map((x) => x["verdict"] ?? "summary")).to.deep.equal(["pass", "skip", "summary"]);
  });

  it("SIGKILL of the CLI leaves no script host and no tun0 behind", async () => {
    const child = spawn(process.execPath, [BIN, "run", join(dir, "zz-slow-v6.pkt")], { cwd: dir, stdio: "ignore" });
    const pid = child.pid ?? 0;
    let hosts: number[] = [];
    for (const deadline = Date.now() + 20_000; hosts.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      hosts = hostsOf(pid);
    }
    expect(hosts.length, "a script host started").to.equal(1);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    for (const deadline = Date.now() + 3000; hosts.some((h) => existsSync(`/proc/${h}`)) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    expect(hosts.filter((h) => existsSync(`/proc/${h}`))).to.deep.equal([]);
    expect(spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout).to.not.match(/\d+: tun0[:@]/);
  });
});
