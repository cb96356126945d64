import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeCpio } from "../../../src/runner/vm/cpio.ts";

describe("newc cpio encoder", () => {
  const archive = encodeCpio([
    { name: "bin", mode: 0o040755, data: new Uint8Array(0) },
    { name: "bin/hello", mode: 0o100755, data: Buffer.from("hi\n") },
    { name: "link", mode: 0o120777, data: Buffer.from("bin/hello") },
  ]);

  it("writes 110-byte headers, 4-byte alignment and the trailer", () => {
    const text = Buffer.from(archive).toString("latin1");
    expect(text.startsWith("070701")).to.equal(true);
    expect(archive.length % 4).to.equal(0);
    expect(text).to.include("TRAILER!!!\0");
    // the second field (mode) of the first header: a folder
    expect(text.slice(14, 22)).to.equal("000041ed");
  });

  it("unpacks with cpio (busybox) into the same tree", function () {
    let cpio: string[];
    try {
      execFileSync("busybox", ["true"]);
      cpio = ["busybox", "cpio"];
    } catch {
      this.skip();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "mpd-cpio-"));
    try {
      writeFileSync(join(dir, "a.cpio"), archive);
      execFileSync(cpio[0] ?? "", [...cpio.slice(1), "-i", "-d", "-F", "a.cpio"], { cwd: dir, stdio: "pipe" });
      expect(readFileSync(join(dir, "bin/hello"), "utf8")).to.equal("hi\n");
      expect(statSync(join(dir, "bin/hello")).mode & 0o777).to.equal(0o755);
      expect(readlinkSync(join(dir, "link"))).to.equal("bin/hello");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
