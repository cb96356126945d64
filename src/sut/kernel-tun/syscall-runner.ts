/**
 * Runs evaluated syscalls against the kernel (pkt-language.md §6): non-blocking requests run
 * synchronously on the main thread; blocking ones (`...T` in the script) run on the process's
 * blocking-call thread (blocking-thread.ts), stamped there, while the packet pump keeps reading,
 * and report when they start to block. While that thread is not (yet) up, they run on a libuv worker
 * through koffi `.async` instead (stamped when the main thread sees the result). Variadic calls
 * (fcntl, ioctl, open) never block and always run synchronously.
 */
import type { SyscallHandle, SyscallOutcome, SyscallRequest, SysValue } from "../sut.ts";
import { watchBlocking } from "./blocking-probe.ts";
import type { BlockingThread } from "./blocking-thread.ts";
import { monoNowUs } from "./clock.ts";
import { callAsync, type Libc } from "./libc.ts";
import { callNow, marshalRequest, outcomeOf } from "./syscall-exec.ts";
import type { Marshalled } from "./syscall-marshal.ts";

/** Calls that hand the kernel a send buffer (`--send_omit_free` keeps those buffers). */
const SENDING = new Set(["write", "writev", "send", "sendto", "sendmsg"]);

/** Calls whose non-negative return value is a new fd. */
const FD_RETURNING = new Set(["socket", "accept", "open", "epoll_create"]);

function invalid(message: string): SyscallHandle {
  const outcome: SyscallOutcome = { kind: "invalid", message };
  return { settled: Promise.resolve("returned"), result: Promise.resolve(outcome) };
}

/** Executes {@link SyscallRequest}s and remembers every fd they opened. */
export class SyscallRunner {
  readonly #libc: Libc;
  readonly #thread: BlockingThread | null;
  readonly #openFds = new Set<number>();
  /** Send buffers kept to the end of the run (`--send_omit_free`), or null to let them go. */
  readonly #retained: unknown[] | null;

  /**
   * `thread` null: blocking calls always take the libuv fallback. `omitFree`: packetdrill's
   * `--send_omit_free`: the memory of every send buffer stays allocated (and unchanged) until
   * the SUT closes, because with MSG_ZEROCOPY the kernel keeps reading pages of it after the
   * call returned; without it a buffer is garbage once its call returns (packetdrill frees it).
   */
  constructor(libc: Libc, thread: BlockingThread | null, omitFree = false) {
    this.#libc = libc;
    this.#thread = thread;
    this.#retained = omitFree ? [] : null;
  }

  /** How many send buffers `--send_omit_free` is holding. */
  retainedSendBuffers(): number {
    return this.#retained?.length ?? 0;
  }

  /** fds opened by calls and not closed by a `close` call. */
  openFds(): number[] {
    return [...this.#openFds];
  }

  /** Start `req`; see {@link SyscallHandle}. */
  run(req: SyscallRequest): SyscallHandle {
    const m = marshalRequest(req, this.#libc);
    if (typeof m === "string") return invalid(m);
    if (this.#retained !== null && SENDING.has(req.name)) this.#retained.push(m.keep);
    if (!req.blocking || m.variadic) {
      const outcome = callNow(this.#libc, req, m);
      this.#track(req, outcome);
      return { settled: Promise.resolve("returned"), result: Promise.resolve(outcome) };
    }
    // Never wait for the thread to come up: until it is ready, calls take the fallback.
    const tid = this.#thread?.tid ?? null;
    return this.#thread !== null && tid !== null ? this.#onThread(this.#thread, tid, req, m) : this.#onLibuv(req, m);
  }

  /** On the blocking-call thread; the probe watches that thread only. */
  #onThread(thread: BlockingThread, tid: number, req: SyscallRequest, m: Marshalled): SyscallHandle {
    const issuedUs = monoNowUs();
    const call = thread.run(req);
    const result = call.result.then((o) => this.#track(req, o));
    const arg0 = m.fdArg !== null ? BigInt(m.fdArg) : null;
    const settled = watchBlocking({ nrs: m.nrs, arg0, tid }, process.pid, result, monoNowUs, () => this.#libc.sched_yield());
    const started = call.started.then((enteredUs) => ({ issuedUs, enteredUs: enteredUs ?? issuedUs }));
    return { settled, result, started };
  }

  /** Fallback: koffi `.async` on a libuv worker, stamped when the main thread gets the result. */
  #onLibuv(req: SyscallRequest, m: Marshalled): SyscallHandle {
    const startUs = monoNowUs();
    const result = callAsync(this.#libc, this.#libc[m.fn], m.args).then(
      ({ ret, errno }) => this.#track(req, outcomeOf(req, m, ret, errno, startUs, monoNowUs())),
      (e: unknown): SyscallOutcome => ({ kind: "invalid", message: `${req.name}: ${String(e)}` }),
    );
    const arg0 = m.fdArg !== null ? BigInt(m.fdArg) : req.name === "poll" ? this.#libc.address(m.args[0] as Buffer) : null;
    const settled = watchBlocking({ nrs: m.nrs, arg0 }, process.pid, result, monoNowUs, () => this.#libc.sched_yield());
    return { settled, result };
  }

  #track(req: SyscallRequest, o: SyscallOutcome): SyscallOutcome {
    if (o.kind !== "returned" || o.ret < 0) return o;
    const out: readonly (SysValue | null)[] = o.out;
    if (FD_RETURNING.has(req.name)) this.#openFds.add(o.ret);
    if (req.name === "close" && req.args[0]?.kind === "int") this.#openFds.delete(req.args[0].value);
    const fds = out[0];
    if (req.name === "pipe" && fds?.kind === "list") {
      for (const v of fds.items) if (v.kind === "int") this.#openFds.add(v.value);
    }
    return o;
  }
}
