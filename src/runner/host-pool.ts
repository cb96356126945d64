/**
 * The parent's pool of warm script hosts (host-main.ts): at most `size` long-lived children, one
 * per parallel job slot, started as soon as the run knows it needs them so they warm up while it
 * plans. A job takes an idle host (starting one if a slot has none), streams its events, and
 * gives it back; a host that dies, hangs past the job's end, or says it cannot serve again is
 * dropped (its process group killed) and the slot starts a new one for its next job.
 */
import type { EmitScriptEvent, ScriptEndEvent, Variant } from "../interp/events.ts";
import { isScriptEvent } from "../interp/events.ts";
import { monoNowUs } from "../sut/kernel-tun/clock.ts";
import { describeHostExit, HostSupervisor, type HostExit, type ScriptHost } from "./host-process.ts";
import { fixedCostOf, type HostJob, type HostMessage, type WarmUpReport } from "./host-protocol.ts";
import { WARM_VARIANTS_ENV } from "./host-env.ts";
import type { JobOutcome } from "./scheduler.ts";

/** After a job's `scriptEnd`, how long its host may take to clean up before it is killed. */
const DONE_GRACE_MS = 5000;
/** How long close() waits for hosts killed earlier to be gone (their kernel teardown). */
const DYING_WAIT_MS = 20_000;
/** How long a host may take to start and warm up before it is given up. */
const READY_TIMEOUT_MS = 60_000;

/** Pool settings. */
export interface HostPoolOptions {
  /** At most this many hosts (the run's parallelism). */
  readonly size: number;
  /** The IP variants the run's jobs use (hosts warm up the wire families they need). */
  readonly variants: readonly Variant[];
  readonly supervisor?: HostSupervisor;
  /** Starts one host with `env` (default: a script host on this machine; `mptcpdrill vm`: a VM). */
  readonly spawnHost?: (supervisor: HostSupervisor, env: Readonly<Record<string, string>>) => ScriptHost;
  /** How long a host may take to start and warm up (default 60 s; a VM boots first). */
  readonly readyTimeoutMs?: number;
  /** After a job's `scriptEnd`, how long its host may take to clean up (default 5 s). */
  readonly doneGraceMs?: number;
}

type Ready = Extract<HostMessage, { type: "ready" }>;

/** One host of the pool. */
class PooledHost {
  readonly ready: Promise<Ready | string>;
  busy = false;
  #exit: HostExit | null = null;
  #onExit: ((exit: HostExit) => void) | null = null;

  constructor(readonly host: ScriptHost, readyTimeoutMs: number) {
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(`script host did not warm up within ${readyTimeoutMs / 1000} s`);
        host.kill();
      }, readyTimeoutMs);
      const off = host.onMessage((m) => {
        if (m.type === "ready") resolve(m);
        else if (m.type === "fatal") resolve(`error[${m.code}]: ${m.message}`);
        else return;
        clearTimeout(timer);
        off();
      });
      void host.exited.then((exit) => {
        clearTimeout(timer);
        resolve(describeHostExit(exit));
      });
    });
    void host.exited.then((exit) => {
      this.#exit = exit;
      this.#onExit?.(exit);
    });
  }

  get gone(): boolean {
    return this.#exit !== null;
  }

  /**
   * Calls `listener` when the host ends (at once if it has), until replaced or cleared with null:
   * one listener for the job running now, where a `then` per job on `host.exited` would keep every
   * finished job's closure alive for the host's whole life.
   */
  onExit(listener: ((exit: HostExit) => void) | null): void {
    this.#onExit = listener;
    if (listener !== null && this.#exit !== null) listener(this.#exit);
  }
}

/** What one job in a host came to. */
interface HostRun {
  readonly outcome: JobOutcome;
  readonly reusable: boolean;
}

/** Runs one job in `p` (already warm); see {@link HostPool.run}. */
function runIn(p: PooledHost, job: HostJob, startUs: number, emit: EmitScriptEvent, signal: AbortSignal, graceMs: number): Promise<HostRun> {
  const { host } = p;
  return new Promise((resolve) => {
    let end: ScriptEndEvent | null = null;
    let grace: NodeJS.Timeout | undefined;
    const finish = (run: HostRun): void => {
      clearTimeout(grace);
      off();
      p.onExit(null);
      signal.removeEventListener("abort", onAbort);
      resolve(run);
    };
    const fromEnd = (): JobOutcome | null => (end === null ? null : { verdict: end.verdict, line: end.line, message: end.message });
    const off = host.onMessage((m) => {
      if (m.type === "event" && m.id === job.id && isScriptEvent(m.event)) {
        if (m.event.kind === "scriptEnd") {
          end = m.event;
          grace = setTimeout(() => host.kill(), graceMs);
        }
        emit(m.event);
      } else if (m.type === "done" && m.id === job.id) {
        const fixedMs = fixedCostOf(startUs, m, monoNowUs());
        const outcome = fromEnd() ?? { verdict: "error", line: null, message: "script host ended the job without a verdict" };
        finish({ outcome: fixedMs === undefined ? outcome : { ...outcome, fixedMs }, reusable: m.reusable });
      } else if (m.type === "fatal") {
        finish({ outcome: fromEnd() ?? { verdict: "error", line: null, message: `error[${m.code}]: ${m.message}` }, reusable: false });
      }
    });
    const onAbort = (): void => host.kill();
    signal.addEventListener("abort", onAbort, { once: true });
    p.onExit((exit) => finish({ outcome: fromEnd() ?? { verdict: "error", line: null, message: `${describeHostExit(exit)} (without a verdict)` }, reusable: false }));
    if (signal.aborted) host.kill();
    else if (!host.send({ type: "job", job })) host.kill();
  });
}

/** Warm script hosts for the kernel SUT. */
export class HostPool {
  readonly #hosts: PooledHost[] = [];
  readonly #supervisor: HostSupervisor;
  readonly #warmUps: (readonly WarmUpReport[])[] = [];
  readonly #dying = new Set<Promise<HostExit>>();
  #closed = false;

  constructor(private readonly o: HostPoolOptions) {
    this.#supervisor = o.supervisor ?? new HostSupervisor();
  }

  /** Starts hosts up to the pool's size now, so they warm up while the run gets ready. */
  prestart(): void {
    while (!this.#closed && this.#hosts.length < this.o.size) this.#spawn();
  }

  /** The warm-up reports of every host that became ready, in order. */
  get warmUps(): readonly (readonly WarmUpReport[])[] {
    return this.#warmUps;
  }

  #spawn(): PooledHost {
    const env = { [WARM_VARIANTS_ENV]: [...new Set(this.o.variants)].join(",") };
    const host = this.o.spawnHost === undefined ? this.#supervisor.spawn({ env }) : this.o.spawnHost(this.#supervisor, env);
    const p = new PooledHost(host, this.o.readyTimeoutMs ?? READY_TIMEOUT_MS);
    p.host.hold(false);
    this.#hosts.push(p);
    void p.ready.then((r) => typeof r !== "string" && this.#warmUps.push(r.warmUp));
    void p.host.exited.then(() => this.#drop(p));
    return p;
  }

  #drop(p: PooledHost): void {
    const i = this.#hosts.indexOf(p);
    if (i >= 0) this.#hosts.splice(i, 1);
    p.host.kill();
    // Killed, it may still take the kernel a moment to tear its device and namespace down:
    // close() waits for it too, so the run never ends with a host of its own still there.
    if (!p.gone) {
      this.#dying.add(p.host.exited);
      void p.host.exited.then(() => this.#dying.delete(p.host.exited));
    }
  }

  /** An idle live host, or a new one; null once closed. */
  #take(): PooledHost | null {
    if (this.#closed) return null;
    const idle = this.#hosts.find((h) => !h.busy && !h.gone) ?? this.#spawn();
    idle.busy = true;
    return idle;
  }

  /**
   * Runs `job` in a warm host and returns its outcome. `startUs` is the job's start
   * (CLOCK_MONOTONIC µs) for its fixed-cost figures. Aborting `signal` kills the host (the job
   * then ends as whatever the scheduler decides); a dead host's job is an `error` naming how it
   * ended and the tail of its stderr.
   */
  async run(job: HostJob, startUs: number, emit: EmitScriptEvent, signal: AbortSignal): Promise<JobOutcome> {
    const p = this.#take();
    if (p === null) return { verdict: "skip", line: null, message: "the run is closing" };
    p.host.hold(true);
    try {
      const ready = await Promise.race([p.ready, new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve("aborted"), { once: true }))]);
      if (typeof ready === "string") {
        this.#drop(p);
        return { verdict: "error", line: null, message: ready };
      }
      const run = await runIn(p, job, startUs, emit, signal, this.o.doneGraceMs ?? DONE_GRACE_MS);
      if (!run.reusable) this.#drop(p);
      return run.outcome;
    } finally {
      p.busy = false;
      p.host.hold(false);
    }
  }

  /**
   * Ends every host: the run is over, so none is running a job, and everything a host owns (its
   * namespaces, devices, sockets) goes with its process group; waits until each has exited.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const hosts = [...this.#hosts];
    for (const p of hosts) {
      // Held again so that waiting for their exit keeps this process alive until they are gone.
      p.host.hold(true);
      p.host.kill();
    }
    await Promise.all(hosts.map((p) => p.host.exited));
    if (this.#dying.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, DYING_WAIT_MS)));
      await Promise.race([Promise.all([...this.#dying]), bound]);
      clearTimeout(timer);
    }
  }
}
