// A script beyond the nesting limit: the same diagnostic from check alone and in a batch, and the
// same error verdict in every variant of run (it used to pass alone and fail in a batch, or pass
// as ipv4 and error as ipv6, depending on how deep the caller's stack already was).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout };
}

describe("cli: script limits are the same everywhere", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-limits-"));
    for (const n of [1000, 3000, 100_000]) {
      writeFileSync(join(dir, `deep${n}.pkt`), `0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 writev(3, ${"[".repeat(n)}{iov_base=..., iov_len=1}${"]".repeat(n)}, 1) = 1\n`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("check: one error at 2:77, alone and in a batch with other scripts", () => {
    for (const n of [1000, 3000, 100_000]) {
      const alone = cli(dir, "check", "--no-cache", `deep${n}.pkt`);
      expect(alone.status).to.equal(1);
      expect(alone.stdout).to.match(new RegExp(`^deep${n}\\.pkt:2:77: error: brackets nest more than 64 levels deep here$`, "m"));
      const batch = cli(dir, "check", "--no-cache", `deep${n}.pkt`, join(ROOT, "suites"));
      expect(batch.stdout.split("\n").filter((l) => l.startsWith(`deep${n}.pkt:`))).to.deep.equal([`deep${n}.pkt:2:77: error: brackets nest more than 64 levels deep here`]);
    }
  });

  it("run: error at line 2 in every variant", () => {
    const r = cli(dir, "run", "--sut", "reference", "--reporter", "jsonl", "deep3000.pkt");
    const ends = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { variant?: string; verdict?: string; line?: number; message?: string }).filter((e) => e.variant !== undefined);
    expect(ends.map((e) => [e.variant, e.verdict, e.line])).to.deep.equal([["ipv4", "error", 2], ["ipv4-mapped-ipv6", "error", 2], ["ipv6", "error", 2]]);
    expect(new Set(ends.map((e) => e.message)).size).to.equal(1);
  });
});
