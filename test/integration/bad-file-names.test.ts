// A file name that is not valid UTF-8, or a script that cannot be read, is one error among the
// others for check, fmt and run: the other scripts are still handled, the exit status is 2, and
// the message names the file with its bad bytes escaped. An empty folder is "nothing to check"
// for check as it is "nothing to run" for run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n";
const BROKEN = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = \n";

describe("cli: unusable file names and empty folders", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-badnames-"));
    mkdirSync(join(dir, "s"));
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "s/a.pkt"), GOOD);
    writeFileSync(join(dir, "s/z.pkt"), BROKEN);
    // `bad\xff.pkt`: a Latin-1 byte, not UTF-8.
    writeFileSync(Buffer.concat([Buffer.from(join(dir, "s/bad")), Buffer.from([0xff]), Buffer.from(".pkt")]), GOOD);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("check reports the bad name and still checks every other script (exit 2)", () => {
    const r = cli(dir, "check", "--no-cache", "s");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal("error[MPD_ERR_FILE]: cannot read 's/bad\\xff.pkt': the name is not valid UTF-8 (rename it)\n");
    expect(r.stdout).to.match(/^s\/z\.pkt:\d+:\d+: error/m).and.match(/2 scripts, 1 error/);
  });

  it("fmt --check does the same", () => {
    const r = cli(dir, "fmt", "--check", "s");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("cannot read 's/bad\\xff.pkt': the name is not valid UTF-8").and.match(/^s\/z\.pkt:\d+:\d+: error/m);
  });

  it("run runs the other scripts and exits 2", () => {
    const r = cli(dir, "run", "--sut", "reference", "--reporter", "jsonl", "s");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("error[MPD_ERR_FILE]: cannot read 's/bad\\xff.pkt': the name is not valid UTF-8 (rename it)");
    const ends = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file?: string }).filter((e) => e.file !== undefined);
    expect([...new Set(ends.map((e) => e.file))]).to.deep.equal(["s/a.pkt", "s/z.pkt"]);
  });

  it("check of a folder without scripts is an error, as for run (exit 2)", () => {
    const c = cli(dir, "check", "empty");
    expect(c.status).to.equal(2);
    expect(c.stderr).to.equal("error[MPD_ERR_FILE]: nothing to check: no .pkt script under 'empty'\n");
    expect(cli(dir, "run", "empty").status).to.equal(2);
  });
});
