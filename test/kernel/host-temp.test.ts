/**
 * A script host's temporary files do not outlive it (issue 17): a code block's `code.py` (and
 * whatever a script's commands put in $TMPDIR) live in the host's own folder, removed when the
 * host ends, also when it is killed mid code block by the per-script timeout; after a SIGKILL of
 * the CLI itself, the next run removes the folders of the killed one.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Entries of the system temp folder that a finished run could leave: host folders whose owner is
 * gone (those of runs still going, e.g. in parallel sessions, are theirs) and packetdrill-style
 * code folders.
 */
function tempCensus(): string[] {
  return readdirSync(tmpdir()).filter((n) => {
    const owner = /^mptcpdrill-(\d+)-host-/.exec(n);
    return owner !== null ? !alive(Number(owner[1])) : n.startsWith("code_");
  }).sort();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("kernel: script hosts leave no temporary files", function () {
  this.timeout(120_000);
  let dir = "";
  before(function () {
    if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mpd-host-temp-"));
    // The code block runs when the script's events are done; it sleeps past the job's limit.
    writeFileSync(join(dir, "slow-code.pkt"), [
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "+0 `mktemp > /dev/null`",
      "+0 %{ import time; time.sleep(60) }%",
      "",
    ].join("\n"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a host killed by the timeout during a code block leaves no code.py and no folder", () => {
    const before = tempCensus();
    const r = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "--timeout", "3", "--reporter", "jsonl", "slow-code.pkt"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    const end = JSON.parse(r.stdout.trim().split("\n")[0] ?? "{}") as { verdict?: string; message?: string };
    expect(end.verdict, r.stdout + r.stderr).to.equal("fail");
    expect(end.message).to.match(/time|limit/i);
    expect(tempCensus()).to.deep.equal(before);
  });

  it("after a SIGKILL of the CLI mid code block, the next run removes the killed run's folder", async () => {
    const before = tempCensus();
    const child = spawn(process.execPath, [BIN, "run", "--ip-version", "ipv4", "slow-code.pkt"], { cwd: dir, stdio: "ignore" });
    const mine = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith(`mptcpdrill-${child.pid}-host-`));
    for (let i = 0; i < 200 && !mine().some((n) => readdirSync(join(tmpdir(), n)).some((e) => e.startsWith("code_"))); i++) await sleep(100);
    expect(mine(), "the host's folder holds the code block's folder").to.have.length(1);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(mine(), "a SIGKILL cannot remove it").to.have.length(1);
    writeFileSync(join(dir, "quick.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    const next = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "quick.pkt"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(next.status, next.stdout + next.stderr).to.equal(0);
    expect(mine()).to.deep.equal([]);
    expect(tempCensus()).to.deep.equal(before);
  });
});
