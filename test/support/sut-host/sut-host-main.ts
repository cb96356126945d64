/**
 * Test-only entry point of a SUT host: a child process started by remote-kernel-sut.ts as
 * `unshare -n -- node --import <tsx loader> test/support/sut-host/sut-host-main.ts` (through
 * production's spawnScriptHost, src/runner/host-process.ts), which opens one KernelTunSut in its
 * private network namespace on `open` and serves its methods on `call` (sut-host-protocol.ts), so
 * SUT-level tests can drive the kernel method by method. Production's host (src/runner/host-main.ts)
 * only runs whole jobs.
 *
 * Like that host, it ties its life to the parent (PR_SET_PDEATHSIG, a re-check of the parent pid,
 * IPC disconnect), takes its whole process group with it when it ends (backtick commands
 * included), starts the blocking-call thread before the SUT is ready, and runs SCHED_RR at the
 * lowest real-time priority from then on (realtime.ts).
 */
import { isMptcpdrillError, type ErrorCode } from "../../../src/errors.ts";
import { blockingCallInFlight, blockingThread } from "../../../src/sut/kernel-tun/blocking-thread.ts";
import { openKernelTunSut, type KernelTunConfig, type KernelTunSut } from "../../../src/sut/kernel-tun/kernel-tun-sut.ts";
import { openLibc, type Libc } from "../../../src/sut/kernel-tun/libc.ts";
import { raiseToRealtime } from "../../../src/sut/kernel-tun/realtime.ts";
import type { SutHostCall, SutHostMessage, SutHostRequest, SutHostResult } from "./sut-host-protocol.ts";

const PR_SET_PDEATHSIG = 1;
const SIGTERM = 15;
const BLOCKING_THREAD_READY_MS = 3000;

function send(msg: SutHostMessage): void {
  process.send?.(msg);
}

/** The error fields of a `fatal` or failed `reply`. */
function errorFields(e: unknown): { code: ErrorCode; message: string } {
  return { code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) };
}

/**
 * Exit now. `process.exit` waits for worker threads, and one stuck in a blocking call (a test
 * that ended with its `accept` still waiting) never finishes, so then the process leaves through
 * `_exit`.
 */
function exitNow(libc: Libc, code: number): never {
  if (blockingCallInFlight()) libc._exit(code);
  process.exit(code);
}

/** Kill every process in our group (bash children of commands), then ourselves. */
function killGroupAndExit(libc: Libc, code: number): never {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // not a group leader (started without spawnScriptHost): just exit
  }
  exitNow(libc, code);
}

/** Die with the parent: PDEATHSIG, a re-check of the parent pid, and IPC disconnect. */
function bindToParent(libc: Libc): void {
  libc.prctl(PR_SET_PDEATHSIG, "unsigned long", SIGTERM);
  const expected = Number(process.env["MPD_PARENT_PID"] ?? "0");
  if (expected !== 0 && libc.getppid() !== expected) killGroupAndExit(libc, 1);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => killGroupAndExit(libc, 1));
  process.on("disconnect", () => killGroupAndExit(libc, 1));
}

/** Run one call on the SUT; a syscall's `settled` goes to the parent as it happens. */
async function dispatch(sut: KernelTunSut, req: SutHostCall): Promise<SutHostResult> {
  switch (req.method) {
    case "inject": return sut.inject(req.args[0], req.args[1]);
    case "nextOutbound": return sut.nextOutbound(req.args[0]);
    case "pendingOutbound": return sut.pendingOutbound();
    case "syscall": {
      const h = sut.syscall(req.args[0]);
      void h.settled.then((state) => send({ type: "settled", id: req.id, state }));
      return h.result;
    }
    case "runCommand": return sut.runCommand(req.args[0]);
    case "runCode": return sut.runCode(req.args[0]);
    case "snapshotTcpInfo": return sut.snapshotTcpInfo(req.args[0]);
    case "close":
      await sut.close();
      return undefined;
  }
}

/**
 * Once the SUT is open: as a production job does (src/runner/host-job.ts), bring the
 * blocking-call thread up at normal priority, raise to real-time, then say `ready`.
 */
async function announceReady(libc: Libc, sut: KernelTunSut, config: KernelTunConfig): Promise<void> {
  const thread = (config.blockingThread ?? true) ? blockingThread() : null;
  await thread?.readyWithin(BLOCKING_THREAD_READY_MS);
  raiseToRealtime(libc);
  send({ type: "ready", pid: process.pid, net: sut.net, notes: sut.notes });
}

/** Serve until the parent says exit or goes away. */
function main(): void {
  if (process.send === undefined) {
    process.stderr.write("sut host: must be started by openRemoteKernelSut (needs an IPC channel)\n");
    process.exit(2);
  }
  const libc = openLibc();
  bindToParent(libc);
  let sut: KernelTunSut | null = null;
  process.on("message", (raw) => {
    const req = raw as SutHostRequest;
    switch (req.type) {
      case "open":
        try {
          sut = openKernelTunSut(req.config);
          void announceReady(libc, sut, req.config);
        } catch (e) {
          send({ type: "fatal", ...errorFields(e) });
        }
        return;
      case "exit":
        void (sut?.close() ?? Promise.resolve()).finally(() => killGroupAndExit(libc, 0));
        return;
      case "call": {
        if (sut === null) {
          send({ type: "reply", id: req.id, ok: false, code: "MPD_ERR_INTERNAL", message: "SUT not open" });
          return;
        }
        dispatch(sut, req).then(
          (value) => send({ type: "reply", id: req.id, ok: true, value }),
          (e: unknown) => send({ type: "reply", id: req.id, ok: false, ...errorFields(e) }),
        );
      }
    }
  });
}

main();
