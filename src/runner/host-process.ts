/**
 * Parent side of the process model: start a script host child (`unshare -n node dist/host.js`,
 * or its TypeScript source through tsx in tests) as the leader of its own process group, talk to
 * it over Node IPC (host-protocol.ts), and make sure nothing outlives it: an optional hard time
 * limit, `kill()`, and a {@link HostSupervisor} that kills every live group on SIGINT/SIGTERM/exit
 * of the parent. The host's namespaces and TUN devices are anonymous and vanish with it.
 */
import { spawn, type ChildProcess, type Serializable } from "node:child_process";
import { readlinkSync } from "node:fs";
import { entryPoint } from "../entry-points.ts";
import { MptcpdrillError } from "../errors.ts";
import type { HostMessage, HostRequest } from "./host-protocol.ts";
import { makeHostTemp, reapStaleHostTemps, removeHostTemp } from "./host-temp.ts";

/** How to start a host. */
export interface ScriptHostOptions {
  /** Hard limit on the child's life (ms); on expiry its whole group is killed. Default: none. */
  readonly timeoutMs?: number;
  /** Entry module; defaults to the script host of this build (entry-points.ts). */
  readonly entry?: string;
  /** Extra environment for the child. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Why the child ended. */
export interface HostExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly reason: "exit" | "timeout" | "killed";
  /** The child's stderr (last 64 KiB). */
  readonly stderr: string;
}

/** A one-line description of how a host ended, with the tail of its stderr. */
export function describeHostExit(exit: HostExit | null, tailChars = 400): string {
  const how = exit === null ? "did not exit" : exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${String(exit.code)}`;
  const why = exit?.reason === "timeout" ? " after its hard time limit" : "";
  const tail = exit?.stderr.trim().slice(-tailChars) ?? "";
  return `script host ${how}${why}${tail === "" ? "" : `: ${tail}`}`;
}

/**
 * A running script host, speaking `Req`/`Msg` (production's host-protocol.ts by default; a test
 * may start another entry module with its own protocol).
 */
export interface ScriptHost<Req = HostRequest, Msg = HostMessage> {
  readonly pid: number;
  /** Send a request (queued if the channel is busy); false when the channel is closed. */
  send(msg: Req): boolean;
  /** Subscribe to messages; returns an unsubscribe function. */
  onMessage(listener: (msg: Msg) => void): () => void;
  /** Kill the child's whole process group (SIGKILL). */
  kill(): void;
  /**
   * Whether the child (its process and IPC channel) keeps this process's event loop alive: true
   * while it runs a job, false while it idles in a pool, so a pool left open never keeps a
   * process from exiting (a started host is idle until given work).
   */
  hold(active: boolean): void;
  readonly exited: Promise<HostExit>;
}

const STDERR_KEEP = 64 * 1024;

/** Removes the temporary folder of host `pid`, if it has one left. */
function dropTemp(pid: number): void {
  const temp = hostTemps.get(pid);
  if (temp === undefined) return;
  hostTemps.delete(pid);
  removeHostTemp(temp);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone
  }
}

/** Owns every host it started and kills them all when the parent is told to stop. */
export class HostSupervisor {
  readonly #live = new Set<number>();

  /** Start a host; see {@link ScriptHostOptions}. Throws MPD_ERR_NOT_ROOT / MPD_ERR_NETNS. */
  spawn<Req = HostRequest, Msg = HostMessage>(opts: ScriptHostOptions): ScriptHost<Req, Msg> {
    const host = spawnScriptHost<Req, Msg>(opts);
    this.#live.add(host.pid);
    void host.exited.then(() => this.#live.delete(host.pid));
    return host;
  }

  /**
   * Track a host started elsewhere (a VM, runner/vm/vm-host.ts) like one of ours: its process
   * group is killed by {@link killAll}, and its temporary folder (if any) removed then.
   */
  adopt<Req, Msg>(host: ScriptHost<Req, Msg>, temp?: string): ScriptHost<Req, Msg> {
    this.#live.add(host.pid);
    if (temp !== undefined) hostTemps.set(host.pid, temp);
    void host.exited.then(() => {
      this.#live.delete(host.pid);
      dropTemp(host.pid);
    });
    return host;
  }

  /** pids of hosts still running. */
  livePids(): number[] {
    return [...this.#live];
  }

  /** Kill every live host's process group now (synchronous, safe in an exit handler). */
  killAll(): void {
    for (const pid of this.#live) {
      killGroup(pid);
      dropTemp(pid);
    }
  }

  /**
   * Kill all hosts on SIGINT, SIGTERM or exit of this process, then let the signal take its
   * default course. Returns a function that removes the handlers.
   */
  installProcessHandlers(): () => void {
    const onExit = (): void => this.killAll();
    const onSignal = (sig: NodeJS.Signals): void => {
      this.killAll();
      remove();
      process.kill(process.pid, sig);
    };
    const remove = (): void => {
      process.off("exit", onExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
    process.on("exit", onExit);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return remove;
  }
}

/** Temporary folders of live hosts by pid: removed when the host exits, or by {@link HostSupervisor.killAll}. */
const hostTemps = new Map<number, string>();
let reaped = false;

/** Start one host without a supervisor (the caller must `kill()` it or await `exited`). */
export function spawnScriptHost<Req = HostRequest, Msg = HostMessage>(opts: ScriptHostOptions): ScriptHost<Req, Msg> {
  if (process.getuid?.() !== 0) {
    throw new MptcpdrillError("MPD_ERR_NOT_ROOT", "the kernel SUT needs root: run as root (or with CAP_SYS_ADMIN and CAP_NET_ADMIN)");
  }
  if (!reaped) {
    reaped = true;
    reapStaleHostTemps();
  }
  const temp = makeHostTemp();
  let ownNs = "";
  try {
    ownNs = readlinkSync("/proc/self/ns/net");
  } catch {
    // the child then relies on /proc/<ppid>/ns/net
  }
  const entry = entryPoint("host");
  const child = spawn("unshare", ["-n", "--", process.execPath, ...entry.nodeArgs, opts.entry ?? entry.file], {
    detached: true, stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced",
    env: { ...process.env, ...opts.env, TMPDIR: temp, UV_THREADPOOL_SIZE: "8", MPD_HOST_NETNS: ownNs, MPD_PARENT_PID: String(process.pid) },
  });
  if (child.pid === undefined) {
    removeHostTemp(temp);
    throw new MptcpdrillError("MPD_ERR_NETNS", "cannot start 'unshare' (util-linux): is it installed and on PATH?");
  }
  hostTemps.set(child.pid, temp);
  return wrap<Req, Msg>(child, child.pid, opts.timeoutMs);
}

function wrap<Req, Msg>(child: ChildProcess, pid: number, timeoutMs: number | undefined): ScriptHost<Req, Msg> {
  let reason: HostExit["reason"] = "exit";
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-STDERR_KEEP);
  });
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    reason = "timeout";
    killGroup(pid);
  }, timeoutMs);
  const exited = new Promise<HostExit>((resolve) => {
    const done = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      killGroup(pid);
      dropTemp(pid);
      resolve({ code, signal, reason, stderr });
    };
    child.on("error", (e) => {
      stderr += String(e);
      done(null, null);
    });
    child.on("exit", (code, signal) => done(code, signal));
  });
  return {
    pid,
    // child.send() returns false also when it only queued the message (a large AST fills the
    // channel's buffer): that is not a failure. The channel is gone only when disconnected.
    send: (msg) => {
      if (!child.connected) return false;
      child.send(msg as Serializable);
      return true;
    },
    onMessage(listener) {
      const l = (m: unknown): void => listener(m as Msg);
      child.on("message", l);
      return () => child.off("message", l);
    },
    kill() {
      if (reason === "exit") reason = "killed";
      killGroup(pid);
    },
    hold(active) {
      if (active) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
    exited,
  };
}
