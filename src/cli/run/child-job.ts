/**
 * The child half of a kernel job: runs inside the script host (its own network namespace, see
 * src/cli/script-host.ts). It opens the kernel SUT in this process for the script's merged flags,
 * wraps it in the pcap recorder when the job has a capture path, runs the interpreter against it
 * (`runScriptRequest`) and hands every script event to `send`, which streams it to the parent
 * (src/cli/run/kernel-job.ts). Interpreter and kernel share one process: SUT calls cost µs, and no
 * other job shares this event loop.
 */
import type { ScriptEvent } from "../../interp/events.ts";
import type { FlagValues } from "../../interp/run-options.ts";
import { blockingThread } from "../../sut/kernel-tun/blocking-thread.ts";
import { openKernelTunSut, type KernelTunConfig } from "../../sut/kernel-tun/kernel-tun-sut.ts";
import { openLibc } from "../../sut/kernel-tun/libc.ts";
import { packetdrillEnv, resolveNetConfig } from "../../sut/kernel-tun/net-config.ts";
import { raiseToRealtime } from "../../sut/kernel-tun/realtime.ts";
import { recordToPcap } from "../../sut/kernel-tun/pcap-recorder.ts";
import type { Sut } from "../../sut/sut.ts";
import { runScriptRequest } from "../script-runner.ts";
import type { RunJobSpec } from "./jobs.ts";
import { netFlagsOf, stringFlag } from "./net-flags-of.ts";
import { KERNEL_WARM_UP_FLAGS, warmUpInterpreter, warmUpKernel } from "./warm-up.ts";

/** The `run` payload a parent sends its script host: the job and the script text it checked. */
export interface ChildJob {
  readonly spec: RunJobSpec;
  readonly source: string;
}

/**
 * Whether a script has a blocking call (`+0...0.040 poll(…)`, `+0 ... .02 sendto(…)`): an ellipsis
 * followed by a time. Argument ellipses (`read(4, ..., 1024)`) are followed by `,` or `)`. A miss
 * only means the calls run on libuv's pool (stamped less precisely).
 */
export function hasBlockingCalls(source: string): boolean {
  return /\.\.\.[ \t]*\+?(?:\d|\.\d)/.test(source);
}

/** The kernel-tun config of one job from its merged flags (script option lines + job flags). */
export function kernelConfig(job: RunJobSpec, flags: FlagValues, useBlockingThread = true): KernelTunConfig {
  const net = resolveNetConfig(netFlagsOf(job.variant, flags));
  const code = stringFlag(flags, "code_command");
  return { net, scriptDir: job.cwd, commandEnv: packetdrillEnv(net, flags, job.defines), blockingThread: useBlockingThread, ...(code === undefined ? {} : { codeCommand: code.split(" ") }) };
}

/**
 * Runs `job` (a {@link ChildJob}) in this process and streams its events through `send`; resolves
 * once the SUT is closed. SUT set-up failures reject (MPD_ERR_TUN_OPEN, MPD_ERR_NETNS, …).
 */
export async function runChildJob(job: unknown, send: (event: ScriptEvent) => void): Promise<void> {
  const { spec, source } = job as ChildJob;
  const blocking = hasBlockingCalls(source);
  const openSut = (flags: FlagValues): Promise<Sut> => {
    const sut = openKernelTunSut(kernelConfig(spec, flags, blocking));
    return Promise.resolve(spec.capturePath === null ? sut : recordToPcap(sut, spec.capturePath));
  };
  const request = { file: spec.file, source, variant: spec.variant, flags: spec.flags, defines: spec.defines, verbose: spec.verbose };
  // The blocking-call thread starts while the interpreter warms up; the kernel warm-up and the
  // script then find it ready (if it is not up within 3 s, their blocking calls use libuv's pool).
  const thread = blocking ? blockingThread() : null;
  await warmUpInterpreter();
  await thread?.readyWithin(3000);
  const warmFlags = KERNEL_WARM_UP_FLAGS[spec.variant === "ipv6" ? 6 : 4];
  await warmUpKernel(spec.variant, (flags) => Promise.resolve(openKernelTunSut({ ...kernelConfig(spec, { ...flags, ...warmFlags }, blocking), commandEnv: {} })));
  raiseToRealtime(openLibc());
  // Each event crosses to the parent over IPC, ~0.1 ms of this thread's time while the script's
  // clock runs; per-event passes are shown only with -v, so without it they stay here.
  const forward = spec.verbose ? send : (e: ScriptEvent): void => { if (e.kind !== "eventPass") send(e); };
  await runScriptRequest(request, openSut, forward);
}
