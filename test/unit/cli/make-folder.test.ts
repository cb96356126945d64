// makeFolder on the real file system: nested creation, an existing folder, a file in the way, and
// a pseudo file system that refuses entries (/proc), where Node's recursive mkdir never returns.
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { makeFolder } from "../../../src/cli/make-folder.ts";

describe("cli: makeFolder", () => {
  let dir = "";
  beforeEach(() => (dir = fs.mkdtempSync(join(tmpdir(), "mpd-mkfolder-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates missing levels and accepts an existing folder", () => {
    expect(makeFolder(fs, join(dir, "a/b/c"))).to.equal(null);
    expect(fs.statSync(join(dir, "a/b/c")).isDirectory()).to.equal(true);
    expect(makeFolder(fs, join(dir, "a/b"))).to.equal(null);
  });

  it("names a file in the way", () => {
    fs.writeFileSync(join(dir, "f"), "");
    expect(makeFolder(fs, join(dir, "f"))).to.match(/exists and is not a folder/);
    expect(makeFolder(fs, join(dir, "f/sub"))).to.match(/ENOTDIR/);
  });

  it("returns the refusal under /proc at once instead of spinning", () => {
    expect(makeFolder(fs, "/proc/mpd-no-such/x")).to.match(/ENOENT|EACCES|EPERM|EROFS/);
    expect(fs.existsSync("/proc/mpd-no-such")).to.equal(false);
  });
});
