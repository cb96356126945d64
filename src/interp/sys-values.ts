/**
 * Syscall expressions → SUT values (pkt-language.md §6.2, §6.3): integers, symbols and defines,
 * `|`, strings, `[v]` pointers, lists and struct literals (sockaddr, linger, pollfd, epoll_event,
 * iovec, msghdr, cmsg, timeval), with `...` filled in per call (bind → local_ip:bind_port,
 * connect/sendto → remote_ip:connect_port, socket → the run's address family, buffers sized by
 * the count argument). Script fds are translated to live fds here.
 */
import type * as ast from "../script/ast.ts";
import type { CmsgData, SockaddrValue, SutNetConfig, SysValue, SyscallName } from "../sut/sut.ts";
import type { SocketTable } from "./sockets.ts";
import { type ValueEnv, ScriptFault, decodeString } from "./values.ts";

const AF_INET = 2;
const AF_INET6 = 10;

/** Evaluates an expression to a plain integer (ints, symbols, defines, `|`, `htons`). */
export function evalInt(e: ast.Expr, env: ValueEnv): bigint {
  switch (e.kind) {
    case "int": return e.value;
    case "ident": return env.identInt(e);
    case "binary": return evalInt(e.left, env) | evalInt(e.right, env);
    case "call":
      if (e.fn === "htons" && e.args[0]) return evalInt(e.args[0], env);
      break;
    default: break;
  }
  throw new ScriptFault(`Bad type; actual: ${e.kind} expected: int`, e.span);
}

function int(v: bigint): SysValue {
  return { kind: "int", value: Number(BigInt.asIntN(64, v)) };
}

function fieldMap(s: ast.StructExpr): Map<string, ast.FieldExpr> {
  const m = new Map<string, ast.FieldExpr>();
  for (const it of s.items) if (it.kind === "field") m.set(it.name, it);
  return m;
}

/** Evaluates a generic expression to a SUT value (no per-call `...` rules). */
export function evalValue(e: ast.Expr, env: ValueEnv, fds: SocketTable | null): SysValue {
  switch (e.kind) {
    case "ellipsis": return { kind: "ellipsis" };
    case "int": case "binary": return int(evalInt(e, env));
    case "ident": {
      const d = env.define(e.name);
      if (d?.kind === "string") return { kind: "string", value: d.value };
      if (e.name === "NULL") return { kind: "null" };
      return int(env.identInt(e));
    }
    case "string": return { kind: "string", value: decodeString(e) };
    case "list": {
      const first = e.items[0];
      if (e.items.length === 1 && first && (first.kind === "int" || first.kind === "ident" || first.kind === "binary")) {
        // An int as C sees it (packetdrill's s32 accepts INT_MIN..UINT_MAX): [0xffffffff] is -1.
        const v = evalInt(first, env);
        return { kind: "intPtr", value: Number(v > 0x7fffffffn && v <= 0xffffffffn ? BigInt.asIntN(32, v) : v) };
      }
      return { kind: "list", items: e.items.map((i) => evalValue(i, env, fds)) };
    }
    case "struct": return evalStruct(e, env, fds);
    case "call":
      if (e.fn === "htons") return int(evalInt(e, env));
      return { kind: "string", value: e.args[0]?.kind === "string" ? decodeString(e.args[0]) : "" };
    case "field": return evalValue(e.value, env, fds);
    default: throw new ScriptFault(`unsupported expression '${e.kind}'`, e.span);
  }
}

function evalStruct(s: ast.StructExpr, env: ValueEnv, fds: SocketTable | null): SysValue {
  const f = fieldMap(s);
  const num = (name: string, dflt = 0): number => {
    const x = f.get(name);
    return x === undefined || x.value.kind === "ellipsis" ? dflt : Number(BigInt.asIntN(64, evalInt(x.value, env)));
  };
  if (f.has("sa_family")) {
    const fam = num("sa_family");
    const addr = f.get("sin_addr") ?? f.get("sin6_addr");
    const text = addr?.value.kind === "call" && addr.value.args[0]?.kind === "string" ? decodeString(addr.value.args[0]) : fam === AF_INET6 ? "::" : "0.0.0.0";
    return { kind: "sockaddr", family: fam === AF_INET ? "inet" : fam === AF_INET6 ? "inet6" : "unspec", address: text, port: num("sin_port") };
  }
  if (f.has("onoff")) return { kind: "linger", onoff: num("onoff"), linger: num("linger") };
  if (f.has("tv_sec")) return { kind: "timeval", sec: num("tv_sec"), usec: num("tv_usec") };
  const first = s.items[0];
  if (first?.kind === "field" && first.name === "fd") {
    return { kind: "pollfd", fd: liveFd(Number(evalInt(first.value, env)), fds, first.span), events: num("events"), revents: num("revents") };
  }
  if (f.has("events")) {
    const data = ["fd", "u32", "u64", "ptr"].find((k) => f.has(k));
    return { kind: "epollEvent", events: num("events"), data: data ? num(data) : 0 };
  }
  if (f.has("msg_iov")) return evalMsghdr(f, env, fds);
  if (f.has("cmsg_level")) {
    const d = f.get("cmsg_data")?.value;
    return { kind: "cmsg", level: num("cmsg_level"), type: num("cmsg_type"), data: cmsgData(d, env) };
  }
  // iovec `{..., N}` or `{buf, N}`.
  if (s.items.length === 2) {
    const len = Number(evalInt(s.items[1] as ast.Expr, env));
    return { kind: "iovec", base: { kind: "buffer", length: len }, len };
  }
  return { kind: "list", items: s.items.map((i) => evalValue(i, env, fds)) };
}

/**
 * A cmsg's data (§6.2): an int, `{scm_sec=S, scm_nsec=N}` (SCM_TIMESTAMPING in script time), or
 * `{ee_errno=…, ee_origin=…, ee_type=…, ee_code=…, ee_info=…, ee_data=…}` (IP(V6)_RECVERR).
 */
function cmsgData(d: ast.Expr | undefined, env: ValueEnv): CmsgData {
  if (d === undefined || d.kind === "ellipsis") return { kind: "bytes", value: new Uint8Array(0) };
  if (d.kind !== "struct") return { kind: "int", value: Number(evalInt(d, env)) };
  const f = fieldMap(d);
  const num = (name: string): number => {
    const x = f.get(name);
    return x === undefined || x.value.kind === "ellipsis" ? 0 : Number(BigInt.asIntN(64, evalInt(x.value, env)));
  };
  if (f.has("scm_sec") || f.has("scm_nsec")) {
    return { kind: "timestamping", times: [{ sec: num("scm_sec"), nsec: num("scm_nsec") }, { sec: 0, nsec: 0 }, { sec: 0, nsec: 0 }] };
  }
  if (f.has("ee_errno")) {
    return {
      kind: "extendedErr", eeErrno: num("ee_errno"), eeOrigin: num("ee_origin"), eeType: num("ee_type"),
      eeCode: num("ee_code"), eeInfo: num("ee_info"), eeData: num("ee_data"),
    };
  }
  throw new ScriptFault("Bad type; actual: struct expected: cmsg_data", d.span);
}

function evalMsghdr(f: Map<string, ast.FieldExpr>, env: ValueEnv, fds: SocketTable | null): SysValue {
  const iovv = f.get("msg_iov")?.value;
  const iov = iovv ? evalValue(iovv, env, fds) : { kind: "list" as const, items: [] };
  const iovs = iov.kind === "list" ? iov.items.filter((i) => i.kind === "iovec") : iov.kind === "iovec" ? [iov] : [];
  const ctl = f.get("msg_control")?.value;
  const control = ctl ? (() => {
    const v = evalValue(ctl, env, fds);
    return v.kind === "list" ? v.items.filter((i) => i.kind === "cmsg") : v.kind === "cmsg" ? [v] : [];
  })() : null;
  const flagsE = f.get("msg_flags")?.value;
  return {
    kind: "msghdr", name: { kind: "ellipsis" }, iov: iovs, control,
    ...(control && control.length > 0 ? { controlLength: 4096 } : {}),
    flags: flagsE ? Number(evalInt(flagsE, env)) : 0,
  };
}

/** The live fd for a script fd; fails like packetdrill when unknown. */
export function liveFd(scriptFd: number, fds: SocketTable | null, span: ast.Expr["span"]): number {
  if (fds === null) return scriptFd;
  const a = fds.fd(scriptFd);
  if (a === undefined) throw new ScriptFault(`unable to find fd with script fd ${scriptFd}`, span);
  return a.liveFd;
}

/** Argument positions holding fds, per call. */
const FD_ARGS: Partial<Record<SyscallName, readonly number[]>> = {
  bind: [0], listen: [0], accept: [0], connect: [0], read: [0], readv: [0], recv: [0], recvfrom: [0], recvmsg: [0],
  write: [0], writev: [0], send: [0], sendto: [0], sendmsg: [0], fcntl: [0], ioctl: [0], close: [0], shutdown: [0],
  getsockopt: [0], setsockopt: [0], epoll_ctl: [0, 2], epoll_wait: [0], sendfile: [0, 1], splice: [0, 2],
};

/** Buffer argument index and the index of its byte count, per call. */
const BUFFERS: Partial<Record<SyscallName, readonly [number, number]>> = {
  read: [1, 2], recv: [1, 2], recvfrom: [1, 2], write: [1, 2], send: [1, 2], sendto: [1, 2],
};

/** Evaluates the arguments of a call with §6.3's `...` rules and fd translation. */
export function evalSyscallArgs(name: SyscallName, call: ast.Syscall, env: ValueEnv, fds: SocketTable, net: SutNetConfig): SysValue[] {
  const args = call.args;
  const fdIdx = FD_ARGS[name] ?? [];
  const buf = BUFFERS[name];
  return args.map((a, i): SysValue => {
    if (fdIdx.includes(i)) return int(BigInt(liveFd(Number(evalInt(a, env)), fds, a.span)));
    if (buf && i === buf[0]) {
      const countE = args[buf[1]];
      const count = countE ? Number(evalInt(countE, env)) : 0;
      if (a.kind === "ellipsis") return { kind: "buffer", length: count };
      if (a.kind === "int" && a.value === 0n) return { kind: "null" };
      if (a.kind === "ident" && a.name === "NULL") return { kind: "null" };
      if (a.kind === "string") return { kind: "buffer", length: Math.max(count, 0), data: new TextEncoder().encode(decodeString(a)) };
      throw new ScriptFault("Expected ... or NULL for buffer", a.span);
    }
    if (a.kind === "ellipsis") return ellipsisFor(name, i, net);
    const v = evalValue(a, env, fds);
    // sendmsg's `msg_name(...)=...` is the remote address, as sendto's `...` (MSG_FASTOPEN uses it).
    if (name === "sendmsg" && v.kind === "msghdr" && v.name.kind === "ellipsis") return { ...v, name: ellipsisFor("sendto", 4, net) as SockaddrValue };
    return v;
  });
}

function ellipsisFor(name: SyscallName, i: number, net: SutNetConfig): SysValue {
  const fam = net.socketFamily;
  if (name === "socket" && i === 0) return int(BigInt(fam === "inet" ? AF_INET : AF_INET6));
  if (name === "bind" && i === 1) return { kind: "sockaddr", family: fam, address: net.socketLocalIp, port: net.bindPort };
  if ((name === "connect" && i === 1) || (name === "sendto" && i === 4)) {
    return { kind: "sockaddr", family: fam, address: net.socketRemoteIp, port: net.connectPort };
  }
  return { kind: "ellipsis" };
}
