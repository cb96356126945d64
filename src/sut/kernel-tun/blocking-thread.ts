/**
 * The thread that runs blocking calls (`...T` in a script, pkt-language.md §6.5): one
 * worker_threads Worker per process, shared by every kernel SUT the process opens (the warm-up's
 * and the script's), started once and kept. A call runs synchronously on it and is stamped there,
 * so its return time does not depend on how busy the main thread is when the kernel lets it go.
 * The worker reports its kernel thread id, which the blocking probe watches.
 *
 * A worker stuck in a call cannot be stopped; `process.exit` would wait for it, so a process that
 * ran one leaves through `_exit` (host-server.ts).
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { entryPoint, tsxApiUrl } from "../../entry-points.ts";
import type { SyscallOutcome, SyscallRequest } from "../sut.ts";
import type { BlockingCallMessage, BlockingCallRequest } from "./blocking-worker.ts";

/**
 * Starts the worker: the compiled entry from dist/, or, when running from the TypeScript sources,
 * a bootstrap that registers tsx's hooks first (a worker does not inherit them from the thread
 * that starts it) and then imports the entry.
 */
function startWorker(): Worker {
  const entry = entryPoint("blocking-worker");
  if (!entry.fromSource) return new Worker(entry.file);
  const bootstrap = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry.file).href)}); })`;
  return new Worker(bootstrap, { eval: true });
}

/** A started worker; `tid` is null until it has said it is ready (or if it never does). */
export class BlockingThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, (o: SyscallOutcome) => void>();
  readonly #starting = new Map<number, (startUs: number | null) => void>();
  readonly #entering = new Map<number, (errno: number) => void>();
  #next = 1;
  #tid: number | null = null;
  #dead: string | null = null;
  readonly ready: Promise<boolean>;

  constructor() {
    this.#worker = startWorker();
    let markReady: (ok: boolean) => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    this.#worker.on("message", (m: BlockingCallMessage) => {
      if (m.type === "ready") {
        this.#tid = m.tid;
        markReady(true);
        return;
      }
      if (m.type === "setns") {
        this.#entering.get(m.id)?.(m.errno);
        this.#entering.delete(m.id);
        if (this.#waiting.size === 0 && this.#entering.size === 0) this.#worker.unref();
        return;
      }
      const started = this.#starting.get(m.id);
      this.#starting.delete(m.id);
      if (m.type === "started") {
        started?.(m.startUs);
        return;
      }
      started?.(null);
      const resolve = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      resolve?.(m.outcome);
    });
    const die = (why: string): void => {
      this.#dead = why;
      markReady(false);
      for (const resolve of this.#waiting.values()) resolve({ kind: "invalid", message: `blocking-call thread: ${why}` });
      for (const resolve of this.#starting.values()) resolve(null);
      for (const resolve of this.#entering.values()) resolve(-1);
      this.#entering.clear();
      this.#waiting.clear();
      this.#starting.clear();
    };
    this.#worker.on("error", (e) => die(e instanceof Error ? e.message : String(e)));
    this.#worker.on("exit", (code) => die(`exited with code ${code}`));
    // Idle, it does not keep the process alive (unref after the listeners: adding one refs again).
    this.#worker.unref();
  }

  /** The worker's kernel thread id, once ready and while alive. */
  get tid(): number | null {
    return this.#dead === null ? this.#tid : null;
  }

  /** Resolves once the thread is up, or after `ms` (callers then use the libuv fallback). */
  readyWithin(ms: number): Promise<unknown> {
    return Promise.race([this.ready, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  /**
   * Moves the thread into the network namespace at `path` (e.g. `/proc/<pid>/ns/net`, the main
   * thread's after fresh-netns.ts moved it): resolves 0, the errno, or -1 if the thread is dead.
   */
  enterNetns(path: string): Promise<number> {
    if (this.#dead !== null) return Promise.resolve(-1);
    const id = this.#next++;
    const msg: BlockingCallRequest = { type: "setns", id, path };
    return new Promise((resolve) => {
      this.#entering.set(id, resolve);
      this.#worker.ref();
      this.#worker.postMessage(msg);
    });
  }

  /** True while a call is running on it. */
  get busy(): boolean {
    return this.#waiting.size > 0;
  }

  /**
   * Runs `req` on the worker. `started` resolves with the time the call went into the kernel
   * (null if it never did: an argument error, or the thread died).
   */
  run(req: SyscallRequest): { started: Promise<number | null>; result: Promise<SyscallOutcome> } {
    if (this.#dead !== null) return { started: Promise.resolve(null), result: Promise.resolve({ kind: "invalid", message: `blocking-call thread: ${this.#dead}` }) };
    const id = this.#next++;
    const msg: BlockingCallRequest = { type: "call", id, req };
    const started = new Promise<number | null>((resolve) => this.#starting.set(id, resolve));
    const result = new Promise<SyscallOutcome>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.ref();
      this.#worker.postMessage(msg);
    });
    return { started, result };
  }
}

let shared: BlockingThread | null = null;

/**
 * This process's blocking-call thread, started on first use; null with `MPD_BLOCKING_CALLS=libuv`
 * (a diagnostic switch: blocking calls then run on libuv's pool, stamped by the main thread).
 */
export function blockingThread(): BlockingThread | null {
  if (process.env["MPD_BLOCKING_CALLS"] === "libuv") return null;
  shared ??= new BlockingThread();
  return shared;
}

/** True when this process has a blocking call still running (it cannot exit normally then). */
export function blockingCallInFlight(): boolean {
  return shared?.busy ?? false;
}
