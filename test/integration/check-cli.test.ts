import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { expectGolden } from "../support/golden.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("cli: mptcpdrill check", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-check-"));
    writeFileSync(join(dir, "good.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    writeFileSync(join(dir, "warn.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win 1 <wscale 15>\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with a summary when no script has an error (warnings allowed)", () => {
    const r = cli("check", dir);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.contain("warning: Value 15 of 'wscale' is above 14");
    expect(r.stdout.trimEnd().split("\n").at(-1)).to.equal("2 scripts, 0 errors, 1 warning");
  });

  it("reports 0 errors on the whole upstream corpus", () => {
    const r = cli("check", "../shared/corpus");
    expect(r.stdout.trimEnd().split("\n").at(-1)).to.match(/^203 scripts, 0 errors, \d+ warnings?$/);
    expect(r.status).to.equal(0);
  });

  it("exits 1 and prints every diagnostic with a caret frame when a script has an error", () => {
    const r = cli("check", "test/fixtures/broken/wrong-arity.pkt", "test/fixtures/broken/window-too-large.pkt");
    expect(r.status).to.equal(1);
    expectGolden("diagnostics/check-two-broken.txt", r.stdout);
    expect(r.stderr).to.equal("");
  });

  it("exits 1 over the broken fixtures folder, never printing a stack trace", () => {
    const r = cli("check", "test/fixtures/broken");
    expect(r.status).to.equal(1);
    expect(r.stdout.trimEnd().split("\n").at(-1)).to.match(/^23 scripts, \d+ errors, 0 warnings$/);
    expect(r.stdout + r.stderr).to.not.match(/\n\s+at /);
  });

  it("exits 2 with MPD_ERR_FILE for a missing path and MPD_ERR_USAGE without paths", () => {
    const missing = cli("check", "no/such/file.pkt");
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.equal("error[MPD_ERR_FILE]: no such file or folder: 'no/such/file.pkt'\n");
    const none = cli("check");
    expect(none.status).to.equal(2);
    expect(none.stderr).to.match(/^error\[MPD_ERR_USAGE\]: expected at least one PATH/);
  });

  it("range-checks an identifier through -D NAME=VALUE", () => {
    const file = join(dir, "defined.pkt");
    writeFileSync(file, "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win WIN\n");
    expect(cli("check", file).status).to.equal(0);
    const r = cli("check", "-D", "WIN=70000", file);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.contain("error: Value 70000 does not fit 'win' (0..65535)");
    rmSync(file);
  });

  it("prints one JSON document with --json", () => {
    const r = cli("check", "--json", "--define=X=1", "test/fixtures/broken/wrong-arity.pkt", join(dir, "good.pkt"));
    expect(r.status).to.equal(1);
    const doc = JSON.parse(r.stdout) as unknown;
    expect(doc).to.deep.equal([
      { file: join(dir, "good.pkt"), diagnostics: [] },
      {
        file: "test/fixtures/broken/wrong-arity.pkt",
        diagnostics: [
          { severity: "error", code: "syscall-arity", message: "System call 'listen' takes 2 arguments but 1 was given", line: 3, column: 4, endLine: 3, endColumn: 13, notes: [] },
        ],
      },
    ]);
  });
});
