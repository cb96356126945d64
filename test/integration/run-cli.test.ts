import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
    [["run", "--reporter", "xml", "s"], "error[MPD_ERR_USAGE]: unknown reporter 'xml' (expected human, tap, junit, jsonl)\n"],
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
    expect(String(rows[0]?.["message"])).to.match(/^the kernel SUT needs root/);
    expect(rows[1]).to.deep.include({ summary: { pass: 0, fail: 0, error: 1, skip: 0 } });
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
