// `run --capture DIR` where DIR cannot be created: a usage error naming the folder, at once (under
// /proc, Node's recursive mkdir used to spin at full CPU forever).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");

describe("cli: mptcpdrill run --capture into a folder that cannot exist", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-capture-folder-"));
    writeFileSync(join(dir, "t.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    writeFileSync(join(dir, "file"), "");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const target of ["/proc/x", "/proc/x/y", "file/sub"]) {
    it(`--capture ${target}: exit 2 with MPD_ERR_FILE, no job run`, () => {
      const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--capture", target, "t.pkt"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
      expect(r.error, "the process did not end").to.equal(undefined);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^error\\[MPD_ERR_FILE\\]: cannot create capture folder '${target}': `));
      expect(r.stdout).to.equal("");
    });
  }
});
