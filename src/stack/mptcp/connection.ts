/**
 * One MPTCP connection (RFC 8684 §2, §3.3): keys, the data-level send buffer and Data ACK
 * processing, data-level reassembly, DATA_FIN (§3.3.3), fallback to TCP (§3.7), MP_FAIL (§3.7)
 * and MP_FASTCLOSE (§3.5). It is the socket's {@link Stream}; subflows are in subflow.ts.
 */
import { type Errno, ERRNO, type SysResult, sysErr, sysOk } from "../errno.ts";
import { type Duration, type Instant, MILLIS, SECONDS, minInstant } from "../instant.ts";
import type { Rng } from "../../rng.ts";
import type { Stream } from "../stream.ts";
import { ByteQueue } from "../tcp/buffers.ts";
import type { Endpoint, TcpConfig, TcpConnection } from "../tcp/connection.ts";
import { MPC_FLAG } from "../../wire/mptcp-options.ts";
import { type KeyMaterial, generateKey, keyMaterial } from "./keys.ts";
import { PathManager } from "./pm.ts";
import { DataReassembly } from "./reassembly.ts";
import { pickSubflow } from "./scheduler.ts";
import type { Subflow } from "./subflow.ts";
import { type MptcpBehaviour, hookDisabled } from "./test-hooks.ts";
import type { TokenTable } from "./token.ts";

/** MPTCP tunables. */
export interface MptcpConfig {
  /** Ask for DSS checksums (the A flag, RFC 8684 §3.1). */
  readonly checksum: boolean;
  /** Connection-level receive buffer. */
  readonly rcvBuf: number;
  /** Connection-level send buffer. */
  readonly sndBuf: number;
  /** Retransmission interval of an unechoed ADD_ADDR (Linux add_addr_timeout, 120 s). */
  readonly addAddrTimeout: Duration;
  /** ADD_ADDR retransmissions before giving up. */
  readonly addAddrRetries: number;
  /** Open a subflow to each address the peer announces. */
  readonly joinAnnounced: boolean;
  /** Test hook (test-hooks.ts): behaviours switched off for a mutation check; never set outside tests. */
  readonly disabled?: readonly MptcpBehaviour[];
}

/** Defaults: no checksum (Linux default), 128 KiB buffers, ADD_ADDR every 120 s, at most 3 retransmissions. */
export const DEFAULT_MPTCP_CONFIG: MptcpConfig = {
  checksum: false, rcvBuf: 131072, sndBuf: 131072, addAddrTimeout: 120 * SECONDS, addAddrRetries: 3, joinAnnounced: false,
};

/** What an MPTCP connection needs from its host. */
export interface MptcpHost {
  readonly rng: Rng;
  readonly tokens: TokenTable<MptcpConnection>;
  readonly tcpConfig: TcpConfig;
  readonly mptcpConfig: MptcpConfig;
  /** Local addresses, in order (address IDs are assigned from this list). */
  readonly addresses: readonly Uint8Array[];
  /** Opens a joining subflow from `local` to `remote` (MP_JOIN initiator). */
  openJoin(mp: MptcpConnection, local: Endpoint | Uint8Array, remote: Endpoint, backup: boolean, remoteAddressId: number): Subflow | undefined;
}

/** A connection-level event worth a look in tests and MPTCP_INFO-like queries. */
export interface MptcpCounters {
  mpFailTx: number; mpFailRx: number; infiniteMapTx: number; infiniteMapRx: number;
  fastcloseTx: number; fastcloseRx: number; addAddrTx: number; addAddrEchoRx: number; addAddrRejected: number;
  /** Unmapped data after our MP_FAIL on the only subflow, taken as the peer's (lost) infinite mapping. */
  implicitInfiniteMapRx: number;
}

/** The MPTCP connection. */
export class MptcpConnection implements Stream {
  readonly local: KeyMaterial;
  remote: KeyMaterial | undefined;
  /** DSS checksums in use (CS-01: if either side set A). */
  checksum: boolean;
  /** Fell back to plain TCP (RFC 8684 §3.7); no MPTCP options are sent any more (FB-06). */
  fallback = false;
  /** We sent MP_FAIL on the only subflow and wait for the peer's infinite mapping (RFC 8684 §3.7). */
  mpFailSent = false;
  /** The peer has sent a DSS: the client may stop sending MP_CAPABLE with data (MPC-07). */
  peerSpokeDss = false;
  readonly subflows: Subflow[] = [];
  readonly pm: PathManager;
  error: Errno | undefined;
  readonly counters: MptcpCounters = {
    mpFailTx: 0, mpFailRx: 0, infiniteMapTx: 0, infiniteMapRx: 0, fastcloseTx: 0, fastcloseRx: 0,
    addAddrTx: 0, addAddrEchoRx: 0, addAddrRejected: 0, implicitInfiniteMapRx: 0,
  };

  // Data-level send side.
  readonly sendBuf = new ByteQueue();
  dataUna: bigint;
  dataNxt: bigint;
  /** Right edge of the peer's data-level window (DSS-06). */
  sndWndRight: bigint;
  dataFinQueued = false;
  dataFinDsn: bigint | undefined;
  dataFinAcked = false;
  dataFinRtxAt: Instant | undefined;

  // Data-level receive side.
  readonly recvQueue = new ByteQueue();
  readonly reassembly = new DataReassembly();
  dataRcvNxt = 0n;
  peerDataFinDsn: bigint | undefined;
  eof = false;

  constructor(readonly host: MptcpHost, readonly role: "client" | "server") {
    this.local = generateKey(host.rng, host.tokens);
    host.tokens.add(this.local.token, this);
    this.checksum = host.mptcpConfig.checksum;
    this.dataUna = this.local.idsn + 1n;
    this.dataNxt = this.dataUna;
    this.sndWndRight = this.dataUna;
    this.pm = new PathManager(this);
  }

  /** The initial subflow. */
  get initial(): Subflow | undefined {
    return this.subflows[0];
  }

  /** Learns the peer's key (SYN/ACK on the client, third ACK on the server). */
  setRemoteKey(remote: KeyMaterial): void {
    this.remote = remote;
    this.dataRcvNxt = remote.idsn + 1n;
  }

  /** The peer's key from MP_CAPABLE, with its flags (CS-01: A from either side turns checksums on). */
  acceptPeerKey(key: bigint, flags: number): void {
    this.setRemoteKey(keyMaterial(key));
    if (flags & MPC_FLAG.A) this.checksum = true;
  }

  /** Falls back to TCP on the initial subflow (RFC 8684 §3.7, MPC-06, MPC-10, FB-03). */
  enterFallback(): void {
    if (this.fallback) return;
    this.fallback = true;
    // Bytes gathered for mappings not yet complete (checksum pending) are data-stream bytes now.
    for (const sf of this.subflows) for (const p of sf.rx.drainPartial()) this.onMappedData(p.dsn, p.data);
  }

  // ------------------------------------------------------------------ Stream

  send(data: Uint8Array): SysResult<number> {
    if (this.error !== undefined) return sysErr(this.error);
    if (this.dataFinQueued) return sysErr(ERRNO.EPIPE);
    if (!this.connected) return sysErr(ERRNO.EAGAIN);
    const room = this.host.mptcpConfig.sndBuf - this.sendBuf.length;
    if (room <= 0) return sysErr(ERRNO.EAGAIN);
    const n = Math.min(room, data.length);
    this.sendBuf.push(data.subarray(0, n));
    return sysOk(n);
  }

  recv(max: number): Uint8Array | Errno {
    if (this.recvQueue.length > 0) {
      const before = this.receiveWindow();
      const out = this.recvQueue.take(max);
      if (before < 2 * 1460 && this.receiveWindow() >= 2 * 1460) for (const sf of this.subflows) sf.tcp.ackNow = true;
      return out;
    }
    if (this.error !== undefined) return this.error;
    if (this.eof) return new Uint8Array(0);
    return this.closed ? ERRNO.ENOTCONN : ERRNO.EAGAIN;
  }

  shutdownWrite(): void {
    if (this.dataFinQueued) return;
    this.dataFinQueued = true;
    if (!this.connected) for (const sf of this.subflows) sf.tcp.shutdownWrite();
  }

  abort(): void {
    if (this.fallback || this.remote === undefined) {
      for (const sf of this.subflows) sf.tcp.abort();
      return;
    }
    // RFC 8684 §3.5: MP_FASTCLOSE carries "the Option Receiver's Key"; we send it with RST on every subflow (FC-02).
    this.counters.fastcloseTx++;
    for (const sf of this.subflows) sf.reset(0, true);
  }

  get connected(): boolean {
    const sf = this.initial;
    return sf !== undefined && sf.tcp.wasEstablished && (this.fallback || this.remote !== undefined);
  }

  get closed(): boolean {
    return this.subflows.every((sf) => sf.tcp.state === "Closed" || sf.tcp.state === "TimeWait");
  }

  get readable(): boolean {
    return this.recvQueue.length > 0 || this.eof || this.error !== undefined;
  }

  get writable(): boolean {
    return this.connected && !this.dataFinQueued && this.error === undefined && this.sendBuf.length < this.host.mptcpConfig.sndBuf;
  }

  get unread(): number {
    return this.recvQueue.length;
  }

  /** Connection-level receive window (RFC 8684 §3.3.4: the window is shared by all subflows). */
  receiveWindow(): number {
    return Math.max(0, this.host.mptcpConfig.rcvBuf - this.recvQueue.length - this.reassembly.bufferedBytes);
  }

  // ------------------------------------------------------------------ data level, inbound

  /** A Data ACK arrived (RFC 8684 §3.3.2); `window` is the subflow's scaled window field. */
  onDataAck(ack: bigint, window: number | undefined): void {
    const top = this.dataFinDsn !== undefined ? this.dataFinDsn + 1n : this.dataNxt;
    if (ack > top) return;
    if (window !== undefined && ack + BigInt(window) > this.sndWndRight) this.sndWndRight = ack + BigInt(window);
    if (ack <= this.dataUna) return;
    const n = Number(ack - this.dataUna);
    this.sendBuf.drop(Math.min(n, this.sendBuf.length));
    this.dataUna = ack;
    if (this.dataFinDsn !== undefined && ack > this.dataFinDsn) {
      // DSS-07: the DATA_FIN's one octet is acknowledged too; nothing is left to schedule after it.
      if (this.dataNxt < ack) this.dataNxt = ack;
      this.dataFinAcked = true;
      this.dataFinRtxAt = undefined;
      this.maybeCloseSubflows();
    }
  }

  /** In-order data at `dsn` from some subflow. */
  onMappedData(dsn: bigint, data: Uint8Array): void {
    this.reassembly.insert(dsn, data);
    for (const piece of this.reassembly.take(this.dataRcvNxt)) {
      this.recvQueue.push(piece);
      this.dataRcvNxt += BigInt(piece.length);
    }
    this.checkPeerDataFin();
  }

  /** The peer's DATA_FIN at `dsn` (RFC 8684 §3.3.3). */
  onDataFin(dsn: bigint): void {
    this.peerDataFinDsn ??= dsn;
    this.checkPeerDataFin();
    for (const sf of this.subflows) sf.tcp.ackNow = true;
  }

  private checkPeerDataFin(): void {
    if (this.eof || this.peerDataFinDsn === undefined || this.peerDataFinDsn !== this.dataRcvNxt) return;
    // RFC 8684 §3.3.3: "The DATA_FIN ... has a length of 1 octet", so the Data ACK moves past it.
    if (!hookDisabled(this.host.mptcpConfig.disabled, "dataFinOctet")) this.dataRcvNxt += 1n;
    this.eof = true;
    this.maybeCloseSubflows();
  }

  /** Fallback data (no mappings: the subflow's byte stream is the data stream). */
  onFallbackData(data: Uint8Array): void {
    this.recvQueue.push(data);
    this.dataRcvNxt += BigInt(data.length);
  }

  /** Fallback FIN: end of the data stream. */
  onFallbackFin(): void {
    this.eof = true;
  }

  /**
   * A DSS checksum failed on `sf` for the mapping at `dsn` (RFC 8684 §3.7, CS-03, CS-04).
   * "If the checksum fails, ... the receiver MUST send an MP_FAIL"; with other subflows, that subflow is reset.
   * On the only subflow the peer answers with an infinite mapping that "acts retroactively", so the
   * subflow's bytes, `data` included, are the data stream from here on: they are delivered as they came.
   */
  onChecksumFailure(sf: Subflow, dsn: bigint, data: Uint8Array): void {
    this.counters.mpFailTx++;
    sf.pendingMpFail = dsn;
    sf.tcp.ackNow = true;
    if (this.subflows.filter((s) => s.tcp.state !== "Closed").length > 1) return sf.reset(0x01, false);
    // Single subflow: RFC 8684 §3.7 reverts to TCP with an infinite mapping that "acts retroactively",
    // so the subflow's bytes are the data stream; like Linux, deliver the failed mapping as it came
    // (holding it without a Data ACK stalls a peer whose send buffer waits for that Data ACK).
    this.mpFailSent = true;
    this.onMappedData(dsn, data);
  }

  /** The peer's infinite mapping (CS-05): fall back to TCP. */
  onInfiniteMapping(): void {
    this.counters.infiniteMapRx++;
    this.enterFallback();
  }

  /**
   * MP_FAIL from the peer on the only subflow (CS-04). When we sent MP_FAIL first, this is the
   * peer's response and we wait for its infinite mapping. Otherwise RFC 8684 §3.7: the sender
   * "will signal an infinite mapping" on "the first new packet", and "the receiver of an MP_FAIL
   * MUST also respond with an MP_FAIL in the reverse direction and entirely revert to a regular TCP session".
   */
  onMpFail(sf: Subflow, dsn: bigint): void {
    this.counters.mpFailRx++;
    if (this.subflows.length > 1 || this.mpFailSent || this.fallback) return;
    sf.pendingMpFail = this.dataRcvNxt;
    sf.pendingInfiniteMap = dsn;
    sf.tcp.ackNow = true;
  }

  /** The peer's MP_FASTCLOSE carried our key (FC-01, FC-03): reset every subflow. */
  onFastClose(): void {
    this.counters.fastcloseRx++;
    this.error = ERRNO.ECONNRESET;
    for (const sf of this.subflows) if (sf.tcp.state !== "Closed") sf.reset(0, false);
  }

  /** A subflow closed: report the connection's error if it was the last one. */
  onSubflowClosed(sf: Subflow): void {
    this.pm.onSubflowClosed(sf);
    if (this.subflows.every((s) => s.tcp.state === "Closed") && sf.tcp.error !== undefined && !this.eof) this.error ??= sf.tcp.error;
  }

  /** RFC 8684 §3.3.3: once both DATA_FINs are acknowledged, the subflows are closed with FIN. */
  private maybeCloseSubflows(): void {
    if (this.eof && this.dataFinAcked) for (const sf of this.subflows) sf.tcp.shutdownWrite();
  }

  // ------------------------------------------------------------------ data level, outbound

  /** Timers and scheduling; called by the host before its subflows are polled. */
  poll(now: Instant): void {
    if (this.dataFinRtxAt !== undefined && this.dataFinRtxAt <= now && !this.dataFinAcked) {
      const sf = this.usableSubflows()[0];
      if (sf) sf.sendDataFin = true, (sf.tcp.ackNow = true);
      this.dataFinRtxAt = now + (sf?.tcp.rtt.rto ?? SECONDS);
    }
    for (const sf of this.subflows) sf.poll(now);
    this.pm.poll(now);
    this.schedule(now);
  }

  /** When this connection next needs a poll (its own timers; subflow TCP timers are the host's). */
  pollAt(): Instant | undefined {
    let t = this.dataFinRtxAt;
    for (const sf of this.subflows) t = minInstant(t, sf.pollAt());
    return minInstant(t, this.pm.pollAt());
  }

  private usableSubflows(): Subflow[] {
    return this.subflows.filter((sf) => sf.usable);
  }

  /** Hands unscheduled data to subflows (scheduler.ts), then the DATA_FIN. */
  private schedule(now: Instant): void {
    if (!this.connected) return;
    for (let guard = 0; guard < 100_000; guard++) {
      const offset = Number(this.dataNxt - this.dataUna);
      const unsent = this.sendBuf.length - offset;
      if (unsent <= 0) break;
      // Before any Data ACK, the initial subflow's TCP window stands for the connection's (DSS-06).
      const right = this.peerSpokeDss ? this.sndWndRight : this.dataUna + BigInt(this.initial?.tcp.sndWnd ?? 0);
      const allowed = this.fallback ? unsent : Number(right - this.dataNxt);
      if (allowed <= 0) break;
      const i = pickSubflow(this.subflows.map((sf) => sf.schedInfo()));
      const sf = i === undefined ? undefined : this.subflows[i];
      if (!sf) break;
      const len = Math.min(unsent, allowed, sf.payloadMss, sf.schedInfo().room);
      sf.queue(this.dataNxt, this.sendBuf.peek(offset, len));
      this.dataNxt += BigInt(len);
    }
    this.scheduleDataFin(now);
  }

  private scheduleDataFin(now: Instant): void {
    if (!this.dataFinQueued || this.dataFinDsn !== undefined) return;
    if (Number(this.dataNxt - this.dataUna) < this.sendBuf.length) return;
    if (this.fallback) {
      for (const sf of this.subflows) sf.tcp.shutdownWrite();
      this.dataFinDsn = this.dataNxt;
      return;
    }
    const sf = this.usableSubflows()[0];
    if (!sf) return;
    // RFC 8684 §3.3.3: "the DATA_FIN ... MUST be ... acknowledged at the connection level"; it is retransmitted until then.
    this.dataFinDsn = this.dataNxt;
    sf.sendDataFin = true;
    sf.tcp.ackNow = true;
    this.dataFinRtxAt = now + Math.max(200 * MILLIS, sf.tcp.rtt.rto);
  }
}
