/**
 * One evaluated syscall from request to outcome on the calling thread: marshal the arguments,
 * make the C call with its start and end stamped around it, read the kernel's write-backs. Used
 * by the main thread for non-blocking calls and by the blocking-call thread for the others, so a
 * blocking call's return is stamped the moment it returns (pkt-language.md §2.3: "return time
 * when it returns"), not when the main thread next gets round to it.
 */
import type { SyscallOutcome, SyscallRequest, SysValue } from "../sut.ts";
import { errnoInfo } from "../linux-abi.ts";
import { monoNowUs } from "./clock.ts";
import type { Libc } from "./libc.ts";
import { SOCKET_MARSHALLERS } from "./socket-marshal.ts";
import { ArgError, IO_MARSHALLERS, type Marshalled } from "./syscall-marshal.ts";

const MARSHALLERS = { ...IO_MARSHALLERS, ...SOCKET_MARSHALLERS };

/** `req` ready to run, or the message of an argument error (nothing runs). */
export function marshalRequest(req: SyscallRequest, libc: Libc): Marshalled | string {
  const marshal = MARSHALLERS[req.name];
  if (marshal === undefined) return `Unknown system call: '${req.name}'`;
  try {
    const m = marshal(req.args, libc);
    return typeof m === "string" ? `${req.name}: ${m}` : m;
  } catch (e) {
    if (e instanceof ArgError) return `${req.name}: ${e.message}`;
    throw e;
  }
}

/** The outcome of a call that returned `ret` with `errno`, its out-values read back from `m`. */
export function outcomeOf(req: SyscallRequest, m: Marshalled, ret: number, errno: number, startUs: number, endUs: number): SyscallOutcome {
  void m.keep;
  const out: (SysValue | null)[] = req.args.map(() => null);
  if (ret >= 0) m.unmarshal(ret).forEach((v, i) => { if (i < out.length) out[i] = v; });
  const info = errno !== 0 ? errnoInfo(errno) : undefined;
  return {
    kind: "returned", ret, errno: ret < 0 ? errno : 0,
    errnoName: ret < 0 ? (info?.name ?? `E${errno}`) : null,
    strerror: ret < 0 ? (info?.text ?? `Unknown error ${errno}`) : null,
    out, startUs, endUs,
  };
}

/** Runs `m` now on this thread (it may block the thread) and stamps it. */
export function callNow(libc: Libc, req: SyscallRequest, m: Marshalled): SyscallOutcome {
  const startUs = monoNowUs();
  const ret = Number(libc[m.fn](...m.args));
  const errno = ret < 0 ? libc.errno() : 0;
  const endUs = monoNowUs();
  return outcomeOf(req, m, ret, errno, startUs, endUs);
}
