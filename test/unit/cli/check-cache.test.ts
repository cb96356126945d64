/**
 * The `check` result cache (src/cli/check-cache.ts): a second run answers from the cache with the
 * same report, a changed script is always checked again, a corrupt cache is ignored, and
 * `--no-cache` neither reads nor writes it.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../../src/cli/cli.ts";
import { checkCachePath } from "../../../src/cli/check-cache.ts";
import { memoryIo } from "../../../src/cli/io.ts";

describe("check cache", () => {
  let root = "";
  let cacheDir = "";
  const io = () => memoryIo({ cwd: root, env: { MPTCPDRILL_CACHE_DIR: cacheDir } });
  const GOOD = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n";
  const BAD = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3 = 0\n";

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mpd-check-cache-"));
    cacheDir = path.join(root, "cache");
    fs.writeFileSync(path.join(root, "a.pkt"), GOOD);
    fs.writeFileSync(path.join(root, "b.pkt"), GOOD);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("answers a second run from the cache with the same report", async () => {
    const first = io();
    expect(await runCli(["check", "a.pkt", "b.pkt"], first)).to.equal(0);
    const file = checkCachePath(first);
    expect(Object.keys((JSON.parse(fs.readFileSync(file, "utf8")) as { entries: object }).entries)).to.have.length(2);
    const before = fs.statSync(file).mtimeMs;
    const second = io();
    expect(await runCli(["check", "a.pkt", "b.pkt"], second)).to.equal(0);
    expect(second.out()).to.equal(first.out());
    expect(fs.statSync(file).mtimeMs, "nothing new: not rewritten").to.equal(before);
  });

  it("checks a changed script again, and a script that changes back is answered correctly", async () => {
    expect(await runCli(["check", "a.pkt"], io())).to.equal(0);
    fs.writeFileSync(path.join(root, "a.pkt"), BAD);
    const bad = io();
    expect(await runCli(["check", "a.pkt"], bad)).to.equal(1);
    expect(bad.out()).to.contain("a.pkt:2:");
    fs.writeFileSync(path.join(root, "a.pkt"), GOOD);
    expect(await runCli(["check", "a.pkt"], io())).to.equal(0);
    fs.writeFileSync(path.join(root, "a.pkt"), BAD);
    const again = io();
    expect(await runCli(["check", "a.pkt"], again)).to.equal(1);
    expect(again.out()).to.equal(bad.out());
  });

  it("keys on the defines too", async () => {
    fs.writeFileSync(path.join(root, "d.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [N], 4) = 0\n");
    const plain = io();
    await runCli(["check", "d.pkt"], plain);
    const defined = io();
    await runCli(["check", "-D", "N=1000", "d.pkt"], defined);
    const fresh = memoryIo({ cwd: root, env: { MPTCPDRILL_CACHE_DIR: path.join(root, "other") } });
    await runCli(["check", "-D", "N=1000", "d.pkt"], fresh);
    expect(defined.out()).to.equal(fresh.out());
  });

  it("ignores a corrupt cache and --no-cache neither reads nor writes one", async () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(checkCachePath(io()), "{not json");
    fs.writeFileSync(path.join(root, "a.pkt"), BAD);
    const r = io();
    expect(await runCli(["check", "a.pkt"], r)).to.equal(1);
    expect(r.out()).to.contain("a.pkt:2:");
    fs.rmSync(cacheDir, { recursive: true, force: true });
    expect(await runCli(["check", "--no-cache", "a.pkt"], io())).to.equal(1);
    expect(fs.existsSync(cacheDir)).to.equal(false);
  });
});
