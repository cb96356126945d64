/**
 * The reference side's application: one MPTCP (or TCP) socket that sends N bytes and reads to
 * EOF at the same time, hashing both directions, then closes (DATA_FIN, RFC 8684 §3.3.3). It is
 * a `tick()` for the {@link RealtimeLoop}: non-blocking socket calls only. Path management is
 * optional: announce a second address (ADD_ADDR, §3.4.1) or join one the kernel announced (§3.2).
 */
import { createHash, randomBytes, type Hash } from "node:crypto";
import type { SocketHost } from "../stack/host-sockets.ts";

/** What the application does. */
export interface RefAppSpec {
  readonly role: "client" | "server";
  /** Client: where to connect. Server: the port to listen on (`address` ignored). */
  readonly address: string;
  readonly port: number;
  readonly sendBytes: number;
  /** Announce this local address (ADD_ADDR, address ID 1) once connected. */
  readonly announce?: string;
  /** Join the first address the peer announces, from this local address (MP_JOIN). */
  readonly joinFrom?: string;
  /** Keep the received bytes (to check a known corruption). */
  readonly keepReceived?: boolean;
}

function shaWithFlip(parts: readonly Uint8Array[], offset: number, xor: number): string {
  const h = createHash("sha256");
  let at = 0;
  for (const p of parts) {
    if (offset >= at && offset < at + p.length) {
      const c = p.slice();
      c[offset - at] = (c[offset - at] as number) ^ xor;
      h.update(c);
    } else h.update(p);
    at += p.length;
  }
  return h.digest("hex");
}

/** Byte counts and hashes of a finished run. */
export interface RefAppResult {
  readonly sentBytes: number;
  readonly sentSha: string;
  readonly recvBytes: number;
  readonly recvSha: string;
  readonly eof: boolean;
  readonly closed: boolean;
  readonly error: number | undefined;
}

const CHUNK = 65536;

/** The application state machine; {@link RefApp.tick} returns true when the exchange is over. */
export class RefApp {
  fd = -1;
  private listenFd = -1;
  private readonly data: Uint8Array;
  private sent = 0;
  private received = 0;
  private readonly sentHash: Hash = createHash("sha256");
  private readonly recvHash: Hash = createHash("sha256");
  private readonly kept: Uint8Array[] = [];
  private eof = false;
  private wrShut = false;
  private closedAt = false;
  private announced = false;
  private joined = false;
  error: number | undefined;

  constructor(private readonly host: SocketHost, readonly spec: RefAppSpec) {
    this.data = randomBytes(spec.sendBytes);
    this.sentHash.update(this.data);
    if (spec.role === "server") {
      this.listenFd = host.socket("mptcp");
      host.bind(this.listenFd, "0.0.0.0", spec.port);
      host.listen(this.listenFd, 4);
    } else {
      this.fd = host.socket("mptcp");
      host.connect(this.fd, spec.address, spec.port);
    }
  }

  /** One pass of socket calls; true once both directions are done and the socket is closed. */
  tick(): boolean {
    if (this.fd < 0) {
      const a = this.host.accept(this.listenFd);
      if (!a.ok) return false;
      this.fd = a.value.fd;
      this.host.close(this.listenFd);
    }
    if (this.closedAt) return true;
    const mp = this.host.mptcpOf(this.fd);
    if (mp && !mp.connected && mp.error === undefined) return false;
    this.pathManagement();
    this.write();
    this.read();
    const err = mp?.error;
    if (err !== undefined) this.error = err;
    const dataFinAcked = !mp || mp.fallback ? true : mp.dataFinAcked;
    if ((this.eof && this.wrShut && dataFinAcked) || this.error !== undefined) {
      this.host.close(this.fd);
      this.closedAt = true;
      return true;
    }
    return false;
  }

  private pathManagement(): void {
    const mp = this.host.mptcpOf(this.fd);
    if (!mp || mp.fallback) return;
    if (this.spec.announce && !this.announced) this.announced = this.host.mptcpAnnounce(this.fd, this.spec.announce, 1).ok;
    if (this.spec.joinFrom && !this.joined) {
      const [peer] = mp.pm.remoteAddrs.values();
      if (!peer || !mp.initial) return;
      const address = [...peer.address].join(".");
      const port = peer.port ?? mp.initial.tcp.remote.port;
      this.joined = this.host.mptcpJoin(this.fd, this.spec.joinFrom, { remote: { address, port }, remoteId: peer.id }).ok;
    }
  }

  private write(): void {
    while (this.sent < this.data.length) {
      const r = this.host.send(this.fd, this.data.subarray(this.sent, Math.min(this.data.length, this.sent + CHUNK)));
      if (!r.ok) return;
      this.sent += r.value;
    }
    if (!this.wrShut) this.wrShut = this.host.shutdown(this.fd, "wr").ok;
  }

  private read(): void {
    while (!this.eof) {
      const r = this.host.recv(this.fd, 1 << 20);
      if (!r.ok) return;
      if (r.value.length === 0) this.eof = true;
      this.recvHash.update(r.value);
      if (this.spec.keepReceived) this.kept.push(r.value);
      this.received += r.value.length;
    }
  }

  /** SHA-256 of the sent bytes with the byte at `offset` XORed with `xor`. */
  sentShaWithFlip(offset: number, xor: number): string {
    return shaWithFlip([this.data], offset, xor);
  }

  /** SHA-256 of the received bytes (kept with `keepReceived`) with the byte at `offset` XORed with `xor`. */
  receivedShaWithFlip(offset: number, xor: number): string {
    return shaWithFlip(this.kept, offset, xor);
  }

  /** The outcome (hashes are final once called). */
  result(): RefAppResult {
    return {
      sentBytes: this.sent, sentSha: this.sentHash.digest("hex"), recvBytes: this.received, recvSha: this.recvHash.digest("hex"),
      eof: this.eof, closed: this.closedAt, error: this.error,
    };
  }
}
