/**
 * The fault suite: runs `mptcpdrill run` (kernel SUT) and `mptcpdrill interop` and ends them the
 * hard ways — SIGINT and SIGTERM at a random moment, SIGKILL of the CLI, the per-script timeout
 * while the script is stuck in a blocking call, an endless code block or an endless backtick
 * command — then takes a census of what the run could have left: its processes (every process
 * that descended from the CLI, seen while it ran), its named namespaces, network devices in the
 * root namespace, and its temporary folders. Any survivor is a finding. After a SIGKILL, the
 * census is taken after the next run of the same command, which must clean up what the killed one
 * could not.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Rng } from "../../src/rng.ts";
import { pick } from "./mutate.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

/** One way of ending a run, and the run it ends. */
export type Fault =
  | { readonly kind: "signal"; readonly command: "run" | "interop" | "vm"; readonly signal: "SIGINT" | "SIGTERM" | "SIGKILL" }
  | { readonly kind: "timeout"; readonly stuck: "blocking-call" | "code-block" | "backtick" };

/** A fault's outcome: what it left behind (empty = clean) and how the CLI ended. */
export interface FaultResult {
  readonly fault: Fault;
  readonly exit: string;
  readonly leftovers: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ppid of every process now. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "latin1");
      out.set(Number(e), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  return out;
}

/** Adds every descendant of `root` to `seen`. */
function collectDescendants(root: number, seen: Set<number>): void {
  const pp = parents();
  let grew = true;
  seen.add(root);
  while (grew) {
    grew = false;
    for (const [pid, ppid] of pp) {
      if (!seen.has(pid) && seen.has(ppid)) {
        seen.add(pid);
        grew = true;
      }
    }
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function namespaces(): string[] {
  const out = execFileSync("ip", ["-j", "netns", "list"], { encoding: "utf8" }).trim();
  return (JSON.parse(out === "" ? "[]" : out) as Array<{ name: string }>).map((n) => n.name);
}

function rootLinks(): string[] {
  return execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).split("\n").map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? "").filter((n) => n !== "");
}

/** What belongs to the CLI with pid `cli`: its named namespaces and temp folders. */
function ownedBy(cli: number): string[] {
  const ns = namespaces().filter((n) => new RegExp(`^mpd-interop-[ktr]${cli}$`).test(n)).map((n) => `namespace ${n}`);
  const temps = readdirSync(tmpdir()).filter((n) => n.startsWith(`mptcpdrill-${cli}-host-`)).map((n) => `temp ${join(tmpdir(), n)}`);
  return [...ns, ...temps];
}

/** Scripts that get stuck, one per way. */
const STUCK: Record<"blocking-call" | "code-block" | "backtick", string> = {
  "blocking-call": "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 accept(3, ..., ...) = 4\n",
  "code-block": "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %{\nwhile True:\n    pass\n}%\n",
  backtick: "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `sleep 1000`\n",
};

/** Starts the CLI; tracks its descendants until it exits. */
function start(args: readonly string[], cwd: string): { child: ChildProcess; seen: Set<number>; exit: Promise<string> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: "ignore" });
  const seen = new Set<number>();
  const tracker = setInterval(() => collectDescendants(child.pid as number, seen), 50);
  const exit = new Promise<string>((r) => child.on("exit", (code, sig) => {
    clearInterval(tracker);
    r(sig ?? String(code));
  }));
  return { child, seen, exit };
}

/** Survivors among `seen` (the CLI itself excluded), after giving them `graceMs` to go. */
async function survivors(seen: Set<number>, cli: number, graceMs: number): Promise<string[]> {
  const left = (): number[] => [...seen].filter((p) => p !== cli && alive(p));
  for (const end = Date.now() + graceMs; left().length > 0 && Date.now() < end;) await sleep(100);
  return left().map((p) => {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${p}/cmdline`, "latin1").replace(/\0/g, " ").trim().slice(0, 120);
    } catch {
      // gone meanwhile
    }
    return `process ${p} ${cmd}`;
  });
}

/** How the CLI must end: 130/143 for SIGINT/SIGTERM, killed for SIGKILL, 1 (a failed job) for a timeout. */
function expectedExit(f: Fault): string {
  if (f.kind === "timeout") return "1";
  return f.signal === "SIGINT" ? "130" : f.signal === "SIGTERM" ? "143" : "SIGKILL";
}

/** Runs one fault and takes the census. `dir` holds the scripts. */
export async function runFault(fault: Fault, rng: Rng, dir: string): Promise<FaultResult> {
  const linksBefore = new Set(rootLinks());
  let args: string[];
  if (fault.kind === "timeout") {
    writeFileSync(join(dir, `stuck-${fault.stuck}.pkt`), STUCK[fault.stuck]);
    args = ["run", "--ip-version", "ipv4", "--timeout", "2", `stuck-${fault.stuck}.pkt`];
  } else if (fault.command === "run") {
    writeFileSync(join(dir, "stuck-blocking-call.pkt"), STUCK["blocking-call"]);
    writeFileSync(join(dir, "stuck-backtick.pkt"), STUCK.backtick);
    args = ["run", "-j", "2", "stuck-blocking-call.pkt", "stuck-backtick.pkt"];
  } else if (fault.command === "vm") {
    writeFileSync(join(dir, "stuck-blocking-call.pkt"), STUCK["blocking-call"]);
    writeFileSync(join(dir, "stuck-backtick.pkt"), STUCK.backtick);
    args = ["vm", "--kernel", "debian:6.1", "--ip-version", "ipv4", "stuck-blocking-call.pkt", "stuck-backtick.pkt"];
  } else args = ["interop"]; // every default scenario: ~15 s, long enough for any fault moment
  const run = start(args, dir);
  const cli = run.child.pid as number;
  if (fault.kind === "signal") {
    // A VM boots for 15-25 s under TCG: its faults land during the boot or the jobs.
    await sleep(fault.command === "vm" ? 3000 + pick(rng, 22_000) : fault.command === "interop" ? 1500 + pick(rng, 2500) : 300 + pick(rng, 2200));
    run.child.kill(fault.signal);
  }
  const exit = await Promise.race([run.exit, sleep(fault.kind === "signal" && fault.command === "vm" ? 120_000 : 60_000).then(() => "hung")]);
  if (exit === "hung") run.child.kill("SIGKILL");
  const leftovers: string[] = exit === "hung" ? [`the CLI did not end within 60 s of the ${fault.kind}`] : [];
  const expected = expectedExit(fault);
  if (exit !== "hung" && exit !== expected) leftovers.push(`the CLI ended with ${exit}, expected ${expected}`);
  leftovers.push(...await survivors(run.seen, cli, 5000));
  if (fault.kind === "signal" && fault.signal === "SIGKILL") {
    // What a SIGKILL could not remove, the next run of the same command must.
    // The next run of the same kind cleans up (a `run` also removes a killed VM's host folder).
    const next = fault.command === "interop" ? ["interop", "--link", "tun", "mpc-ref-client"] : ["run", "--ip-version", "ipv4", "quick.pkt"];
    writeFileSync(join(dir, "quick.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    const r = spawnSync(process.execPath, [BIN, ...next], { cwd: dir, stdio: "ignore", timeout: 120_000 });
    if (r.status !== 0) leftovers.push(`the next ${next[0]} run ended with ${r.status ?? r.signal}`);
  }
  leftovers.push(...ownedBy(cli));
  for (const l of rootLinks()) if (!linksBefore.has(l) && /^(tun|tap|mpd)/.test(l)) leftovers.push(`device ${l} in the root namespace`);
  return { fault, exit, leftovers };
}

/** The faults of a suite of the given size, in a fixed order. */
export function faultPlan(sizes: { sigints: number; sigkills: number; timeouts: number; interop: boolean; vm?: boolean }): Fault[] {
  const plan: Fault[] = [];
  for (let i = 0; i < sizes.sigints; i++) {
    const command = sizes.interop && i % 4 === 3 ? "interop" : sizes.vm === true && i % 5 === 2 ? "vm" : "run";
    plan.push({ kind: "signal", command, signal: i % 5 === 4 ? "SIGTERM" : "SIGINT" });
  }
  for (let i = 0; i < sizes.sigkills; i++) {
    const command = sizes.interop && i % 2 === 1 ? "interop" : sizes.vm === true && i === 2 ? "vm" : "run";
    plan.push({ kind: "signal", command, signal: "SIGKILL" });
  }
  const ways = ["blocking-call", "code-block", "backtick"] as const;
  for (let i = 0; i < sizes.timeouts; i++) plan.push({ kind: "timeout", stuck: ways[i % 3] as (typeof ways)[number] });
  return plan;
}

/** A folder for the fault scripts; remove it with {@link removeFaultDir}. */
export function makeFaultDir(): string {
  return mkdtempSync(join(tmpdir(), "mpd-faults-"));
}

/** Removes the scripts' folder. */
export function removeFaultDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Describes a fault in a few words. */
export function faultName(f: Fault): string {
  return f.kind === "timeout" ? `timeout (${f.stuck})` : `${f.signal} of ${f.command}`;
}
