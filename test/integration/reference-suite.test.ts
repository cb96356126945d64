/**
 * `mptcpdrill run --sut reference suites/reference` end to end: the CLI runs every script of the
 * reference suite as ipv4 and ipv4-mapped-ipv6 without root, all pass, exit 0; a jsonl report of
 * two runs is identical apart from wall times (the reference SUT is deterministic).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function countPkt(dir: string): number {
  return readdirSync(dir).reduce((n, name) => {
    const p = join(dir, name);
    return n + (statSync(p).isDirectory() ? countPkt(p) : name.endsWith(".pkt") ? 1 : 0);
  }, 0);
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli: mptcpdrill run --sut reference suites/reference", function () {
  this.timeout(120_000);

  it("runs every script as ipv4 and ipv4-mapped-ipv6, all pass, exit 0", () => {
    const scripts = countPkt(join(ROOT, "suites/reference"));
    expect(scripts).to.be.at.least(50);
    const r = run("suites/reference");
    expect(r.stderr).to.equal("");
    expect(r.stdout).to.contain(`${2 * scripts} passed, 0 failed, 0 errors, 0 skipped`);
    expect(r.status).to.equal(0);
  });

  it("is deterministic: two jsonl reports agree event for event", () => {
    const strip = (out: string): unknown[] => out.trim().split("\n").map((l) => {
      const e = JSON.parse(l) as Record<string, unknown>;
      delete e["ms"]; delete e["wallMs"]; delete e["time"]; delete e["durationMs"];
      return e;
    });
    const a = run("--ip-version", "ipv4", "--reporter", "jsonl", "suites/reference/dss");
    const b = run("--ip-version", "ipv4", "--reporter", "jsonl", "suites/reference/dss");
    expect(a.status).to.equal(0);
    expect(strip(a.stdout)).to.deep.equal(strip(b.stdout));
  });

  it("fails (exit 1) when the reference stack does not do what a script expects", () => {
    const dir = mkdtempSync(join(tmpdir(), "mptcpdrill-ref-"));
    try {
      const src = readFileSync(join(ROOT, "suites/reference/dss/dss-07-data-fin-one-octet-listener-v4.pkt"), "utf8");
      // DSS-07 mutant: expect the DATA_FIN to be acknowledged without its octet.
      writeFileSync(join(dir, "mutant-v4.pkt"), src.replace("<dss dack8=12 nocs>", "<dss dack8=11 nocs>"));
      const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--ip-version", "ipv4", join(dir, "mutant-v4.pkt")], { encoding: "utf8" });
      expect(r.stdout).to.match(/mptcp dss dack8: expected: 11 \(0xb\) vs actual: 12 \(0xc\)/);
      expect(r.status).to.equal(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
