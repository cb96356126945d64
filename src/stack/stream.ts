/**
 * The byte stream behind a connected socket, whatever carries it: one TCP connection
 * (RFC 9293) or an MPTCP connection over subflows (RFC 8684). The socket layer only sees this.
 */
import { type Errno, ERRNO, type SysResult, sysErr } from "./errno.ts";
import type { TcpConnection } from "./tcp/connection.ts";

/** What a socket asks of its connection. */
export interface Stream {
  /** Queues bytes; returns how many were taken, or an errno (EAGAIN when the buffer is full). */
  send(data: Uint8Array): SysResult<number>;
  /** Takes up to `max` bytes; empty at EOF; EAGAIN when nothing has arrived. */
  recv(max: number): Uint8Array | Errno;
  /** No more sending: FIN (or DATA_FIN) after the queued data. */
  shutdownWrite(): void;
  /** Abortive close: RST (or MP_FASTCLOSE). */
  abort(): void;
  /** The handshake completed (the socket is connected). */
  readonly connected: boolean;
  /** Nothing more will happen on this stream. */
  readonly closed: boolean;
  /** Data, EOF or an error is there to read. */
  readonly readable: boolean;
  /** Room in the send buffer and still allowed to send. */
  readonly writable: boolean;
  /** The pending error (SO_ERROR), if any. */
  readonly error: Errno | undefined;
  /** Bytes received and not yet read. */
  readonly unread: number;
  /** The peer closed its sending side. */
  readonly eof: boolean;
}

/** A plain TCP connection as a {@link Stream}. */
export class TcpStream implements Stream {
  constructor(readonly tcp: TcpConnection) {}

  send(data: Uint8Array): SysResult<number> {
    if (this.tcp.state === "SynSent" || this.tcp.state === "SynReceived") return sysErr(ERRNO.EAGAIN);
    return this.tcp.send(data);
  }
  recv(max: number): Uint8Array | Errno {
    return this.tcp.recv(max);
  }
  shutdownWrite(): void {
    this.tcp.shutdownWrite();
  }
  abort(): void {
    this.tcp.abort();
  }
  get connected(): boolean {
    return this.tcp.wasEstablished;
  }
  get closed(): boolean {
    return this.tcp.state === "Closed" && !this.tcp.rstPending;
  }
  get readable(): boolean {
    return this.tcp.recvQueue.length > 0 || this.tcp.finReceived || this.tcp.error !== undefined;
  }
  get writable(): boolean {
    const s = this.tcp.state;
    return (s === "Established" || s === "CloseWait") && !this.tcp.finQueued && this.tcp.sendBuf.length < this.tcp.cfg.sndBuf;
  }
  get error(): Errno | undefined {
    return this.tcp.error;
  }
  get unread(): number {
    return this.tcp.recvQueue.length;
  }
  get eof(): boolean {
    return this.tcp.finReceived;
  }
}
