/**
 * System-call events (pkt-language.md §6.3–§6.5): evaluate the call, run it through the SUT,
 * compare the result, errno and out-values, and keep the fd aliases and socket states in step
 * (§5.1: socket/accept/close/listen/connect). Messages follow §9:
 * `runtime error in connect call: Expected result 0 but got -1 with errno 111 (Connection refused)`.
 */
import type * as ast from "../script/ast.ts";
import {
  type SutNetConfig, type SyscallName, type SyscallReturned, type SysValue, errnoNumber, strerror,
} from "../sut/sut.ts";
import { type CmsgTiming, checkCmsgs } from "./cmsg-check.ts";
import { type Mismatch, plainMismatch } from "./mismatch.ts";
import type { SocketTable } from "./sockets.ts";
import { evalInt, evalSyscallArgs, evalValue } from "./sys-values.ts";
import { type ValueEnv, ScriptFault } from "./values.ts";

/** Calls whose result is a new fd: any result ≥ 0 is accepted when the script expects ≥ 0 (§6.3). */
const FD_RESULT: ReadonlySet<string> = new Set(["socket", "accept", "open", "epoll_create"]);

const KNOWN: ReadonlySet<string> = new Set<SyscallName>([
  "socket", "bind", "listen", "accept", "connect", "read", "readv", "recv", "recvfrom", "recvmsg", "write", "writev",
  "send", "sendto", "sendmsg", "fcntl", "ioctl", "close", "shutdown", "getsockopt", "setsockopt", "poll", "open",
  "sendfile", "epoll_create", "epoll_ctl", "epoll_wait", "pipe", "splice",
]);

/** A syscall line ready to run. */
export interface PreparedSyscall {
  readonly name: SyscallName;
  readonly args: readonly SysValue[];
  readonly call: ast.Syscall;
}

/** Evaluates a syscall line (throws {@link ScriptFault} for script problems). */
export function prepareSyscall(call: ast.Syscall, env: ValueEnv, fds: SocketTable, net: SutNetConfig): PreparedSyscall {
  if (!KNOWN.has(call.name)) throw new ScriptFault(`Unknown system call: '${call.name}'`, call.span);
  const name = call.name as SyscallName;
  return { name, args: evalSyscallArgs(name, call, env, fds, net), call };
}

function fail(call: ast.Syscall, detail: string): Mismatch {
  return plainMismatch("syscall", "syscall", `runtime error in ${call.name} call: ${detail}`, call.span);
}

const errText = (n: number): string => `${n} (${n === 0 ? "Success" : strerror(n)})`;

/** §6.4: result, then errno; then out-values (`timing` maps cmsg timestamps). Updates fd aliases on success. */
export function checkSyscall(
  p: PreparedSyscall, r: SyscallReturned, env: ValueEnv, fds: SocketTable, net: SutNetConfig, timing?: CmsgTiming,
): Mismatch | null {
  const call = p.call;
  const expected = Number(BigInt.asIntN(64, evalInt(call.result, env)));
  if (FD_RESULT.has(p.name) && expected >= 0) {
    if (r.ret < 0) return fail(call, `Expected non-negative result but got ${r.ret} with errno ${errText(r.errno)}`);
  } else if (r.ret !== expected) {
    return { ...fail(call, `Expected result ${expected} but got ${r.ret} with errno ${errText(r.errno)}`), field: "result", expected, actual: r.ret };
  }
  if (call.errno !== null) {
    const want = errnoNumber(call.errno.name);
    if (want === undefined) throw new ScriptFault(`unknown errno name: '${call.errno.name}'`, call.errno.span);
    if (r.errno !== want) {
      return { ...fail(call, `Expected errno ${errText(want)} but got ${errText(r.errno)}`), field: "errno", expected: want, actual: r.errno };
    }
  }
  const out = checkOutValues(p, r, env, timing);
  if (out) return fail(call, out);
  applyEffects(p, r, expected, env, fds, net);
  return null;
}

function intOf(v: SysValue | null | undefined): number | null {
  if (!v) return null;
  return v.kind === "int" || v.kind === "intPtr" ? v.value : null;
}

/**
 * §5.1: `connect()` / `sendto()` / `sendmsg()` to `...` marks the socket connecting when the call starts (a
 * blocking connect's SYN is on the wire long before the call returns).
 */
export function noteCallStart(p: PreparedSyscall, env: ValueEnv, fds: SocketTable, net: SutNetConfig): void {
  if (p.name !== "connect" && p.name !== "sendto" && p.name !== "sendmsg") return;
  const s = fds.fd(Number(evalInt(p.call.args[0] as ast.Expr, env)))?.socket;
  const msg = p.args[1];
  const dst = p.name === "sendmsg" ? (msg?.kind === "msghdr" ? msg.name : undefined) : p.args[p.name === "connect" ? 1 : 4];
  if (s && s.phase === "new" && dst?.kind === "sockaddr" && dst.family !== "unspec") {
    s.phase = "connecting";
    s.conn.liveRemote = { ip: net.remoteIp, port: dst.port };
    s.conn.liveLocal = { ip: net.localIp, port: 0 };
  }
}

/** Out-value comparisons of §6.4; returns the detail text of the first difference. */
function checkOutValues(p: PreparedSyscall, r: SyscallReturned, env: ValueEnv, timing: CmsgTiming | undefined): string | null {
  if (r.ret < 0) return null;
  const { name, args } = p;
  if (name === "getsockopt") {
    const lenE = p.call.args[4];
    const len = intOf(r.out[4]);
    const wantLen = lenE?.kind === "list" && lenE.items[0] ? Number(evalInt(lenE.items[0], env)) : null;
    if (wantLen !== null && len !== null && len !== wantLen) return `Bad getsockopt optlen: expected: ${wantLen} actual: ${len}`;
    const want = args[3];
    const got = r.out[3];
    if (want?.kind === "intPtr" && intOf(got) !== want.value) return `Bad getsockopt optval: expected: ${want.value} actual: ${intOf(got)}`;
    if (want?.kind === "string" && got?.kind === "string" && got.value !== want.value) return `Bad getsockopt optval: expected: ${want.value} actual: ${got.value}`;
    if (want?.kind === "linger" && got?.kind === "linger" && (got.onoff !== want.onoff || got.linger !== want.linger)) {
      return `Bad getsockopt optval: expected: {onoff=${want.onoff}, linger=${want.linger}} actual: {onoff=${got.onoff}, linger=${got.linger}}`;
    }
  }
  if (name === "ioctl" && args[2]?.kind === "intPtr" && intOf(r.out[2]) !== args[2].value) {
    return `Bad ioctl optval: expected: ${args[2].value} actual: ${intOf(r.out[2])}`;
  }
  if (name === "poll" && args[0]?.kind === "list" && r.out[0]?.kind === "list") {
    const outItems = r.out[0].items;
    for (const [i, w] of args[0].items.entries()) {
      const g = outItems[i];
      if (w.kind === "pollfd" && g?.kind === "pollfd" && g.revents !== w.revents) {
        return `Expected revents of ${pollNames(w.revents)} but got ${pollNames(g.revents)} for pollfd ${i}`;
      }
    }
  }
  if (name === "recvmsg" && args[1]?.kind === "msghdr" && r.out[1]?.kind === "msghdr") {
    const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
    if (r.out[1].flags !== args[1].flags) return `Expected msg_flags ${hex(args[1].flags)} but got ${hex(r.out[1].flags)}`;
    const cm = args[1].control && timing ? checkCmsgs(args[1].control, r.out[1].control ?? [], timing) : null;
    if (cm) return cm;
  }
  if (name === "epoll_wait" && r.ret > 0) {
    const want = p.call.args[1];
    const got = r.out[1];
    const w = want ? evalValue(want, env, null) : null;
    const first = w?.kind === "list" ? w.items[0] : w;
    const g = got?.kind === "list" ? got.items[0] : undefined;
    if (first?.kind === "epollEvent" && g?.kind === "epollEvent" && (first.events !== g.events || first.data !== g.data)) {
      return `epoll_event->events does not match: expected: 0x${first.events.toString(16)} actual: 0x${g.events.toString(16)}`;
    }
  }
  return null;
}

const POLL_BITS: readonly (readonly [string, number])[] = [
  ["POLLIN", 0x1], ["POLLPRI", 0x2], ["POLLOUT", 0x4], ["POLLERR", 0x8], ["POLLHUP", 0x10], ["POLLNVAL", 0x20], ["POLLRDNORM", 0x40],
  ["POLLRDBAND", 0x80], ["POLLWRNORM", 0x100], ["POLLWRBAND", 0x200], ["POLLMSG", 0x400], ["POLLRDHUP", 0x2000],
];

function pollNames(v: number): string {
  const names = POLL_BITS.filter(([, b]) => v & b).map(([n]) => n);
  return names.length === 0 ? "0" : names.join("|");
}

/** Socket bookkeeping after a successful call (§5.1). */
function applyEffects(p: PreparedSyscall, r: SyscallReturned, expected: number, env: ValueEnv, fds: SocketTable, net: SutNetConfig): void {
  const scriptFdArg = (): number => Number(evalInt(p.call.args[0] as ast.Expr, env));
  switch (p.name) {
    case "socket": {
      if (r.ret < 0) return;
      const type = intOf(p.args[1]) ?? 1;
      const proto = intOf(p.args[2]) ?? 0;
      fds.addSocket(expected, r.ret, type & 0xf, proto);
      return;
    }
    case "listen": {
      const s = fds.fd(scriptFdArg())?.socket;
      if (s && r.ret === 0) s.phase = "listening";
      return;
    }
    case "accept": {
      if (r.ret < 0) return;
      const listener = fds.fd(scriptFdArg())?.socket ?? null;
      const child = listener ? fds.unacceptedChild(listener) : undefined;
      fds.addFd(expected, r.ret, child ?? null);
      if (child) child.open = true;
      return;
    }
    case "open":
    case "epoll_create":
      if (r.ret >= 0) fds.addFd(expected, r.ret);
      return;
    case "pipe": {
      const want = p.call.args[0];
      const got = r.out[0];
      if (want?.kind === "list" && got?.kind === "list") {
        want.items.forEach((w, i) => {
          const live = intOf(got.items[i]);
          if (live !== null) fds.addFd(Number(evalInt(w, env)), live);
        });
      }
      return;
    }
    case "close":
      if (r.ret === 0) fds.closeFd(scriptFdArg());
      return;
    default:
      return;
  }
}

