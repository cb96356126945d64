import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/mptcpdrill.js");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MESSY = "0   socket(...,SOCK_STREAM,IPPROTO_TCP)=3  // open\n\n\n+0 close(3)=0\n";
const CLEAN = " 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // open\n\n+0 close(3) = 0\n";

describe("cli: mptcpdrill fmt", function () {
  this.timeout(120_000);
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-fmt-"));
    writeFileSync(join(dir, "a.pkt"), MESSY);
    writeFileSync(join(dir, "b.pkt"), CLEAN);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the canonical form without touching the file", () => {
    const r = cli(dir, "fmt", "a.pkt");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(CLEAN);
    expect(readFileSync(join(dir, "a.pkt"), "utf8")).to.equal(MESSY);
  });

  it("--check exits 1 naming the files that would change, 0 when none would", () => {
    const r = cli(dir, "fmt", "--check", ".");
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal("would reformat a.pkt\n");
    expect(cli(dir, "fmt", "--check", "b.pkt").status).to.equal(0);
  });

  it("--write rewrites changed files in place, after which --check passes", () => {
    const r = cli(dir, "fmt", "--write", ".");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal("reformatted a.pkt\n");
    expect(readFileSync(join(dir, "a.pkt"), "utf8")).to.equal(CLEAN);
    expect(cli(dir, "fmt", "--check", ".").status).to.equal(0);
  });

  it("exits 1 with the syntax diagnostic for a script that does not parse, and 2 on usage errors", () => {
    writeFileSync(join(dir, "bad.pkt"), "0 close(3\n");
    const bad = cli(dir, "fmt", "--write", "bad.pkt");
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^bad\.pkt:2:1: error: /);
    expect(readFileSync(join(dir, "bad.pkt"), "utf8")).to.equal("0 close(3\n");
    expect(cli(dir, "fmt", "--write", "--check", "a.pkt").status).to.equal(2);
    expect(cli(dir, "fmt", "missing.pkt").stderr).to.contain("MPD_ERR_FILE");
  });
});
