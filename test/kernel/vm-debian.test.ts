/**
 * `mptcpdrill vm` boots Debian's 6.1 kernel under qemu (fetched into the cache by the set-up,
 * scripts/setup.sh) and runs a handful of scripts in the guest with the same runner and
 * reporters: their verdicts are the ones this kernel gives (one passes, one fails at the line the
 * kernel differs since), the matrix and the reports carry them, and nothing is left behind (no
 * qemu, no temporary folder), also when the run is stopped with SIGINT while the VM boots.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { cacheRoot, listCachedKernels } from "../../src/runner/vm/kernel-cache.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const PASSES = "suites/mptcp/fastclose/fc-02-linger-zero-close-listener.pkt";
const CORPUS = resolve(ROOT, "../shared/corpus/mpd/net/mptcp");
/** ADD_ADDR without a DSS on a pure ACK: 6.1 already sends it alone (fails at line 20, as on 6.18). */
const FAILS = join(CORPUS, "add_addr/add_addr_server.pkt");
const PASSES_CORPUS = join(CORPUS, "mp_capable/v1_connect_tcpfallback_flagH.pkt");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function haveQemu(): boolean {
  try {
    execFileSync("qemu-system-x86_64", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** qemu processes whose parent is `pid`. */
function qemuChildrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && stat.includes("(qemu-system-x86")) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function tempsOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`mptcpdrill-${pid}-host-`));
}

function runCli(args: readonly string[]): { child: ChildProcess; done: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  return { child, done: new Promise((r) => child.on("exit", (code) => r({ code, out, err }))) };
}

describe("kernel: mptcpdrill vm on debian:6.1 (qemu TCG)", function () {
  this.timeout(300_000);
  let dir = "";
  before(function () {
    const cached = listCachedKernels(cacheRoot(process.env)).some((k) => k.series === "debian:6.1");
    if (process.getuid?.() !== 0 || !haveQemu() || !cached || !existsSync(FAILS)) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mpd-vm-test-"));
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("runs scripts in the guest: verdicts, reports and matrix, nothing left", async () => {
    const jsonl = join(dir, "r.jsonl");
    const matrix = join(dir, "m.json");
    const { child, done } = runCli(["vm", "--kernel", "debian:6.1", "--nice", "5", "--ip-version", "ipv4", "--config", "configs/packetdrill-mptcp.json",
      "--reporter", "human", "--reporter", `jsonl:${jsonl}`, "--matrix", matrix, PASSES, PASSES_CORPUS, FAILS]);
    const r = await done;
    expect(r.code, r.out + r.err).to.equal(1);
    // TCG here (KVM cannot run a guest on these machines); where KVM works, --accel auto takes it at scale 1.
    const header = /vm: kernel debian:6\.1 \(6\.1\.0-\d+-amd64\), qemu (tcg|kvm), 1 CPU, 1024 MB, tolerance_usecs x(\d+)/.exec(r.err);
    expect(header, r.err).to.not.equal(null);
    const scale = header?.[1] === "kvm" ? 1 : 10;
    expect(Number(header?.[2])).to.equal(scale);
    const verdicts = readFileSync(jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict: string; line: number | null; fixedMs?: { start: number } }).filter((v) => v.file !== undefined);
    const byName = new Map(verdicts.map((v) => [v.file?.split("/").pop(), v]));
    expect(byName.get("fc-02-linger-zero-close-listener.pkt")?.verdict).to.equal("pass");
    expect(byName.get("v1_connect_tcpfallback_flagH.pkt")?.verdict).to.equal("pass");
    expect(byName.get("add_addr_server.pkt")).to.deep.include({ verdict: "fail", line: 20 });
    // Fixed costs are on this machine's clock (the guest's monotonic clock starts at its boot).
    for (const v of verdicts) if (v.fixedMs !== undefined) expect(Math.abs(v.fixedMs.start)).to.be.below(120_000);
    const m = JSON.parse(readFileSync(matrix, "utf8")) as { columns: Array<{ kernel: string; toleranceScale: number; release: string }>; rows: unknown[] };
    expect(m.columns.map((c) => [c.kernel, c.toleranceScale])).to.deep.equal([["debian:6.1", scale]]);
    expect(m.rows).to.have.length(3);
    expect(qemuChildrenOf(child.pid as number)).to.deep.equal([]);
    expect(tempsOf(child.pid as number)).to.deep.equal([]);
  });

  it("a VM that does not come up within --boot-timeout is killed: its job is an error with the console's tail", async () => {
    const jsonl = join(dir, "boot.jsonl");
    const { child, done } = runCli(["vm", "--kernel", "debian:6.1", "--boot-timeout", "2", "--ip-version", "ipv4", "--reporter", `jsonl:${jsonl}`, PASSES]);
    const r = await done;
    expect(r.code, r.out + r.err).to.equal(1);
    const job = readFileSync(jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict: string; message: string | null }).find((v) => v.file !== undefined);
    expect(job?.verdict).to.equal("error");
    expect(job?.message).to.match(/after its hard time limit: [^]*mptcpdrill: the VM did not boot and warm up within 2 s/);
    expect(qemuChildrenOf(child.pid as number)).to.deep.equal([]);
    expect(tempsOf(child.pid as number)).to.deep.equal([]);
  });

  it("SIGINT while the VM boots: exit 130, qemu and its folder gone", async () => {
    const { child, done } = runCli(["vm", "--kernel", "debian:6.1", "--nice", "5", "--ip-version", "ipv4", PASSES]);
    const pid = child.pid as number;
    for (let i = 0; i < 200 && qemuChildrenOf(pid).length === 0; i++) await sleep(100);
    const qemu = qemuChildrenOf(pid);
    expect(qemu, "qemu never started").to.have.length(1);
    await sleep(1500);
    child.kill("SIGINT");
    const r = await Promise.race([done, sleep(30_000).then(() => null)]);
    expect(r?.code, "the run did not stop").to.equal(130);
    for (let i = 0; i < 50 && qemu.some((q) => existsSync(`/proc/${q}`)); i++) await sleep(100);
    expect(qemu.filter((q) => existsSync(`/proc/${q}`)), "qemu outlived the run").to.deep.equal([]);
    expect(tempsOf(pid)).to.deep.equal([]);
  });
});
