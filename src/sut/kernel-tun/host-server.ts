/**
 * The child side of the script host: runs inside `unshare -n`, ties its life to the parent
 * (PR_SET_PDEATHSIG + IPC disconnect), and either runs a whole job in-process on a `run` request
 * (the job runner is injected by the CLI entry point; it streams events back) or opens the kernel
 * SUT on request and serves its methods over the IPC channel (host-protocol.ts). When anything
 * ends it abnormally, it takes its whole process group with it (backtick commands included).
 * Like packetdrill on a machine with ≥ 2 CPUs, it runs SCHED_RR at the lowest real-time priority
 * (realtime.ts; every thread: the thread that runs a blocking call must not wait behind ordinary
 * load while the main thread polls for it), from the moment the script starts, so other load on
 * the machine does not delay the script's events.
 */
import { isMptcpdrillError } from "../../errors.ts";
import { blockingCallInFlight, blockingThread } from "./blocking-thread.ts";
import type { HostMessage, HostRequest } from "./host-protocol.ts";
import { openKernelTunSut, type KernelTunSut } from "./kernel-tun-sut.ts";
import { openLibc, type Libc } from "./libc.ts";
import { raiseToRealtime } from "./realtime.ts";

const PR_SET_PDEATHSIG = 1;
const SIGTERM = 15;
const SCHED_RR = 2;

function send(msg: HostMessage): void {
  process.send?.(msg);
}

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

/** Die with the parent: PDEATHSIG, a re-check of the parent pid, and IPC disconnect. */
function bindToParent(libc: Libc): void {
  libc.prctl(PR_SET_PDEATHSIG, "unsigned long", SIGTERM);
  const expected = Number(process.env["MPD_PARENT_PID"] ?? "0");
  if (expected !== 0 && libc.getppid() !== expected) killGroupAndExit(1);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => killGroupAndExit(1));
  process.on("disconnect", () => killGroupAndExit(1));
}

async function dispatch(sut: KernelTunSut, req: Extract<HostRequest, { type: "call" }>): Promise<unknown> {
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
    case "close": return sut.close();
  }
}

/** Send `msg` and resolve once it is written to the channel (so exiting next cannot lose it). */
function sendFlushed(msg: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) resolve();
    else process.send(msg, undefined, {}, () => resolve());
  });
}

/**
 * Runs one job in this process. `send` streams one item to the parent (in order); resolve when
 * the job is over (its SUT closed). A rejection is reported as `fatal`.
 */
export type HostJobRunner = (job: unknown, send: (event: unknown) => void) => Promise<void>;

/** Run the job, report `done` (or `fatal`), flush, exit. Stray group members are the parent's to kill. */
function runJob(runner: HostJobRunner, job: unknown): void {
  runner(job, (event) => send({ type: "event", event })).then(
    () => sendFlushed({ type: "done" }),
    (e: unknown) => sendFlushed({ type: "fatal", code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) }),
  ).finally(() => exitNow(0));
}

/** What the host can do besides serving SUT calls. */
export interface ScriptHostServices {
  /** Handles `run` requests; without it a `run` is answered with `fatal`. */
  readonly run?: HostJobRunner;
}

/** Serve until the parent says exit or goes away. Call once, from the entry point. */
export function serveScriptHost(services: ScriptHostServices = {}): void {
  if (process.send === undefined) {
    process.stderr.write("script-host: must be started by spawnScriptHost (needs an IPC channel)\n");
    process.exit(2);
  }
  const libc = openLibc();
  exitLibc = libc;
  bindToParent(libc);
  let sut: KernelTunSut | null = null;
  process.on("message", (raw) => {
    const req = raw as HostRequest;
    if (req.type === "run") {
      if (services.run === undefined) send({ type: "fatal", code: "MPD_ERR_INTERNAL", message: "this host cannot run jobs" });
      else runJob(services.run, req.job);
      return;
    }
    if (req.type === "exit") {
      void (sut?.close() ?? Promise.resolve()).finally(() => killGroupAndExit(0));
      return;
    }
    if (req.type === "open") {
      try {
        const opened = openKernelTunSut(req.config);
        sut = opened;
        // As a run job does (child-job.ts): the blocking-call thread comes up at normal priority,
        // then real-time priority, then the script may start.
        const thread = (req.config.blockingThread ?? true) ? blockingThread() : null;
        void Promise.resolve(thread?.readyWithin(3000)).then(() => {
          raiseToRealtime(libc);
          send({ type: "ready", pid: process.pid, net: opened.net, notes: opened.notes });
        });
      } catch (e) {
        send({ type: "fatal", code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL", message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    const open = sut;
    if (open === null) {
      send({ type: "reply", id: req.id, ok: false, code: "MPD_ERR_INTERNAL", message: "SUT not open" });
      return;
    }
    dispatch(open, req).then(
      (value) => send({ type: "reply", id: req.id, ok: true, value }),
      (e: unknown) => send({
        type: "reply", id: req.id, ok: false, code: isMptcpdrillError(e) ? e.code : "MPD_ERR_INTERNAL",
        message: e instanceof Error ? e.message : String(e),
      }),
    );
  });
}
