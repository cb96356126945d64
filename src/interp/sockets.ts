/**
 * Sockets and file descriptors of one run (pkt-language.md §5.1, §5.5, §6.3): script fd ↔ live
 * fd aliases, the "current" socket, listen children and the choice of socket for a packet line.
 */
import type { Rng } from "../rng.ts";
import { formatIpAddress, parseIpAddress } from "../wire/address.ts";
import { ConnectionMapping, type LiveEndpoint } from "./mapping.ts";
import { MptcpRunState } from "./mptcp-state.ts";

/** The canonical text of an IP address (`2001:DB8::1` → `2001:db8::1`, `fd00::0` → `fd00::`). */
export function canonicalIp(ip: string): string {
  const b = parseIpAddress(ip);
  return b === undefined ? ip : formatIpAddress(b);
}

/** True when two endpoints name the same address (in any spelling) and port. */
export function sameEndpoint(a: LiveEndpoint | null, b: LiveEndpoint): boolean {
  return a !== null && a.port === b.port && canonicalIp(a.ip) === canonicalIp(b.ip);
}

/** packetdrill's socket states that matter for choosing a socket (§5.1). */
export type SocketPhase = "new" | "listening" | "connecting" | "child" | "established" | "closed";

/** One socket the script created (or a passive child the script's SYN created). */
export interface SocketEntry {
  readonly id: number;
  phase: SocketPhase;
  /** `IPPROTO_TCP`, `IPPROTO_MPTCP` … (0 = default TCP). */
  readonly protocol: number;
  readonly type: number;
  readonly conn: ConnectionMapping;
  /** The listening socket a child came from. */
  readonly parent: SocketEntry | null;
  /** Whether the script's fd for this socket is still open. */
  open: boolean;
}

/** A script fd: its live fd and, for sockets, the socket. */
export interface FdAlias {
  readonly scriptFd: number;
  readonly liveFd: number;
  readonly socket: SocketEntry | null;
}

/** All sockets and fds of one run. */
export class SocketTable {
  private readonly sockets: SocketEntry[] = [];
  private readonly fds = new Map<number, FdAlias>();
  private nextId = 1;
  /** The socket packet lines map to (§5.5): the newest socket() or passive child. */
  current: SocketEntry | null = null;
  /** The run's MPTCP variables and connections (§8.1). */
  readonly mptcp: MptcpRunState;

  /** `rng`: the run's seeded generator (MPTCP values the script leaves to the runner). */
  constructor(private nextEphemeralPort: number, rng: Rng) {
    this.mptcp = new MptcpRunState(rng);
  }

  /** Registers a socket() result and makes it current. */
  addSocket(scriptFd: number, liveFd: number, type: number, protocol: number): SocketEntry {
    const s: SocketEntry = { id: this.nextId++, phase: "new", protocol, type, conn: new ConnectionMapping(), parent: null, open: true };
    this.sockets.push(s);
    this.fds.set(scriptFd, { scriptFd, liveFd, socket: s });
    this.current = s;
    return s;
  }

  /** Registers a non-socket fd (pipe end, epoll fd, file). */
  addFd(scriptFd: number, liveFd: number, socket: SocketEntry | null = null): void {
    this.fds.set(scriptFd, { scriptFd, liveFd, socket });
  }

  /** The alias of a script fd, if any. */
  fd(scriptFd: number): FdAlias | undefined {
    return this.fds.get(scriptFd);
  }

  /** Forgets a script fd (after close()). */
  closeFd(scriptFd: number): void {
    const a = this.fds.get(scriptFd);
    if (a?.socket) a.socket.open = false;
    this.fds.delete(scriptFd);
  }

  /** Every live fd still aliased (closed at the end of the run). */
  openFds(): FdAlias[] {
    return [...this.fds.values()];
  }

  /** Every socket ever created, oldest first. */
  all(): readonly SocketEntry[] {
    return this.sockets;
  }

  /**
   * Every socket ever created, newest first: the order in which packetdrill searches its socket
   * list, to whose head each new socket, child and MP_JOIN subflow is added (§8.3).
   */
  newestFirst(): readonly SocketEntry[] {
    return [...this.sockets].reverse();
  }

  /**
   * §5.1 passive: a child for an inbound packet while the current socket is absent or listening.
   * Live remote = `remote_ip` + a fresh ephemeral port, live local = `local_ip:bind_port`.
   */
  addChild(parent: SocketEntry | null, local: LiveEndpoint, remoteIp: string): SocketEntry {
    const conn = new ConnectionMapping();
    conn.liveLocal = local;
    conn.liveRemote = { ip: remoteIp, port: this.nextEphemeralPort++ };
    if (this.nextEphemeralPort > 60999) this.nextEphemeralPort = 32768;
    const s: SocketEntry = {
      id: this.nextId++, phase: "child", protocol: parent?.protocol ?? 6, type: parent?.type ?? 1, conn, parent, open: false,
    };
    this.sockets.push(s);
    this.current = s;
    return s;
  }

  /** A fresh ephemeral port for a script-side endpoint (§5.1). */
  takeEphemeralPort(): number {
    const p = this.nextEphemeralPort++;
    if (this.nextEphemeralPort > 60999) this.nextEphemeralPort = 32768;
    return p;
  }

  /**
   * §8.3: a new MPTCP subflow (an MP_JOIN SYN's TCP connection) with the given live tuple. Its
   * parent is the connection's socket, never a listener, so accept() does not claim it; it
   * becomes current.
   */
  addSubflow(parent: SocketEntry | null, local: LiveEndpoint, remote: LiveEndpoint): SocketEntry {
    const conn = new ConnectionMapping();
    conn.liveLocal = local;
    conn.liveRemote = remote;
    const s: SocketEntry = { id: this.nextId++, phase: "child", protocol: parent?.protocol ?? 262, type: parent?.type ?? 1, conn, parent, open: false };
    this.sockets.push(s);
    this.current = s;
    return s;
  }

  /** The oldest child of `listener` that no accept() has claimed yet. */
  unacceptedChild(listener: SocketEntry): SocketEntry | undefined {
    const claimed = new Set([...this.fds.values()].map((a) => a.socket));
    return this.sockets.find((s) => s.parent === listener && !claimed.has(s) && s.phase !== "closed");
  }

  /** The socket whose live tuple is `local`/`remote` (from the SUT's point of view). */
  byLiveTuple(local: LiveEndpoint, remote: LiveEndpoint): SocketEntry | undefined {
    return this.sockets.find((s) => sameEndpoint(s.conn.liveLocal, local) && sameEndpoint(s.conn.liveRemote, remote));
  }

  /** A connecting socket whose SYN to `remote` has not been seen yet (§5.1 active). */
  connectingTo(remote: LiveEndpoint): SocketEntry | undefined {
    return this.sockets.find(
      (s) => s.phase === "connecting" && s.conn.liveLocal?.port === 0 &&
        sameEndpoint(s.conn.liveRemote, remote),
    );
  }
}
