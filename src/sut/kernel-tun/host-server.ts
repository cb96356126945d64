/**
 * The child side of the script host: runs inside `unshare -n`, ties its life to the parent
 * (PR_SET_PDEATHSIG + IPC disconnect), and either runs a whole job in-process on a `run` request
 * (the job runner is injected by the CLI entry point; it streams events back) or opens the kernel
 * SUT on request and serves its methods over the IPC channel (host-protocol.ts). When anything
 * ends it abnormally, it takes its whole process group with it (backtick commands included).
 * Like packetdrill on a machine with ≥ 2 CPUs, it runs SCHED_RR at the lowest real-time priority
 * (every thread: the worker that runs a blocking call must not wait behind ordinary load while the
 * main thread polls for it), so other load on the machine does not delay the script's events.
 */
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isMptcpdrillError } from "../../errors.ts";
import type { HostMessage, HostRequest } from "./host-protocol.ts";
import { openKernelTunSut, type KernelTunSut } from "./kernel-tun-sut.ts";
import { openLibc, type Libc } from "./libc.ts";

const PR_SET_PDEATHSIG = 1;
const SIGTERM = 15;
const SCHED_RR = 2;

function send(msg: HostMessage): void {
  process.send?.(msg);
}

/** Kill every process in our group (bash children of commands), then ourselves. */
function killGroupAndExit(code: number): never {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // not a group leader (started without the parent helper): just exit
  }
  process.exit(code);
}

/** Die with the parent: PDEATHSIG, a re-check of the parent pid, and IPC disconnect. */
function bindToParent(libc: Libc): void {
  libc.prctl(PR_SET_PDEATHSIG, "unsigned long", SIGTERM);
  const expected = Number(process.env["MPD_PARENT_PID"] ?? "0");
  if (expected !== 0 && libc.getppid() !== expected) killGroupAndExit(1);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => killGroupAndExit(1));
  process.on("disconnect", () => killGroupAndExit(1));
}

/**
 * pkt-language.md §2.3 (packetdrill's set-up): SCHED_RR at the minimum priority when there are at
 * least 2 CPUs, for every thread that exists now (threads and commands started later inherit it).
 * Best effort: without the privilege the host runs at normal priority. `MPD_HOST_SCHED=normal`
 * turns it off.
 */
function raisePriority(libc: Libc): void {
  if (availableParallelism() < 2 || process.env["MPD_HOST_SCHED"] === "normal") return;
  const param = Buffer.alloc(4);
  param.writeInt32LE(1);
  let tids: number[] = [0];
  try {
    tids = readdirSync("/proc/self/task").map(Number);
  } catch {
    // no /proc: this thread only
  }
  for (const tid of tids) libc.sched_setscheduler(tid, SCHED_RR, param);
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
  ).finally(() => process.exit(0));
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
  bindToParent(libc);
  raisePriority(libc);
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
        sut = openKernelTunSut(req.config);
        send({ type: "ready", pid: process.pid, net: sut.net, notes: sut.notes });
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
