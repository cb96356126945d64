/**
 * packetdrill and run_all.py flags through the compiled CLI: refused flags and bad values are
 * usage errors (exit 2) naming the flag, wherever they are written; `--dry_run` parses and
 * checks without touching the kernel; `--list` prints the jobs and runs nothing.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { PACKETDRILL_FLAGS } from "../../src/script/flag-table.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As an unprivileged user when we are root (so the kernel SUT cannot run), else as we are. */
function cliUnprivileged(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (process.getuid?.() !== 0) return cli(cwd, ...args);
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", process.execPath, BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SOCKET = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
/** Passes its checks, but fails on any SUT: the SYN/ACK it waits for never comes. */
const FAILS_LIVE = `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 > S. 0:0(0) ack 1 <...>\n`;

describe("cli: run flags (packetdrill and run_all.py)", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-flags-"));
    mkdirSync(join(dir, "s"));
    writeFileSync(join(dir, "s/a.pkt"), SOCKET);
    writeFileSync(join(dir, "s/b-v6.pkt"), SOCKET);
    writeFileSync(join(dir, "fails-live.pkt"), FAILS_LIVE);
    writeFileSync(join(dir, "bad-check.pkt"), `${SOCKET}+0 close(3) = 0\n-1 close(3) = 0\n`);
    writeFileSync(join(dir, "refused-line.pkt"), `--so_filename=libstack.so\n${SOCKET}`);
    writeFileSync(join(dir, "bad-value-line.pkt"), `--tolerance_usecs=-5\n${SOCKET}`);
    writeFileSync(join(dir, "dry-line.pkt"), `--dry_run\n${FAILS_LIVE}`);
    writeFileSync(join(dir, "refused.json"), JSON.stringify({ flags: { wire_client: true } }));
    writeFileSync(join(dir, "bad-value.json"), JSON.stringify({ variants: { ipv4: { flags: { mtu: 20 } } } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const flag of PACKETDRILL_FLAGS.filter((f) => f.support.kind === "refused")) {
    it(`refuses --${flag.name} with exit 2, naming it and why`, () => {
      const r = cli(dir, "run", flag.takes === "none" ? `--${flag.name}` : `--${flag.name}=x`, "s");
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^error\\[MPD_ERR_USAGE\\]: --${flag.name}: not supported: `));
      expect(r.stdout).to.equal("");
    });
  }
  for (const opt of ["-p", "-s", "--subdirs", "--parallelize_dirs"]) {
    it(`refuses run_all.py ${opt} with exit 2, naming it`, () => {
      const r = cli(dir, "run", opt, "s");
      expect(r.status).to.equal(2);
      expect(r.stderr).to.contain(`error[MPD_ERR_USAGE]: ${opt}`).and.contain("not supported");
    });
  }

  it("rejects bad values with packetdrill's wording and exit 2", () => {
    for (const [arg, message] of [
      ["--tolerance_usecs=abc", "bad --tolerance_usecs: abc (expected an integer greater than 0)"],
      ["--tolerance_usecs=-5", "bad --tolerance_usecs: -5 (expected an integer greater than 0)"],
      ["--local_ip=300.1.1.1", "bad --local_ip: 300.1.1.1 (expected an IPv4 or IPv6 address)"],
      ["--non_fatal=everything", "bad --non_fatal: everything (unknown type 'everything'"],
      ["--code_format=perl", "bad --code_format: perl (the only format is python)"],
    ] as const) {
      const r = cli(dir, "run", arg, "s");
      expect(r.status, arg).to.equal(2);
      expect(r.stderr, arg).to.contain(`error[MPD_ERR_USAGE]: ${message}`);
    }
  });

  it("checks the address flags against each variant's family, as packetdrill does", () => {
    const r = cli(dir, "run", "--list", "--local_ip=192.168.0.9", "s");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("error[MPD_ERR_USAGE]: bad IPv6 address: 192.168.0.9 (--local_ip), for the ipv6 jobs\n");
    expect(cli(dir, "run", "--list", "--local_ip=192.168.0.9", "-4", "--ipv4mappedv6", "s").status).to.equal(0);
  });

  it("refuses a flag or bad value in a config file with exit 2, naming the key", () => {
    const refused = cli(dir, "run", "--config", "refused.json", "s");
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.contain("config.flags.wire_client: --wire_client: not supported: ");
    const bad = cli(dir, "run", "--config", "bad-value.json", "s");
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain("config.variants.ipv4.flags.mtu: bad --mtu: 20 (expected an integer from 68");
  });

  it("fails a script whose option line is refused or has a bad value, at file:line:col", () => {
    const r = cli(dir, "check", "refused-line.pkt", "bad-value-line.pkt");
    expect(r.status).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("refused-line.pkt:1:1: error: Option '--so_filename' is not supported")
      .and.contain("bad-value-line.pkt:1:19: error: bad --tolerance_usecs: -5");
    const run = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--reporter", "jsonl", "refused-line.pkt");
    expect(run.status).to.equal(1);
    expect(JSON.parse(run.stdout.split("\n")[0] ?? "{}")).to.deep.include({ verdict: "error", line: 1 });
  });

  it("--dry_run parses and checks without root, namespace or host", () => {
    for (const p of [dir, join(dir, "fails-live.pkt"), join(dir, "bad-check.pkt"), join(dir, "dry-line.pkt")]) chmodSync(p, 0o755);
    // Not root (or made unprivileged): a live kernel run is refused, a dry run is not.
    const live = cliUnprivileged(dir, "run", "--ip-version", "ipv4", "--reporter", "jsonl", "fails-live.pkt");
    expect(live.status).to.equal(2);
    const dry = cliUnprivileged(dir, "run", "--dry_run", "--ip-version", "ipv4", "--reporter", "jsonl", "fails-live.pkt", "bad-check.pkt");
    expect(dry.status, dry.stderr).to.equal(1);
    const rows = dry.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r["file"] === "fails-live.pkt")).to.deep.include({ verdict: "pass", message: "dry run: parsed and checked, not run" });
    expect(rows.find((r) => r["file"] === "bad-check.pkt")).to.deep.include({ verdict: "error", line: 3 });
    const clean = cliUnprivileged(dir, "run", "--dry_run", "fails-live.pkt");
    expect(clean.status, clean.stderr).to.equal(0);
    expect(clean.stdout).to.contain("3 passed, 0 failed");
  });

  it("refuses --is_anyip and --speed on the reference SUT, which has no routing table or link", () => {
    for (const flag of ["--is_anyip", "--speed=100"]) {
      const r = cli(dir, "run", "--sut", "reference", flag, "--ip-version", "ipv4", "--reporter", "jsonl", "s/a.pkt");
      expect(r.status).to.equal(1);
      expect(JSON.parse(r.stdout.split("\n")[0] ?? "{}")).to.deep.include({ verdict: "error" });
      expect(r.stdout).to.contain(`${flag.replace(/=.*/, "")}: not supported on the reference SUT`);
    }
  });

  it("a script's --define lines are defines, and -D overrides them (reference SUT)", () => {
    writeFileSync(join(dir, "define-line.pkt"), "--define=KIND=SOCK_STREAM\n0 socket(..., KIND, IPPROTO_TCP) = 3\n");
    expect(cli(dir, "run", "--sut", "reference", "-4", "define-line.pkt").status).to.equal(0);
    const overridden = cli(dir, "run", "--sut", "reference", "-4", "-D", "KIND=SOCK_DGRAM", "define-line.pkt");
    expect(overridden.status).to.equal(1);
    expect(overridden.stdout).to.contain("Socket type not supported");
  });

  it("--dry_run on a script's option line skips that script's run (reference SUT)", () => {
    const r = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--reporter", "jsonl", "dry-line.pkt", "fails-live.pkt");
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((x) => x["file"] === "dry-line.pkt")).to.deep.include({ verdict: "pass", message: "dry run: parsed and checked, not run" });
    expect(rows.find((x) => x["file"] === "fails-live.pkt")).to.deep.include({ verdict: "fail" });
  });

  it("-l prints a failing job's packet log under its result (reference SUT), -L a passing one's", () => {
    writeFileSync(join(dir, "handshake.pkt"), `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 32792 <mss 1000>\n+0 > S. 0:0(0) ack 1 <mss 1460>\n`);
    writeFileSync(join(dir, "mss-differs.pkt"), `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 32792 <mss 1000>\n+0 > S. 0:0(0) ack 1 <mss 1000>\n`);
    const plain = cli(dir, "run", "--sut", "reference", "-4", "mss-differs.pkt", "handshake.pkt");
    expect(plain.stdout).to.not.contain("      log:");
    const l = cli(dir, "run", "--sut", "reference", "-4", "-l", "mss-differs.pkt", "handshake.pkt");
    expect(l.stdout).to.match(/FAIL  mss-differs\.pkt \[ipv4\][^\n]*\n(.*\n)*      log:\n        inbound injected packet: [^\n]*\n        outbound sniffed packet: [^\n]*<mss 1460>\n/);
    expect(l.stdout).to.not.match(/PASS  handshake\.pkt[^\n]*\n      log:/);
    const big = cli(dir, "run", "--sut", "reference", "-4", "-L", "mss-differs.pkt", "handshake.pkt");
    expect(big.stdout).to.match(/PASS  handshake\.pkt \[ipv4\][^\n]*\n      log:\n        inbound injected packet: [^\n]* S 0:0\(0\) win 32792 <mss 1000>\n        outbound sniffed packet: [^\n]* S\. \d+:\d+\(0\) ack 1 /);
  });

  it("--list prints every job with its variant and flags, runs nothing, exits 0", () => {
    const r = cliUnprivileged(dir, "run", "--list", "--tolerance_usecs=7000", "-D", "X=1", "s");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal([
      "s/a.pkt [ipv4] --tolerance_usecs=7000 --ip_version=ipv4 -D X=1",
      "s/a.pkt [ipv4-mapped-ipv6] --tolerance_usecs=7000 --ip_version=ipv4-mapped-ipv6 -D X=1",
      "s/a.pkt [ipv6] --tolerance_usecs=7000 --ip_version=ipv6 -D X=1",
      "s/b-v6.pkt [ipv6] --tolerance_usecs=7000 --ip_version=ipv6 -D X=1",
      "",
    ].join("\n"));
    expect(cli(dir, "run", "--list", "-4", "s").stdout).to.equal("s/a.pkt [ipv4] --ip_version=ipv4\n");
  });
});
