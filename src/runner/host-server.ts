/**
 * The script host's serving loop (loaded by its entry point, host-main.ts, once the blocking-call
 * thread is starting): a long-lived child process of a run (`unshare -n node dist/host.js`,
 * started by host-process.ts), one per parallel job slot. It ties its life to the
 * parent (PR_SET_PDEATHSIG, a re-check of the parent pid, IPC disconnect), starts its
 * blocking-call thread, warms its code up once (warm-up.ts), says `ready`, then runs the jobs it
 * is sent one at a time, each in a fresh network namespace (host-job.ts), streaming their events
 * (host-protocol.ts). When anything ends it abnormally it takes its whole process group with it
 * (backtick commands included). A job that leaves a blocking call stuck in the kernel, or whose
 * SUT could not be set up, is the host's last: it exits and the parent starts another.
 */
import { isMptcpdrillError } from "../errors.ts";
import type { Variant } from "../interp/events.ts";
import { blockingCallInFlight, blockingThread } from "../sut/kernel-tun/blocking-thread.ts";
import { monoNowUs } from "../sut/kernel-tun/clock.ts";
import { killStrayCommands } from "../sut/kernel-tun/commands.ts";
import { openKernelTunSut } from "../sut/kernel-tun/kernel-tun-sut.ts";
import { openLibc, type Libc } from "../sut/kernel-tun/libc.ts";
import { enterNewNamespace, kernelConfig, runHostJob, type HostContext } from "./host-job.ts";
import { WARM_VARIANTS_ENV } from "./host-env.ts";
import type { HostJob, HostMessage, HostRequest, WarmUpReport } from "./host-protocol.ts";
import { KERNEL_WARM_UP_FLAGS, warmUpInterpreter, warmUpKernel } from "./warm-up.ts";

const PR_SET_PDEATHSIG = 1;
const SIGTERM = 15;


let exitLibc: Libc | null = null;

/**
 * Exit now. `process.exit` waits for worker threads, and one stuck in a blocking call (a script
 * that ended with its `accept` still waiting) never finishes, so then the process leaves through
 * `_exit`. Everything sent to the parent before was flushed by the caller.
 */
function exitNow(code: number): never {
  if (blockingCallInFlight() && exitLibc !== null) exitLibc._exit(code);
  process.exit(code);
}

/** Kill every process in our group (bash children of commands), then ourselves. */
function killGroupAndExit(code: number): never {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // not a group leader (started without the parent helper): just exit
  }
  exitNow(code);
}

/** A normal exit: the script's leftover commands first (the parent kills the group after, too). */
function leave(code: number): never {
  killStrayCommands();
  exitNow(code);
}

/** Die with the parent: PDEATHSIG, a re-check of the parent pid, and IPC disconnect. */
function bindToParent(libc: Libc): void {
  libc.prctl(PR_SET_PDEATHSIG, "unsigned long", SIGTERM);
  const expected = Number(process.env["MPD_PARENT_PID"] ?? "0");
  if (expected !== 0 && libc.getppid() !== expected) killGroupAndExit(1);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => killGroupAndExit(1));
  process.on("disconnect", () => killGroupAndExit(1));
}

/** Send `msg` and resolve once it is written to the channel (so exiting next cannot lose it). */
function send(msg: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) resolve();
    else process.send(msg, undefined, {}, () => resolve());
  });
}

function warmVariants(): Variant[] {
  const all: Variant[] = ["ipv4", "ipv6", "ipv4-mapped-ipv6"];
  const wanted = (process.env[WARM_VARIANTS_ENV] ?? "ipv4,ipv6").split(",");
  // One warm-up per wire family is enough: ipv4-mapped-ipv6 runs IPv4 on the wire.
  const families = new Set(wanted.map((v) => (v === "ipv6" ? "ipv6" : "ipv4")));
  return all.filter((v) => families.has(v as "ipv4" | "ipv6"));
}

/**
 * The host's warm-up: the interpreter (while the blocking-call thread starts on the other CPU),
 * then the kernel per wire family, each in a namespace of its own, with the thread up.
 */
async function warmUp(ctx: HostContext): Promise<WarmUpReport[]> {
  await warmUpInterpreter();
  await ctx.thread?.readyWithin(3000);
  const reports: WarmUpReport[] = [];
  for (const variant of warmVariants()) {
    const t0 = monoNowUs();
    const flags = KERNEL_WARM_UP_FLAGS[variant === "ipv6" ? 6 : 4];
    let outcome: { verdict: string; message: string | null };
    try {
      await enterNewNamespace(ctx);
      outcome = await warmUpKernel(variant, (f) => Promise.resolve(openKernelTunSut({ ...kernelConfig({ variant, cwd: process.cwd(), defines: {} }, { ...f, ...flags }), commandEnv: {}, codeCommand: ["true"] })));
    } catch (e) {
      outcome = { verdict: "error", message: e instanceof Error ? e.message : String(e) };
    }
    reports.push({ variant, ...outcome, ms: Math.round((monoNowUs() - t0) / 1000) });
  }
  return reports;
}

async function serveJob(ctx: HostContext, job: HostJob): Promise<boolean> {
  try {
    const r = await runHostJob(ctx, job, (event) => void send({ type: "event", id: job.id, event }));
    const reusable = !blockingCallInFlight();
    await send({ type: "done", id: job.id, reusable, scriptStartUs: r.scriptStartUs, scriptEndUs: r.scriptEndUs, cleanupUs: r.cleanupUs });
    return reusable;
  } catch (e) {
    await send({ type: "fatal", id: job.id, code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

async function main(): Promise<void> {
  if (process.send === undefined) {
    process.stderr.write("script host: must be started by a run (needs an IPC channel)\n");
    process.exit(2);
  }
  const t0 = monoNowUs();
  const libc = openLibc();
  exitLibc = libc;
  bindToParent(libc);
  const thread = blockingThread();
  const ctx: HostContext = { libc, thread };
  const warm = await warmUp(ctx);
  // Jobs arrive one at a time (the parent waits for `done`); a queue keeps them in order anyway.
  let busy: Promise<void> = Promise.resolve();
  process.on("message", (raw) => {
    const req = raw as HostRequest;
    busy = busy.then(async () => {
      if (!(await serveJob(ctx, req.job))) leave(0);
    });
  });
  await send({ type: "ready", pid: process.pid, warmUp: warm, ms: Math.round((monoNowUs() - t0) / 1000) });
}

/** Serves jobs until the parent goes away; call once, from the entry point. */
export function serveHost(): void {
  void main().catch(onFatal);
}

async function onFatal(e: unknown): Promise<void> {
  await send({ type: "fatal", id: null, code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) });
  killGroupAndExit(1);
}
