/**
 * A job stopped by its time limit names the line it was stuck on (issue 17): a system call that
 * blocks, a backtick command that never ends, the code blocks run after the last event; and a
 * stuck outbound packet line is still reported by its own timing check, not as a timeout.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");

const CASES: Array<[string, string, number, RegExp]> = [
  ["accept", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 accept(3, ..., ...) = 4\n", 4, /at line 4: syscall accept, not ended since \d+\.\d{3} s into the script$/],
  ["backtick", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `sleep 1000`\n+0 close(3) = 0\n", 2, /at line 2: command, not ended since /],
  ["code", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %{\nwhile True:\n    pass\n}%\n", 2, /at line 2: code blocks \(%\{ \}%, run after the last event\), not ended since /],
];

describe("kernel: a timed-out job names the line it was stuck on", function () {
  this.timeout(120_000);
  let dir = "";
  before(function () {
    if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mpd-timeout-line-"));
    for (const [name, text] of CASES) writeFileSync(join(dir, `${name}.pkt`), text);
  });
  after(() => dir !== "" && rmSync(dir, { recursive: true, force: true }));

  it("a blocking call, an endless command and endless code blocks: verdict fail at that line", () => {
    const r = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "--timeout", "3", "--reporter", "jsonl", ...CASES.map(([n]) => `${n}.pkt`)], { cwd: dir, encoding: "utf8", timeout: 90_000 });
    const rows = new Map(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict?: string; line?: number; message?: string }).filter((x) => x.file !== undefined).map((x) => [x.file, x]));
    for (const [name, , line, message] of CASES) {
      const row = rows.get(`${name}.pkt`);
      expect([row?.verdict, row?.line], name).to.deep.equal(["fail", line]);
      expect(row?.message, name).to.match(/^timed out after 3 s \(--timeout\) /).and.match(message);
    }
  });
});
