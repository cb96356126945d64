/**
 * Runs evaluated syscalls against the kernel (pkt-language.md §6): non-blocking requests run
 * synchronously on the main thread; blocking ones (`...T` in the script) run on a libuv worker
 * through koffi `.async` while the packet pump keeps reading, and report when they start to
 * block. Variadic calls (fcntl, ioctl, open) never block and always run synchronously.
 */
import type { SyscallHandle, SyscallOutcome, SyscallRequest, SysValue } from "../sut.ts";
import { errnoInfo } from "../linux-abi.ts";
import { watchBlocking } from "./blocking-probe.ts";
import { monoNowUs } from "./clock.ts";
import { callAsync, type Libc } from "./libc.ts";
import { SOCKET_MARSHALLERS } from "./socket-marshal.ts";
import { ArgError, IO_MARSHALLERS, type Marshalled } from "./syscall-marshal.ts";

const MARSHALLERS = { ...IO_MARSHALLERS, ...SOCKET_MARSHALLERS };
/** Calls whose non-negative return value is a new fd. */
const FD_RETURNING = new Set(["socket", "accept", "open", "epoll_create"]);

function invalid(message: string): SyscallHandle {
  const outcome: SyscallOutcome = { kind: "invalid", message };
  return { settled: Promise.resolve("returned"), result: Promise.resolve(outcome) };
}

/** Executes {@link SyscallRequest}s and remembers every fd they opened. */
export class SyscallRunner {
  readonly #libc: Libc;
  readonly #openFds = new Set<number>();

  constructor(libc: Libc) {
    this.#libc = libc;
  }

  /** fds opened by calls and not closed by a `close` call. */
  openFds(): number[] {
    return [...this.#openFds];
  }

  /** Start `req`; see {@link SyscallHandle}. */
  run(req: SyscallRequest): SyscallHandle {
    const marshal = MARSHALLERS[req.name];
    if (marshal === undefined) return invalid(`Unknown system call: '${req.name}'`);
    let m: Marshalled | string;
    try {
      m = marshal(req.args, this.#libc);
    } catch (e) {
      if (e instanceof ArgError) return invalid(`${req.name}: ${e.message}`);
      throw e;
    }
    if (typeof m === "string") return invalid(`${req.name}: ${m}`);
    if (!req.blocking || m.variadic) {
      const startUs = monoNowUs();
      const ret = Number(this.#libc[m.fn](...m.args));
      const errno = ret < 0 ? this.#libc.errno() : 0;
      const outcome = this.#finish(req, m, ret, errno, startUs);
      return { settled: Promise.resolve("returned"), result: Promise.resolve(outcome) };
    }
    return this.#runAsync(req, m);
  }

  #runAsync(req: SyscallRequest, m: Marshalled): SyscallHandle {
    const startUs = monoNowUs();
    const result = callAsync(this.#libc, this.#libc[m.fn], m.args).then(
      ({ ret, errno }) => this.#finish(req, m, ret, errno, startUs),
      (e: unknown): SyscallOutcome => ({ kind: "invalid", message: `${req.name}: ${String(e)}` }),
    );
    const arg0 = m.fdArg !== null ? BigInt(m.fdArg) : req.name === "poll" ? this.#libc.address(m.args[0] as Buffer) : null;
    const settled = watchBlocking({ nrs: m.nrs, arg0 }, process.pid, result, monoNowUs);
    return { settled, result };
  }

  #finish(req: SyscallRequest, m: Marshalled, ret: number, errno: number, startUs: number): SyscallOutcome {
    const endUs = monoNowUs();
    void m.keep;
    const out: (SysValue | null)[] = req.args.map(() => null);
    if (ret >= 0) m.unmarshal(ret).forEach((v, i) => { if (i < out.length) out[i] = v; });
    this.#track(req, ret, out);
    const info = errno !== 0 ? errnoInfo(errno) : undefined;
    return {
      kind: "returned", ret, errno: ret < 0 ? errno : 0,
      errnoName: ret < 0 ? (info?.name ?? `E${errno}`) : null,
      strerror: ret < 0 ? (info?.text ?? `Unknown error ${errno}`) : null,
      out, startUs, endUs,
    };
  }

  #track(req: SyscallRequest, ret: number, out: readonly (SysValue | null)[]): void {
    if (ret < 0) return;
    if (FD_RETURNING.has(req.name)) this.#openFds.add(ret);
    if (req.name === "close" && req.args[0]?.kind === "int") this.#openFds.delete(req.args[0].value);
    const fds = out[0];
    if (req.name === "pipe" && fds?.kind === "list") {
      for (const v of fds.items) if (v.kind === "int") this.#openFds.add(v.value);
    }
  }
}
