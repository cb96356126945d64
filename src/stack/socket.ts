/**
 * Sockets as the SUT adapter sees them: file descriptors, their bind/listen/connect state, the
 * accept queue of a listener, socket options and poll(2) readiness bits (Linux values).
 * Every call is non-blocking at this level; blocking is the adapter's job (advance virtual time
 * until `pollEvents` says ready).
 */
import type { IpAddress } from "../wire/address.ts";
import type { Stream } from "./stream.ts";

/** `poll(2)` event bits (Linux). */
export const POLL = { IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, RDHUP: 0x2000 } as const;

/** `shutdown(2)` directions. */
export type ShutdownHow = "rd" | "wr" | "rdwr";

/** Socket options the stack understands (names as in Linux, without the level). */
export type SockOpt =
  | "TCP_NODELAY" | "SO_RCVBUF" | "SO_SNDBUF" | "SO_REUSEADDR" | "SO_ERROR" | "SO_LINGER_ZERO" | "TCP_MAXSEG"
  | "MPTCP_CHECKSUM" | "MPTCP_BACKUP";

/** An address and port as the socket API passes them. */
export interface SockAddr {
  readonly address: string;
  readonly port: number;
}

/** A connection waiting in a listener's accept queue. */
export interface PendingAccept {
  readonly stream: Stream;
  readonly local: { readonly addr: IpAddress; readonly port: number };
  readonly remote: { readonly addr: IpAddress; readonly port: number };
}

/** One socket: what it is bound to, whether it listens, and its stream once connected. */
export interface Socket {
  readonly fd: number;
  readonly proto: "tcp" | "mptcp";
  local: { addr: IpAddress | undefined; port: number } | undefined;
  remote: { addr: IpAddress; port: number } | undefined;
  listen: { backlog: number; pending: PendingAccept[]; ready: PendingAccept[] } | undefined;
  stream: Stream | undefined;
  readRdShut: boolean;
  readonly options: Map<SockOpt, number>;
}

/** The poll(2) bits of a socket. */
export function socketEvents(s: Socket): number {
  if (s.listen) return s.listen.ready.length > 0 ? POLL.IN : 0;
  const st = s.stream;
  if (!st) return POLL.OUT | POLL.HUP;
  let ev = 0;
  if (st.readable || s.readRdShut) ev |= POLL.IN;
  if (st.writable) ev |= POLL.OUT;
  if (st.error !== undefined) ev |= POLL.ERR;
  if (st.eof) ev |= POLL.RDHUP;
  if (st.closed) ev |= POLL.HUP;
  return ev;
}
