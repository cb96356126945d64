/**
 * The socket calls of a host (the BSD socket API the SUT adapter drives, cf. RFC 9293 §3.10 user
 * calls): socket, bind, listen, accept, connect, send, recv, shutdown, close, setsockopt,
 * getsockopt, poll readiness, plus MPTCP path-management calls. Every call is non-blocking and
 * returns a {@link SysResult}; blocking is emulated by the caller over virtual time.
 */
import { type IpAddress, formatIpAddress, parseIpAddress } from "../wire/address.ts";
import { type Errno, ERRNO, type SysResult, sysErr, sysOk } from "./errno.ts";
import { Host, socketTcpConfig } from "./host.ts";
import { MptcpConnection } from "./mptcp/connection.ts";
import { type ShutdownHow, type SockAddr, type SockOpt, type Socket, socketEvents } from "./socket.ts";
import { TcpStream } from "./stream.ts";

/** A connection's state for tests and TCP_INFO-like queries. */
export interface SocketInfo {
  readonly tcpState: string | undefined;
  readonly srtt: number | undefined;
  readonly rto: number | undefined;
  readonly cwnd: number | undefined;
  readonly mptcp?: { readonly fallback: boolean; readonly checksum: boolean; readonly subflows: number; readonly localKey: bigint; readonly remoteKey: bigint | undefined; readonly counters: Readonly<Record<string, number>> };
}

function isErrno(v: unknown): v is Errno {
  return typeof v === "number";
}

/** A host with sockets. */
export class SocketHost extends Host {
  private nextFd = 3;

  private sock(fd: number): Socket | undefined {
    return this.sockets.get(fd);
  }

  /** socket(AF_INET/AF_INET6, SOCK_STREAM, IPPROTO_TCP or IPPROTO_MPTCP): a new file descriptor. */
  socket(proto: "tcp" | "mptcp"): number {
    const fd = this.nextFd++;
    this.sockets.set(fd, { fd, proto, local: undefined, remote: undefined, listen: undefined, stream: undefined, readRdShut: false, options: new Map() });
    return fd;
  }

  /** bind(2): `address` may be `0.0.0.0` / `::` (any). */
  bind(fd: number, address: string, port: number): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (s.local) return sysErr(ERRNO.EINVAL);
    const ip = parseIpAddress(address);
    if (!ip) return sysErr(ERRNO.EINVAL);
    const any = ip.every((b) => b === 0);
    if (!any && !this.isLocal(ip)) return sysErr(ERRNO.EADDRNOTAVAIL);
    for (const o of this.sockets.values()) if (o.local?.port === port && port !== 0 && o.listen) return sysErr(ERRNO.EADDRINUSE);
    s.local = { addr: any ? undefined : ip, port: port === 0 ? this.ephemeralPort() : port };
    return sysOk(undefined);
  }

  /** listen(2). */
  listen(fd: number, backlog: number): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (s.stream) return sysErr(ERRNO.EINVAL);
    s.local ??= { addr: undefined, port: this.ephemeralPort() };
    s.listen ??= { backlog: Math.max(0, backlog), pending: [], ready: [] };
    s.listen.backlog = Math.max(0, backlog);
    return sysOk(undefined);
  }

  /** accept(2): EAGAIN when the queue is empty. */
  accept(fd: number): SysResult<{ fd: number; peer: SockAddr }> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (!s.listen) return sysErr(ERRNO.EINVAL);
    const p = s.listen.ready.shift();
    if (!p) return sysErr(ERRNO.EAGAIN);
    const nfd = this.socket(s.proto);
    const n = this.sock(nfd) as Socket;
    n.local = { addr: p.local.addr, port: p.local.port };
    n.remote = { addr: p.remote.addr, port: p.remote.port };
    n.stream = p.stream;
    for (const [k, v] of s.options) n.options.set(k, v);
    return sysOk({ fd: nfd, peer: { address: formatIpAddress(p.remote.addr), port: p.remote.port } });
  }

  /** connect(2): starts the handshake and answers EINPROGRESS; later calls give EALREADY, EISCONN or the error. */
  connect(fd: number, address: string, port: number): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (s.listen) return sysErr(ERRNO.EISCONN);
    if (s.stream) {
      if (s.stream.error !== undefined) return sysErr(s.stream.error);
      return sysErr(s.stream.connected ? ERRNO.EISCONN : ERRNO.EALREADY);
    }
    const remote = parseIpAddress(address);
    if (!remote) return sysErr(ERRNO.EINVAL);
    const localAddr = s.local?.addr ?? this.addresses.find((a) => a.length === remote.length);
    if (!localAddr) return sysErr(ERRNO.EADDRNOTAVAIL);
    const local = { addr: localAddr, port: s.local?.port ?? this.ephemeralPort() };
    s.local = local;
    s.remote = { addr: remote, port };
    s.stream = this.openActive(s.proto, local, { addr: remote, port }, socketTcpConfig(this.tcpConfig, s));
    return sysErr(ERRNO.EINPROGRESS);
  }

  /** send(2)/write(2): bytes taken, EAGAIN when the buffer is full, EPIPE after shutdown. */
  send(fd: number, data: Uint8Array): SysResult<number> {
    const st = this.sock(fd)?.stream;
    if (!st) return sysErr(this.sock(fd) ? ERRNO.ENOTCONN : ERRNO.EBADF);
    if (!st.connected && st.error === undefined) return sysErr(ERRNO.EAGAIN);
    return st.send(data);
  }

  /** recv(2)/read(2): up to `max` bytes; empty at EOF; EAGAIN when nothing is there. */
  recv(fd: number, max: number): SysResult<Uint8Array> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (!s.stream) return sysErr(ERRNO.ENOTCONN);
    if (s.readRdShut && s.stream.unread === 0) return sysOk(new Uint8Array(0));
    const r = s.stream.recv(max);
    return isErrno(r) ? sysErr(r) : sysOk(r);
  }

  /** shutdown(2). */
  shutdown(fd: number, how: ShutdownHow): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (!s.stream) return sysErr(ERRNO.ENOTCONN);
    if (how !== "wr") s.readRdShut = true;
    if (how !== "rd") s.stream.shutdownWrite();
    return sysOk(undefined);
  }

  /**
   * close(2): FIN (DATA_FIN) after queued data; RST (MP_FASTCLOSE) when unread data remains
   * (RFC 9293 §3.10.4 leaves this to the implementation; Linux resets) or with SO_LINGER {1, 0}.
   */
  close(fd: number): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    this.sockets.delete(fd);
    if (s.listen) for (const p of [...s.listen.pending, ...s.listen.ready]) p.stream.abort();
    const st = s.stream;
    if (st) {
      if (st.unread > 0 || s.options.get("SO_LINGER_ZERO") === 1) st.abort();
      else st.shutdownWrite();
    }
    return sysOk(undefined);
  }

  /** setsockopt(2) for the options in {@link SockOpt}. */
  setsockopt(fd: number, opt: SockOpt, value: number): SysResult<void> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (opt === "SO_ERROR") return sysErr(ERRNO.ENOPROTOOPT);
    s.options.set(opt, value);
    if (opt === "TCP_NODELAY" && s.stream instanceof TcpStream) (s.stream.tcp.cfg as { noDelay: boolean }).noDelay = value !== 0;
    return sysOk(undefined);
  }

  /** getsockopt(2); SO_ERROR returns and clears the pending error. */
  getsockopt(fd: number, opt: SockOpt): SysResult<number> {
    const s = this.sock(fd);
    if (!s) return sysErr(ERRNO.EBADF);
    if (opt === "SO_ERROR") return sysOk(s.stream?.error ?? 0);
    if (opt === "TCP_MAXSEG" && s.stream instanceof TcpStream) return sysOk(s.stream.tcp.effectiveMss);
    const defaults: Partial<Record<SockOpt, number>> = { SO_RCVBUF: this.tcpConfig.rcvBuf, SO_SNDBUF: this.tcpConfig.sndBuf, TCP_NODELAY: 0, TCP_MAXSEG: this.tcpConfig.mss };
    return sysOk(s.options.get(opt) ?? defaults[opt] ?? 0);
  }

  /** The poll(2) `revents` of a socket (POLL bits in socket.ts). */
  pollEvents(fd: number): number {
    const s = this.sock(fd);
    return s ? socketEvents(s) : 0x20; // POLLNVAL
  }

  /** getsockname(2). */
  getsockname(fd: number): SysResult<SockAddr> {
    const l = this.sock(fd)?.local;
    if (!l) return sysErr(ERRNO.EINVAL);
    return sysOk({ address: l.addr ? formatIpAddress(l.addr) : "0.0.0.0", port: l.port });
  }

  /** getpeername(2). */
  getpeername(fd: number): SysResult<SockAddr> {
    const r = this.sock(fd)?.remote;
    if (!r) return sysErr(ERRNO.ENOTCONN);
    return sysOk({ address: formatIpAddress(r.addr), port: r.port });
  }

  /** The MPTCP connection behind `fd`, if the socket is MPTCP and connected. */
  mptcpOf(fd: number): MptcpConnection | undefined {
    const st = this.sock(fd)?.stream;
    return st instanceof MptcpConnection ? st : undefined;
  }

  /** Announces local `address` with ADD_ADDR on the connection of `fd` (RFC 8684 §3.4.1). */
  mptcpAnnounce(fd: number, address: string, id: number, port?: number): SysResult<void> {
    const mp = this.mptcpOf(fd);
    const ip = parseIpAddress(address);
    if (!mp || !ip || !this.isLocal(ip)) return sysErr(ERRNO.EINVAL);
    mp.pm.announce(id, ip, port);
    return sysOk(undefined);
  }

  /** Opens an MP_JOIN subflow from local `address` to the peer (its initial address by default). */
  mptcpJoin(fd: number, address: string, opts: { remote?: SockAddr; backup?: boolean; remoteId?: number } = {}): SysResult<void> {
    const mp = this.mptcpOf(fd);
    const ip = parseIpAddress(address);
    const init = mp?.initial?.tcp;
    if (!mp || !ip || !init || !this.isLocal(ip)) return sysErr(ERRNO.EINVAL);
    const rip: IpAddress | undefined = opts.remote ? parseIpAddress(opts.remote.address) : init.remote.addr;
    if (!rip) return sysErr(ERRNO.EINVAL);
    const sf = this.openJoin(mp, ip, { addr: rip, port: opts.remote?.port ?? init.remote.port }, opts.backup ?? false, opts.remoteId ?? 0);
    return sf ? sysOk(undefined) : sysErr(ERRNO.EINVAL);
  }

  /** Connection details of `fd`. */
  info(fd: number): SysResult<SocketInfo> {
    const st = this.sock(fd)?.stream;
    if (!st) return sysErr(ERRNO.ENOTCONN);
    const tcp = st instanceof TcpStream ? st.tcp : st instanceof MptcpConnection ? st.initial?.tcp : undefined;
    const base = { tcpState: tcp?.state, srtt: tcp?.rtt.srtt, rto: tcp?.rtt.rto, cwnd: tcp?.cong.cwnd };
    if (!(st instanceof MptcpConnection)) return sysOk(base);
    return sysOk({
      ...base,
      mptcp: { fallback: st.fallback, checksum: st.checksum, subflows: st.subflows.length, localKey: st.local.key, remoteKey: st.remote?.key, counters: { ...st.counters } },
    });
  }
}
