/**
 * `mptcpdrill interop` ends without leftovers however it is stopped (issue 17): SIGINT and SIGTERM
 * mid-scenario exit 130 / 143 with the worker, its kernel peers and both namespaces gone; after a
 * SIGKILL of the CLI, the worker notices (its stdin pipe ends) and kills its process group, and
 * the next interop run removes the namespaces the killed one could not. "Gone" is checked by the
 * namespaces' inodes: no process anywhere is still in them, and their names are not listed.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readlinkSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { canUseNetns } from "../support/netns.ts";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");
const LONG = "bulk-20mb-two-subflows";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function namespacesOf(pid: number): string[] {
  const out = execFileSync("ip", ["-j", "netns", "list"], { encoding: "utf8" }).trim();
  const names = (JSON.parse(out === "" ? "[]" : out) as Array<{ name: string }>).map((n) => n.name);
  return names.filter((n) => new RegExp(`^mpd-interop-[ktr]${pid}$`).test(n));
}

/** The nsfs inode of a named namespace. */
function inodeOf(ns: string): number {
  return statSync(`/run/netns/${ns}`).ino;
}

/** Pids of processes whose network namespace is one of `inodes`. */
function processesIn(inodes: readonly number[]): number[] {
  const found: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${e}/ns/net`));
      if (m !== null && inodes.includes(Number(m[1]))) found.push(Number(e));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** Starts the long scenario and waits until its worker runs in both namespaces; returns their inodes. */
async function startInterop(): Promise<{ child: ChildProcess; inodes: number[]; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, "interop", LONG], { stdio: ["ignore", "pipe", "pipe"] });
  const exit = new Promise<number | null>((r) => child.on("exit", (code, sig) => r(code ?? (sig === null ? null : -1))));
  const pid = child.pid as number;
  for (let i = 0; i < 300; i++) {
    const names = namespacesOf(pid);
    if (names.length === 2) {
      const inodes = names.map(inodeOf);
      // The scenario is under way once processes live in both namespaces (worker, peer).
      if (inodes.every((ino) => processesIn([ino]).length > 0)) {
        await sleep(800);
        return { child, inodes, exit };
      }
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error("the interop run never started its scenario");
}

async function expectNothingLeft(pid: number, inodes: readonly number[]): Promise<void> {
  // Namespace teardown is asynchronous in the kernel; processes are not.
  for (let i = 0; i < 50 && (processesIn(inodes).length > 0 || namespacesOf(pid).length > 0); i++) await sleep(100);
  expect(namespacesOf(pid), "namespaces left").to.deep.equal([]);
  expect(processesIn(inodes), "processes left in the namespaces").to.deep.equal([]);
}

describe("kernel: interop leaves nothing behind on any exit", function () {
  this.timeout(120_000);
  before(function () {
    if (!canUseNetns()) this.skip();
  });

  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${sig} mid-scenario: exit ${code}, worker, peers and namespaces gone`, async () => {
      const { child, inodes, exit } = await startInterop();
      child.kill(sig);
      const status = await Promise.race([exit, sleep(30_000).then(() => "hung")]);
      expect(status).to.equal(code);
      await expectNothingLeft(child.pid as number, inodes);
    });
  }

  it("SIGKILL of the CLI: the worker group dies by itself, the next run removes the namespaces", async () => {
    const { child, inodes, exit } = await startInterop();
    const pid = child.pid as number;
    child.kill("SIGKILL");
    await exit;
    for (let i = 0; i < 100 && processesIn(inodes).length > 0; i++) await sleep(100);
    expect(processesIn(inodes), "the worker and its peers outlived the CLI").to.deep.equal([]);
    expect(namespacesOf(pid), "a SIGKILL cannot remove them: the next run does").to.have.length(2);
    const next = spawn(process.execPath, [BIN, "interop", "--link", "tun", "mpc-ref-client"], { stdio: "ignore" });
    const nextStatus = await new Promise<number | null>((r) => next.on("exit", (c) => r(c)));
    expect(nextStatus).to.equal(0);
    await expectNothingLeft(pid, inodes);
  });
});
