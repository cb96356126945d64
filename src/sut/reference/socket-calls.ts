/**
 * Socket-control syscalls on the reference stack (pkt-language.md §6.3): socket, bind, listen,
 * accept, connect, close, shutdown and fcntl (O_NONBLOCK). Blocking sockets whose call cannot
 * finish yet give a {@link CallWait}; non-blocking ones return the errno (EAGAIN, EINPROGRESS),
 * as Linux does (RFC 9293 §3.10.1 OPEN, §3.10.7 for the handshake the calls wait on).
 */
import { lookupSymbol, type SockaddrValue, type SysValue } from "../sut.ts";
import type { SocketHost } from "../../stack/host-sockets.ts";
import { ArgProblem, type CallDone, type CallStep, fail, intArg, ok } from "./call-step.ts";
import { socketAddress, wireAddress } from "./net-config.ts";

const sym = (name: string): number => lookupSymbol(name) ?? -1;
const E = {
  EBADF: sym("EBADF"), EINVAL: sym("EINVAL"), EAFNOSUPPORT: sym("EAFNOSUPPORT"), EPROTONOSUPPORT: sym("EPROTONOSUPPORT"),
  ESOCKTNOSUPPORT: sym("ESOCKTNOSUPPORT"), EAGAIN: sym("EAGAIN"), EINPROGRESS: sym("EINPROGRESS"),
};
const O_NONBLOCK = sym("O_NONBLOCK");
const O_RDWR = sym("O_RDWR");

/** What the adapter remembers per fd besides the host's socket. */
export interface FdState {
  readonly family: "inet" | "inet6";
  nonblock: boolean;
}

/** The state a call runs against. */
export interface CallContext {
  readonly host: SocketHost;
  readonly fds: Map<number, FdState>;
}

/** The fd's state or a thrown EBADF-style problem. */
export function fdState(ctx: CallContext, fd: number): FdState | undefined {
  return ctx.fds.get(fd);
}

function sockaddrArg(v: SysValue | undefined, what: string): SockaddrValue {
  if (v?.kind !== "sockaddr") throw new ArgProblem(`${what}: expected a sockaddr, got ${v?.kind ?? "nothing"}`);
  return v;
}

function peerOut(addr: { address: string; port: number }, family: "inet" | "inet6"): (SysValue | null)[] {
  const sa: SockaddrValue = { kind: "sockaddr", family, address: socketAddress(addr.address, family), port: addr.port };
  return [null, sa, { kind: "intPtr", value: family === "inet6" ? 28 : 16 }];
}

function socketCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const domain = intArg(a[0], "domain");
  const type = intArg(a[1], "type");
  const proto = intArg(a[2], "protocol");
  if (domain !== sym("AF_INET") && domain !== sym("AF_INET6")) return fail(E.EAFNOSUPPORT);
  if ((type & 0xf) !== sym("SOCK_STREAM")) return fail(E.ESOCKTNOSUPPORT);
  if (proto !== 0 && proto !== sym("IPPROTO_TCP") && proto !== sym("IPPROTO_MPTCP")) return fail(E.EPROTONOSUPPORT);
  const fd = ctx.host.socket(proto === sym("IPPROTO_MPTCP") ? "mptcp" : "tcp");
  ctx.fds.set(fd, { family: domain === sym("AF_INET6") ? "inet6" : "inet", nonblock: (type & sym("SOCK_NONBLOCK")) !== 0 });
  return ok(fd);
}

function bindCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const sa = sockaddrArg(a[1], "addr");
  const r = ctx.host.bind(intArg(a[0], "fd"), wireAddress(sa.address), sa.port);
  return r.ok ? ok(0) : fail(r.errno);
}

function listenCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const r = ctx.host.listen(intArg(a[0], "fd"), intArg(a[1], "backlog"));
  return r.ok ? ok(0) : fail(r.errno);
}

function acceptCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const st = ctx.fds.get(fd);
  const attempt = (): CallDone | null => {
    const r = ctx.host.accept(fd);
    if (!r.ok) return r.errno === E.EAGAIN ? null : fail(r.errno);
    // Linux: the accepted socket does not inherit O_NONBLOCK (that is accept4's SOCK_NONBLOCK).
    ctx.fds.set(r.value.fd, { family: st?.family ?? "inet", nonblock: false });
    return ok(r.value.fd, a[1]?.kind === "null" ? [] : peerOut(r.value.peer, st?.family ?? "inet"));
  };
  const now = attempt();
  if (now) return now;
  return st?.nonblock ? fail(E.EAGAIN) : { kind: "wait", poll: attempt };
}

function connectCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const sa = sockaddrArg(a[1], "addr");
  const r = ctx.host.connect(fd, wireAddress(sa.address), sa.port);
  if (r.ok) return ok(0);
  if (r.errno !== E.EINPROGRESS || ctx.fds.get(fd)?.nonblock !== false) return fail(r.errno);
  // A blocking connect sleeps until the handshake completes or fails (SO_ERROR).
  return {
    kind: "wait",
    poll: () => {
      const err = ctx.host.getsockopt(fd, "SO_ERROR");
      if (err.ok && err.value !== 0) return fail(err.value);
      const s = ctx.host.sockets.get(fd);
      return s?.stream?.connected ? ok(0) : null;
    },
  };
}

function closeCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const r = ctx.host.close(fd);
  ctx.fds.delete(fd);
  return r.ok ? ok(0) : fail(r.errno);
}

function shutdownCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const how = intArg(a[1], "how");
  const map = ["rd", "wr", "rdwr"] as const;
  const h = map[how];
  if (h === undefined) return fail(E.EINVAL);
  const r = ctx.host.shutdown(intArg(a[0], "fd"), h);
  return r.ok ? ok(0) : fail(r.errno);
}

function fcntlCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const st = ctx.fds.get(intArg(a[0], "fd"));
  if (!st) return fail(E.EBADF);
  const cmd = intArg(a[1], "cmd");
  if (cmd === sym("F_GETFL")) return ok(O_RDWR | (st.nonblock ? O_NONBLOCK : 0));
  if (cmd === sym("F_SETFL")) {
    st.nonblock = (intArg(a[2], "arg") & O_NONBLOCK) !== 0;
    return ok(0);
  }
  if (cmd === sym("F_GETFD") || cmd === sym("F_SETFD")) return ok(0);
  return fail(E.EINVAL);
}

/** The socket-control calls by name. */
export const SOCKET_CALLS: Readonly<Record<string, (ctx: CallContext, a: readonly SysValue[]) => CallStep>> = {
  socket: socketCall, bind: bindCall, listen: listenCall, accept: acceptCall, connect: connectCall,
  close: closeCall, shutdown: shutdownCall, fcntl: fcntlCall,
};
