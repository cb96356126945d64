/**
 * Subflows and `addr[VAR]` endpoints in packet lines (pkt-language.md §8.3; RFC 8684 §3.2): which
 * socket (TCP connection) an MPTCP line maps to, the new subflow an MP_JOIN SYN opens, and the
 * binding of unbound tuple variables after a line.
 *
 * Order of the socket choice (after the listen child and the active SYN of §5.5): an MP_JOIN SYN
 * opens a new subflow (inbound: a variable source gets a new packetdrill address and an ephemeral
 * port; outbound: only the tuple's destination is used, the source is learned from the live SYN),
 * then the sockets are searched **newest first** and the first whose live tuple matches the line's
 * bound `addr[…]` sides (unbound sides are wildcards) becomes current. A line without bound sides
 * therefore belongs to the newest socket, e.g. the newest MP_JOIN subflow, even right after a line
 * that named an older subflow. With bound sides that match no socket, the current socket.
 */
import type * as ast from "../script/ast.ts";
import type { SutNetConfig } from "../sut/sut.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import type { LiveEndpoint } from "./mapping.ts";
import { allocatePeerIp } from "./mptcp-addr.ts";
import { scriptToken } from "./mptcp-join.ts";
import type { MptcpConnState, MptcpRunState } from "./mptcp-state.ts";
import type { ScriptTcpPacket } from "./script-packet.ts";
import { type SocketEntry, type SocketTable, canonicalIp } from "./sockets.ts";
import type { ValueEnv } from "./values.ts";

const SOCK_STREAM = 1;
const IPPROTO_TCP = 6;
const IPPROTO_MPTCP = 262;

/** The `addr[…]` sides of a line's tuple (null where a side is absent or not an addr ref). */
function addrSides(sp: ScriptTcpPacket): { src: ast.AddrRef | null; dst: ast.AddrRef | null } {
  const t = sp.node.body.kind === "tcp" ? sp.node.body.tuple : null;
  return { src: t?.src?.kind === "addrRef" ? t.src : null, dst: t?.dst?.kind === "addrRef" ? t.dst : null };
}

function boundEp(ref: ast.AddrRef | null, run: MptcpRunState): LiveEndpoint | undefined {
  return ref === null ? undefined : run.addr(ref.name);
}

function joinSyn(sp: ScriptTcpPacket): ast.MpJoinSyn | null {
  if ((sp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) !== TCP_FLAG.SYN) return null;
  const o = sp.options?.find((x) => x.node.kind === "mpJoinSyn");
  return o?.node.kind === "mpJoinSyn" ? o.node : null;
}

/** The MPTCP connection an MP_JOIN SYN joins: by token, else the current socket's. */
function joinTarget(o: ast.MpJoinSyn, fds: SocketTable, env: ValueEnv): MptcpConnState | null {
  let token: number | null = null;
  try {
    token = scriptToken(o.token, fds.mptcp, env);
  } catch {
    token = null;
  }
  return (token === null ? undefined : fds.mptcp.byKernelToken(token)) ?? fds.current?.conn.mptcp ?? null;
}

/** The socket owning connection `c` (its first subflow), used as a subflow's parent. */
function ownerSocket(c: MptcpConnState | null, fds: SocketTable): SocketEntry | null {
  return c === null ? fds.current : (fds.all().find((s) => s.conn.mptcp === c) ?? fds.current);
}

/** §8.3 for an inbound line that is not a listen child: MP_JOIN SYN → new subflow, else the newest socket matching the tuple. */
export function mptcpSocketForInbound(sp: ScriptTcpPacket, fds: SocketTable, net: SutNetConfig, env: ValueEnv): SocketEntry | null {
  const { src, dst } = addrSides(sp);
  const run = fds.mptcp;
  const join = joinSyn(sp);
  if (join !== null) {
    const target = joinTarget(join, fds, env);
    const local = boundEp(dst, run) ?? { ip: net.localIp, port: net.bindPort };
    const remote = boundEp(src, run) ?? { ip: allocatePeerIp(run, net.remoteIp), port: fds.takeEphemeralPort() };
    const s = fds.addSubflow(ownerSocket(target, fds), local, remote);
    s.conn.mptcp = target;
    s.conn.remoteIsn = sp.seq;
    return s;
  }
  return newestMatch(boundEp(dst, run), boundEp(src, run), fds);
}

/**
 * §8.3 for an outbound line: a kernel MP_JOIN SYN to the tuple's remote opens a subflow, else the
 * newest socket matching the tuple. Only the join's destination is used: the kernel picks the
 * subflow's source port (and the script's `addr[c1]` may have been bound by an ADD_ADDR, with the
 * initial subflow's port), so the live local endpoint is left open and learned from the live SYN.
 */
export function mptcpSocketForOutbound(sp: ScriptTcpPacket, fds: SocketTable): SocketEntry | null {
  const { src, dst } = addrSides(sp);
  const run = fds.mptcp;
  const join = joinSyn(sp);
  const remote = boundEp(dst, run);
  if (join !== null && remote !== undefined) {
    const target = fds.current?.conn.mptcp ?? null;
    const s = fds.addSubflow(ownerSocket(target, fds), { ip: "", port: 0 }, remote);
    s.phase = "connecting";
    s.conn.mptcp = target;
    return s;
  }
  return newestMatch(boundEp(src, run), remote, fds);
}

/**
 * A TCP or MPTCP stream socket with a live tuple, the only kind a TCP line with addresses can
 * name. A listener or a socket not yet connected has no tuple: the fork's would match any line,
 * but a line for a listener makes a child (§5.5) and its children are newer.
 */
function isConnectedStream(s: SocketEntry): boolean {
  const stream = s.type === SOCK_STREAM && (s.protocol === 0 || s.protocol === IPPROTO_TCP || s.protocol === IPPROTO_MPTCP);
  return stream && s.conn.liveLocal !== null && s.conn.liveRemote !== null;
}

/** An unset address (`""`, `0.0.0.0`, `::`): matches any address, as an absent side does. */
function anyIp(ip: string): boolean {
  return ip === "" || canonicalIp(ip) === "0.0.0.0" || canonicalIp(ip) === "::";
}

/**
 * Whether a socket's live endpoint `have` can be the line's bound side `want`: an absent side,
 * port 0 (a port not learned yet, an `addr[…]` without one) and an unset address are wildcards
 * (§8.3).
 */
function endpointMatches(have: LiveEndpoint | null, want: LiveEndpoint | undefined): boolean {
  if (want === undefined) return true;
  if (have === null) return false;
  const portOk = want.port === 0 || have.port === 0 || want.port === have.port;
  return portOk && (anyIp(want.ip) || anyIp(have.ip) || canonicalIp(want.ip) === canonicalIp(have.ip));
}

/**
 * §8.3 "first socket whose live tuple matches", searched newest first: each socket, accepted
 * child and MP_JOIN subflow is put at the head of the fork's socket list, which is walked from
 * the head. Without bound sides the newest socket is the answer (the current socket of upstream
 * packetdrill, §5.5, whose scripts never name an older one). The socket found becomes current;
 * null when bound sides match no stream socket.
 */
function newestMatch(local: LiveEndpoint | undefined, remote: LiveEndpoint | undefined, fds: SocketTable): SocketEntry | null {
  const newest = fds.newestFirst();
  const s = local === undefined && remote === undefined
    ? newest[0]
    : newest.find((x) => isConnectedStream(x) && endpointMatches(x.conn.liveLocal, local) && endpointMatches(x.conn.liveRemote, remote));
  if (s) fds.current = s;
  return s ?? null;
}

/**
 * Binds the unbound `addr[…]` sides of a line that succeeded (§8.3): outbound src ← the socket's
 * live local, dst ← live remote; inbound src ← live remote, dst ← live local.
 */
export function bindTupleVariables(sp: ScriptTcpPacket, sock: SocketEntry, run: MptcpRunState): void {
  const { src, dst } = addrSides(sp);
  const { liveLocal, liveRemote } = sock.conn;
  const inbound = sp.direction === "inbound";
  const bind = (ref: ast.AddrRef | null, ep: LiveEndpoint | null): void => {
    if (ref !== null && ep !== null && ep.port !== 0 && run.addr(ref.name) === undefined) run.bindAddr(ref.name, ep);
  };
  bind(src, inbound ? liveRemote : liveLocal);
  bind(dst, inbound ? liveLocal : liveRemote);
}
