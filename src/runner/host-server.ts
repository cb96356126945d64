/**
 * The script host's serving loop, run by its entry point (host-main.ts, which owns the process's
 * life and exit). A host is a long-lived child process of a run, one per parallel job slot: it
 * warms its code up once (warm-up.ts) with its blocking-call thread up, says `ready`, then runs
 * the jobs it is sent one at a time, each in a fresh network namespace (host-job.ts), streaming
 * their events (host-protocol.ts). A job that leaves a blocking call stuck in the kernel, or whose
 * SUT could not be set up, is the host's last: it exits and the parent starts another.
 */
import { isMptcpdrillError } from "../errors.ts";
import type { Variant } from "../interp/events.ts";
import { blockingCallInFlight, blockingThread } from "../sut/kernel-tun/blocking-thread.ts";
import { monoNowUs } from "../sut/kernel-tun/clock.ts";
import { openKernelTunSut } from "../sut/kernel-tun/kernel-tun-sut.ts";
import type { Libc } from "../sut/kernel-tun/libc.ts";
import { enterNewNamespace, kernelConfig, runHostJob, type HostContext } from "./host-job.ts";
import { WARM_VARIANTS_ENV } from "./host-env.ts";
import type { HostChannel } from "./host-channel.ts";
import type { HostJob, HostMessage, HostRequest, WarmUpReport } from "./host-protocol.ts";
import { KERNEL_WARM_UP_FLAGS, warmUpInterpreter, warmUpKernel } from "./warm-up.ts";

/** How the host process ends; owned by the entry point (host-main.ts), the only one to exit. */
export interface HostExits {
  /** A normal end: the last script's leftover commands killed, then exit. */
  leave(code: number): never;
  /** An abnormal end: the whole process group killed, this process with it. */
  die(code: number): never;
}

/** Sends `msg` and resolves once it is written to the channel (so exiting next cannot lose it). */
type Send = (msg: HostMessage) => Promise<void>;

/** One variant per wire family the run needs: ipv4-mapped-ipv6 runs IPv4 on the wire. */
function warmVariants(): Variant[] {
  const wanted = (process.env[WARM_VARIANTS_ENV] ?? "ipv4,ipv6").split(",");
  return (["ipv4", "ipv6"] as const).filter((family) => wanted.some((v) => (v === "ipv6") === (family === "ipv6")));
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

async function serveJob(ctx: HostContext, job: HostJob, send: Send): Promise<boolean> {
  try {
    const r = await runHostJob(ctx, job, (event) => void send({ type: "event", id: job.id, event }));
    const reusable = !blockingCallInFlight();
    await send({ type: "done", id: job.id, reusable, scriptStartUs: r.scriptStartUs, scriptEndUs: r.scriptEndUs });
    return reusable;
  } catch (e) {
    await send({ type: "fatal", id: job.id, code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

async function main(libc: Libc, exits: HostExits, channel: HostChannel): Promise<void> {
  const send: Send = (msg) => channel.send(msg);
  const t0 = monoNowUs();
  const thread = blockingThread();
  const ctx: HostContext = { libc, thread };
  const warm = await warmUp(ctx);
  // Jobs arrive one at a time (the parent waits for `done`); a queue keeps them in order anyway.
  let busy: Promise<void> = Promise.resolve();
  channel.onRequest((req: HostRequest) => {
    busy = busy.then(async () => {
      if (!(await serveJob(ctx, req.job, send))) exits.leave(0);
    });
  });
  await send({ type: "ready", pid: process.pid, warmUp: warm, ms: Math.round((monoNowUs() - t0) / 1000) });
}

/** Serves jobs over `channel` until the run goes away; call once, from the entry point. */
export function serveHost(libc: Libc, exits: HostExits, channel: HostChannel): void {
  main(libc, exits, channel).catch(async (e: unknown) => {
    await channel.send({ type: "fatal", id: null, code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) });
    exits.die(1);
  });
}
