/**
 * setsockopt/getsockopt on the reference stack (pkt-language.md §6.3): the options the suites
 * use, mapped onto the stack's {@link SockOpt}s. SO_LINGER {1, 0} selects the abortive close
 * (RST, or MP_FASTCLOSE on MPTCP, RFC 8684 §3.5); TCP_IS_MPTCP reads 1 on an MPTCP socket that
 * has not fallen back to TCP (RFC 8684 §3.7), like Linux. Anything else is ENOPROTOOPT.
 */
import { lookupSymbol, type SysValue } from "../sut.ts";
import type { SockOpt } from "../../stack/socket.ts";
import { type CallStep, fail, intArg, ok } from "./call-step.ts";
import type { CallContext } from "./socket-calls.ts";

const sym = (name: string): number => lookupSymbol(name) ?? -1;
const ENOPROTOOPT = sym("ENOPROTOOPT");
const EBADF = sym("EBADF");

/** `level:optname` → the stack's option for plain integer options. */
const INT_OPTS: ReadonlyMap<string, SockOpt> = new Map<string, SockOpt>([
  [`${sym("SOL_SOCKET")}:${sym("SO_REUSEADDR")}`, "SO_REUSEADDR"],
  [`${sym("SOL_SOCKET")}:${sym("SO_RCVBUF")}`, "SO_RCVBUF"],
  [`${sym("SOL_SOCKET")}:${sym("SO_SNDBUF")}`, "SO_SNDBUF"],
  [`${sym("SOL_SOCKET")}:${sym("SO_ERROR")}`, "SO_ERROR"],
  [`${sym("SOL_TCP")}:${sym("TCP_NODELAY")}`, "TCP_NODELAY"],
  [`${sym("SOL_TCP")}:${sym("TCP_MAXSEG")}`, "TCP_MAXSEG"],
]);

const key = (level: number, name: number): string => `${level}:${name}`;

function setsockoptCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const k = key(intArg(a[1], "level"), intArg(a[2], "optname"));
  const v = a[3];
  if (k === key(sym("SOL_SOCKET"), sym("SO_LINGER"))) {
    const zero = v?.kind === "linger" && v.onoff !== 0 && v.linger === 0 ? 1 : 0;
    const r = ctx.host.setsockopt(fd, "SO_LINGER_ZERO", zero);
    return r.ok ? ok(0) : fail(r.errno);
  }
  if (k === key(sym("SOL_SOCKET"), sym("SO_REUSEPORT")) || k === key(sym("SOL_SOCKET"), sym("SO_KEEPALIVE"))) {
    return ctx.host.sockets.has(fd) ? ok(0) : fail(EBADF);
  }
  const opt = INT_OPTS.get(k);
  if (opt === undefined || opt === "SO_ERROR") return ctx.host.sockets.has(fd) ? fail(ENOPROTOOPT) : fail(EBADF);
  const r = ctx.host.setsockopt(fd, opt, intArg(v, "optval"));
  return r.ok ? ok(0) : fail(r.errno);
}

function intOut(value: number): (SysValue | null)[] {
  return [null, null, null, { kind: "intPtr", value }, { kind: "intPtr", value: 4 }];
}

function getsockoptCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const s = ctx.host.sockets.get(fd);
  if (!s) return fail(EBADF);
  const level = intArg(a[1], "level");
  const name = intArg(a[2], "optname");
  const k = key(level, name);
  if (k === key(sym("SOL_SOCKET"), sym("SO_LINGER"))) {
    const on = s.options.get("SO_LINGER_ZERO") === 1 ? 1 : 0;
    return ok(0, [null, null, null, { kind: "linger", onoff: on, linger: 0 }, { kind: "intPtr", value: 8 }]);
  }
  if (k === key(sym("SOL_SOCKET"), sym("SO_TYPE"))) return ok(0, intOut(sym("SOCK_STREAM")));
  if (k === key(sym("SOL_SOCKET"), sym("SO_PROTOCOL"))) return ok(0, intOut(s.proto === "mptcp" ? sym("IPPROTO_MPTCP") : sym("IPPROTO_TCP")));
  if (k === key(sym("SOL_SOCKET"), sym("SO_ACCEPTCONN"))) return ok(0, intOut(s.listen ? 1 : 0));
  if (k === key(sym("SOL_TCP"), sym("TCP_IS_MPTCP"))) {
    const mp = ctx.host.mptcpOf(fd);
    const isMptcp = s.proto === "mptcp" && (mp === undefined || !mp.fallback);
    return ok(0, intOut(isMptcp ? 1 : 0));
  }
  const opt = INT_OPTS.get(k);
  if (opt === undefined) return fail(ENOPROTOOPT);
  const r = ctx.host.getsockopt(fd, opt);
  if (!r.ok) return fail(r.errno);
  // SO_ERROR returns and clears the pending error (socket(7)); the stack keeps it on the stream.
  return ok(0, intOut(r.value));
}

/** The socket option calls by name. */
export const SOCKOPT_CALLS: Readonly<Record<string, (ctx: CallContext, a: readonly SysValue[]) => CallStep>> = {
  setsockopt: setsockoptCall, getsockopt: getsockoptCall,
};
