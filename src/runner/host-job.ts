/**
 * One job inside a script host (host-main.ts): a fresh network namespace for the script
 * (fresh-netns.ts, followed by the blocking-call thread), the kernel SUT opened in it for the
 * script's merged flags (wrapped in the pcap recorder when the job has a capture path), real-time
 * priority while the script runs, the interpreter, then the cleanup that lets the next script
 * start clean: SUT closed (every socket, the TUN device, the tap), the script's commands killed,
 * normal priority again. Interpreter and kernel share one process: SUT calls cost µs, and no
 * other job shares this event loop.
 */
import { type EventStartEvent, type ScriptEvent, withCapture } from "../interp/events.ts";
import type { FlagValues } from "../interp/run-options.ts";
import type { BlockingThread } from "../sut/kernel-tun/blocking-thread.ts";
import { killStrayCommands } from "../sut/kernel-tun/commands.ts";
import { runInitScripts } from "../sut/kernel-tun/init-scripts.ts";
import { enterFreshNetns } from "../sut/kernel-tun/fresh-netns.ts";
import { openKernelTunSut, type KernelTunConfig } from "../sut/kernel-tun/kernel-tun-sut.ts";
import type { Libc } from "../sut/kernel-tun/libc.ts";
import { monoNowUs } from "../sut/kernel-tun/clock.ts";
import { packetdrillEnv, resolveNetConfig } from "../sut/kernel-tun/net-config.ts";
import { lowerToNormal, raiseToRealtime } from "../sut/kernel-tun/realtime.ts";
import { recordToPcap } from "../sut/kernel-tun/pcap-recorder.ts";
import type { Sut } from "../sut/sut.ts";
import { MptcpdrillError } from "../errors.ts";
import type { HostJob } from "./host-protocol.ts";
import type { RunJobSpec } from "./job-spec.ts";
import { netFlagsOf, stringFlag } from "./net-flags-of.ts";
import { runScriptRequest } from "./script-runner.ts";

/** The kernel-tun config of one job from its merged flags (script option lines + job flags). */
export function kernelConfig(job: Pick<RunJobSpec, "variant" | "cwd" | "defines">, flags: FlagValues): KernelTunConfig {
  const net = resolveNetConfig(netFlagsOf(job.variant, flags));
  const code = stringFlag(flags, "code_command");
  return {
    net, scriptDir: job.cwd, commandEnv: packetdrillEnv(net, flags, job.defines), blockingThread: true,
    sendOmitFree: flags["send_omit_free"] !== undefined, ...(code === undefined ? {} : { codeCommand: code.split(" ") }),
  };
}

/** `--init_scripts`: run in the job's fresh namespace before the device exists (init-scripts.ts). */
async function runJobInitScripts(config: KernelTunConfig, flags: FlagValues): Promise<void> {
  const init = stringFlag(flags, "init_scripts");
  if (init === undefined) return;
  await runInitScripts(init, { cwd: config.scriptDir, env: config.commandEnv ?? {}, timeoutMs: 60_000, codeCommand: [] });
}

/**
 * Holds back each event's `eventStart` for a moment: an event that ends within it never crosses
 * to the parent (nor does its pass); one still running then is sent, and so is its end, so the
 * parent knows where a job that hits its time limit is stuck (scheduler.ts, JobPosition) without
 * an IPC message per event. System calls are the exception: their start goes at once (and their
 * end not at all), since one can block the thread that would send anything later.
 */
export class SlowEvents {
  /** An event still running after this long is sent to the parent (ms). */
  static readonly AFTER_MS = 150;
  readonly #waiting: Array<{ line: number; timer: NodeJS.Timeout | null; sentLate: boolean }> = [];

  constructor(private readonly send: (e: EventStartEvent) => void) {}

  started(e: EventStartEvent): void {
    const entry: { line: number; timer: NodeJS.Timeout | null; sentLate: boolean } = { line: e.line, timer: null, sentLate: false };
    this.#waiting.push(entry);
    // A system call may block this very thread (a call made in-line that does not return): its
    // start has to be out before it is made. Its end is not sent: the parent takes any later
    // start as the script having moved on (scheduler.ts, JobPosition).
    if (e.what.startsWith("syscall ") && !e.what.includes("(blocking")) return this.send(e);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.sentLate = true;
      this.send(e);
    }, SlowEvents.AFTER_MS);
  }

  /** The event of `e.line` that started first ended; true when its end must be sent too (its start was sent late). */
  ended(e: { readonly line: number | null }): boolean {
    const i = this.#waiting.findIndex((w) => w.line === e.line);
    if (i < 0) return false;
    const [w] = this.#waiting.splice(i, 1);
    if (w === undefined) return false;
    if (w.timer !== null) clearTimeout(w.timer);
    return w.sentLate;
  }

  clear(): void {
    for (const w of this.#waiting) if (w.timer !== null) clearTimeout(w.timer);
    this.#waiting.length = 0;
  }
}

/** What the host needs to run jobs. */
export interface HostContext {
  readonly libc: Libc;
  /** The blocking-call thread (null only with MPD_BLOCKING_CALLS=libuv). */
  readonly thread: BlockingThread | null;
}

/**
 * Moves this host (main thread, then the blocking-call thread) into a new network namespace.
 * Throws MPD_ERR_NETNS when either refuses.
 */
export async function enterNewNamespace(ctx: HostContext): Promise<void> {
  enterFreshNetns(ctx.libc);
  const errno = await (ctx.thread?.enterNetns(`/proc/${process.pid}/ns/net`) ?? Promise.resolve(0));
  if (errno !== 0) throw new MptcpdrillError("MPD_ERR_NETNS", `the blocking-call thread could not follow into the script's namespace (setns: ${errno})`);
}

/** How a job in the host ended. */
export interface HostJobResult {
  readonly scriptStartUs: number | null;
  readonly scriptEndUs: number | null;
}

/**
 * Runs `job` in this process and streams its events through `send`; resolves once the SUT is
 * closed and the script's commands are gone. SUT set-up failures reject (MPD_ERR_TUN_OPEN,
 * MPD_ERR_NETNS, …) after the same cleanup.
 */
export async function runHostJob(ctx: HostContext, job: HostJob, send: (event: ScriptEvent) => void): Promise<HostJobResult> {
  const { spec, script } = job;
  let scriptStartUs: number | null = null;
  let scriptEndUs: number | null = null;
  await enterNewNamespace(ctx);
  const openSut = async (flags: FlagValues, defines: Readonly<Record<string, string>>): Promise<Sut> => {
    const config = kernelConfig({ ...spec, defines }, flags);
    await runJobInitScripts(config, flags);
    const sut = openKernelTunSut(config);
    return spec.capturePath === null ? sut : recordToPcap(sut, spec.capturePath);
  };
  // Each event crosses to the parent over IPC, ~0.1 ms of this thread's time while the script's
  // clock runs; per-event passes are shown only with -v, so without it they stay here.
  const slow = new SlowEvents((e) => send(e));
  const forward = (e: ScriptEvent): void => {
    if (e.kind === "scriptStart") scriptStartUs = monoNowUs();
    if (e.kind === "scriptEnd") {
      scriptEndUs = monoNowUs();
      slow.clear();
    }
    if (spec.verbose) return send(withCapture(e, spec.capturePath));
    // Without -v, an event's start and pass cross only when it is slow (see SlowEvents).
    if (e.kind === "eventStart") return slow.started(e);
    // A job whose packets are wanted (-l/-L, the HTML ladder) sends its system calls' passes too:
    // one message per call, no more than its packet dumps cost.
    if (e.kind === "eventPass") return slow.ended(e) || (spec.packetLog === true && e.result !== undefined) ? send(e) : undefined;
    if (e.kind === "eventFail") slow.ended(e);
    // The interpreter does not know the pcap file; a failure names it for the reporters.
    send(withCapture(e, spec.capturePath));
  };
  raiseToRealtime(ctx.libc);
  try {
    const verbose = spec.verbose || spec.packetLog === true;
    await runScriptRequest({ file: spec.file, script, variant: spec.variant, flags: spec.flags, defines: spec.defines, verbose, seed: spec.seed }, openSut, forward);
  } finally {
    killStrayCommands();
    lowerToNormal(ctx.libc);
  }
  return { scriptStartUs, scriptEndUs };
}
