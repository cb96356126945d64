/**
 * The Transmission Control Block of one TCP connection (RFC 9293 §3.3.1) with its user calls
 * (RFC 9293 §3.10.1–§3.10.6: send, receive, close, abort) and its sans-IO drive: `input` takes a
 * segment, `poll` fires due timers and produces segments, `pollAt` says when to call again.
 *
 * The state machine lives in input.ts (a handler per state) and output.ts (segment production).
 * MPTCP plugs in through {@link TcpExtension} without TCP knowing about it.
 */
import type { IpAddress } from "../../wire/address.ts";
import { type SeqNum, seqAdd, seqDiff, seqNum } from "../../wire/seq.ts";
import type { TcpOption } from "../../wire/tcp-options.ts";
import type { TcpRepr } from "../../wire/tcp.ts";
import { type Errno, ERRNO, type SysResult, sysErr, sysOk } from "../errno.ts";
import { type Duration, type Instant, MILLIS, SECONDS } from "../instant.ts";
import type { Rng } from "../../rng.ts";
import type { Segment } from "../segment.ts";
import { Assembler, ByteQueue } from "./buffers.ts";
import { Congestion } from "./congestion.ts";
import { type TcpState, canSend } from "./state.ts";
import type { Negotiated, SynOffer } from "./syn-options.ts";
import { DEFAULT_RTO, RttEstimator, type RtoConfig, type TcpTimer, earliestTimer } from "./timers.ts";

/** One end of a connection. */
export interface Endpoint {
  readonly addr: IpAddress;
  readonly port: number;
}

/** Tunables of a connection; see {@link DEFAULT_TCP_CONFIG}. */
export interface TcpConfig {
  /** MSS we announce (MTU minus 40 for IPv4). */
  readonly mss: number;
  /** Our window scale shift, or undefined to not offer scaling. */
  readonly wscale: number | undefined;
  readonly timestamps: boolean;
  readonly sackPermitted: boolean;
  readonly rcvBuf: number;
  readonly sndBuf: number;
  readonly rto: RtoConfig;
  /** Delayed-ACK timeout (RFC 9293 §3.8.6.3: "MUST be less than 0.5 seconds"). */
  readonly delayedAck: Duration;
  /** 2*MSL for TIME-WAIT. */
  readonly timeWait: Duration;
  readonly initialCwndSegments: number;
  /** Retransmissions of a SYN before giving up with ETIMEDOUT. */
  readonly synRetries: number;
  /** Retransmissions of data before giving up with ETIMEDOUT. */
  readonly dataRetries: number;
  /** Nagle's algorithm off (TCP_NODELAY). */
  readonly noDelay: boolean;
}

/** Linux-like defaults: MSS 1460, wscale 7, timestamps and SACK on, 40 ms delayed ACK, 60 s TIME-WAIT. */
export const DEFAULT_TCP_CONFIG: TcpConfig = {
  mss: 1460, wscale: 7, timestamps: true, sackPermitted: true, rcvBuf: 131072, sndBuf: 131072,
  rto: DEFAULT_RTO, delayedAck: 40 * MILLIS, timeWait: 60 * SECONDS, initialCwndSegments: 10,
  synRetries: 6, dataRetries: 15, noDelay: false,
};

/** What an outgoing segment is, for a {@link TcpExtension} choosing its options. */
export interface OutgoingInfo {
  readonly flags: number;
  readonly seq: SeqNum;
  readonly payload: Uint8Array;
  /** True when these bytes were sent before. */
  readonly retransmit: boolean;
}

/** What the extension says about an inbound segment. */
export type ExtVerdict = "continue" | "drop" | "reset";

/** Hooks by which MPTCP (RFC 8684) rides on a TCP connection (a subflow). */
export interface TcpExtension {
  /** Extra options for an outgoing segment (appended after TCP's own). */
  outgoingOptions(c: TcpConnection, out: OutgoingInfo): TcpOption[];
  /** The largest payload that may start at `seq` (e.g. to stop at a mapping boundary). */
  segmentLimit(c: TcpConnection, seq: SeqNum): number;
  /** The peer's SYN/ACK in SYN-SENT, after TCP accepted it. */
  onSynAck(c: TcpConnection, seg: Segment): ExtVerdict;
  /** An acceptable RST (RFC 5961 exact match), before the connection closes. */
  onRst(c: TcpConnection, seg: Segment): void;
  /** Every acceptable segment in a synchronized state, before its ACK and text are processed. */
  onSegment(c: TcpConnection, seg: Segment): ExtVerdict;
  /** In-order payload: `data` starts at subflow sequence `seq`. Replaces the receive queue. */
  onData(c: TcpConnection, seq: SeqNum, data: Uint8Array): void;
  /** The peer's FIN was processed. */
  onFin(c: TcpConnection): void;
  /** Bytes the receiver can take (the window to advertise, before scaling). */
  receiveWindow(c: TcpConnection): number;
  /** The connection entered ESTABLISHED (either role). */
  onEstablished(c: TcpConnection): void;
  /** New bytes of ours were acknowledged (`acked` bytes of data, SYN/FIN excluded). */
  onAcked(c: TcpConnection, acked: number): void;
  /** The connection reached CLOSED (`error` set if it was reset or timed out). */
  onClosed(c: TcpConnection): void;
}

/** The connection: RFC 9293 TCB variables under their RFC names, plus buffers and timers. */
export class TcpConnection {
  state: TcpState = "Closed";
  /** The handshake completed at some point (the connection was ESTABLISHED). */
  wasEstablished = false;
  /** Why the connection died, for the socket's SO_ERROR. */
  error: Errno | undefined;
  ext: TcpExtension | undefined;
  readonly ipv6: boolean;

  // Send sequence space (RFC 9293 §3.3.1).
  iss: SeqNum;
  sndUna: SeqNum;
  sndNxt: SeqNum;
  /** Highest sequence number sent plus one (SND.NXT before any go-back-N rewind). */
  sndMax: SeqNum;
  sndWnd = 0;
  sndWl1: SeqNum = seqNum(0);
  sndWl2: SeqNum = seqNum(0);
  /** Sequence number of `sendBuf`'s first byte. */
  sendBufSeq: SeqNum;
  readonly sendBuf = new ByteQueue();
  /** The user closed the write side: a FIN follows the buffered data. */
  finQueued = false;

  // Receive sequence space.
  irs: SeqNum = seqNum(0);
  rcvNxt: SeqNum = seqNum(0);
  readonly recvQueue = new ByteQueue();
  readonly assembler = new Assembler();
  /** The peer's FIN was received (and is in order). */
  finReceived = false;
  /** Sequence number of a FIN that arrived ahead of missing data. */
  pendingFinSeq: SeqNum | undefined;

  // Negotiated options.
  offer: SynOffer;
  neg: Negotiated | undefined;
  tsRecent = 0;
  tsOffset: number;

  // Timers and their state (house-style rule 5: timers are data).
  readonly rtt: RttEstimator;
  readonly cong: Congestion;
  retransmitAt: Instant | undefined;
  delayedAckAt: Instant | undefined;
  persistAt: Instant | undefined;
  timeWaitAt: Instant | undefined;
  retries = 0;
  rttSample: { seq: SeqNum; sentAt: Instant } | undefined;
  /** Send an ACK at the next poll. */
  ackNow = false;
  /** Full-sized segments received since our last ACK. */
  unackedSegments = 0;
  /** Send one segment from SND.UNA (fast retransmit) at the next poll. */
  fastRetransmit = false;
  /** Send a one-byte zero-window probe at the next poll. */
  probe = false;
  /** Send a RST (abort) at the next poll, then close. */
  rstPending = false;
  /** RSTs to send in reply to unacceptable ACKs (RFC 9293 §3.10.7.3: "<SEQ=SEG.ACK><CTL=RST>"), by sequence number. */
  rstReplies: SeqNum[] = [];

  constructor(readonly local: Endpoint, readonly remote: Endpoint, readonly cfg: TcpConfig, rng: Rng) {
    this.ipv6 = local.addr.length === 16;
    // RFC 9293 §3.4.1: the ISN must be unpredictable; here it comes from the seeded Rng (house-style rule 4).
    this.iss = seqNum(rng.nextU32());
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.sndMax = this.iss;
    this.sendBufSeq = seqAdd(this.iss, 1);
    this.tsOffset = rng.nextU32();
    this.rtt = new RttEstimator(cfg.rto);
    this.cong = new Congestion(cfg.mss, cfg.initialCwndSegments);
    this.offer = { mss: cfg.mss, wscale: cfg.wscale, timestamps: cfg.timestamps, sackPermitted: cfg.sackPermitted };
  }

  /** The most payload bytes one segment carries, after timestamp option overhead. */
  get effectiveMss(): number {
    const mss = this.neg?.sendMss ?? this.cfg.mss;
    return mss - (this.neg?.timestamps ? 12 : 0);
  }

  /** Bytes in flight (sent, not acknowledged). */
  get flightSize(): number {
    return seqDiff(this.sndNxt, this.sndUna);
  }

  /** Sequence number our FIN has (or will have). */
  get finSeq(): SeqNum {
    return seqAdd(this.sendBufSeq, this.sendBuf.length);
  }

  /** The window we can advertise, in bytes, before scaling. */
  receiveWindow(): number {
    if (this.ext) return this.ext.receiveWindow(this);
    return Math.max(0, this.cfg.rcvBuf - this.recvQueue.length - this.assembler.bufferedBytes);
  }

  /** Our TSval at `now`: a 1 ms clock plus a random offset (RFC 7323 §5.4). */
  tsVal(now: Instant): number {
    return (this.tsOffset + Math.floor(now / MILLIS)) >>> 0;
  }

  // ------------------------------------------------------------------ user calls (RFC 9293 §3.10)

  /** SEND: queues what fits in the send buffer; returns the bytes taken or an errno. */
  send(data: Uint8Array): SysResult<number> {
    if (this.error !== undefined) return sysErr(this.error);
    if (!canSend(this.state) && this.state !== "SynSent" && this.state !== "SynReceived") return sysErr(ERRNO.EPIPE);
    if (this.finQueued) return sysErr(ERRNO.EPIPE);
    const room = this.cfg.sndBuf - this.sendBuf.length;
    if (room <= 0) return sysErr(ERRNO.EAGAIN);
    const n = Math.min(room, data.length);
    this.sendBuf.push(data.subarray(0, n));
    return sysOk(n);
  }

  /** RECEIVE: takes up to `max` in-order bytes; empty at EOF; EAGAIN when nothing is there yet. */
  recv(max: number): Uint8Array | Errno {
    if (this.recvQueue.length > 0) {
      const before = this.receiveWindow();
      const out = this.recvQueue.take(max);
      // RFC 9293 §3.8.6.2.2: tell the peer when the window opens by at least one MSS (receiver SWS avoidance).
      if (before < this.effectiveMss && this.receiveWindow() >= this.effectiveMss) this.ackNow = true;
      return out;
    }
    if (this.error !== undefined) return this.error;
    if (this.finReceived) return new Uint8Array(0);
    if (this.state === "Closed") return ERRNO.ENOTCONN;
    return ERRNO.EAGAIN;
  }

  /** CLOSE of the write side (shutdown(SHUT_WR) or close): the FIN follows queued data. */
  shutdownWrite(): void {
    if (this.finQueued) return;
    switch (this.state) {
      case "SynSent":
        this.enterClosed(undefined);
        return;
      case "SynReceived":
      case "Established":
        this.finQueued = true;
        if (this.state === "Established") this.state = "FinWait1";
        return;
      case "CloseWait":
        this.finQueued = true;
        this.state = "LastAck";
        return;
      default:
    }
  }

  /** ABORT: a RST goes out (unless nothing was ever synchronized) and the connection closes. */
  abort(): void {
    if (this.state === "Closed" || this.state === "TimeWait") return this.enterClosed(this.error);
    if (this.state === "SynSent") return this.enterClosed(undefined);
    this.rstPending = true;
  }

  // ------------------------------------------------------------------ transitions used by input/output

  /** Enters ESTABLISHED and tells the extension. */
  enterEstablished(): void {
    this.state = "Established";
    this.wasEstablished = true;
    this.ext?.onEstablished(this);
    if (this.finQueued) this.state = "FinWait1";
  }

  /** Enters TIME-WAIT and arms its timer (RFC 9293 §3.10.7.4: "Start the time-wait timer"). */
  enterTimeWait(now: Instant): void {
    this.state = "TimeWait";
    this.timeWaitAt = now + this.cfg.timeWait;
    this.retransmitAt = undefined;
    this.persistAt = undefined;
  }

  /** Enters CLOSED, recording `error` (ECONNRESET, ECONNREFUSED, ETIMEDOUT) if any. */
  enterClosed(error: Errno | undefined): void {
    if (this.state === "Closed") return;
    this.state = "Closed";
    if (error !== undefined) this.error = error;
    this.retransmitAt = this.delayedAckAt = this.persistAt = this.timeWaitAt = undefined;
    this.ackNow = false;
    this.ext?.onClosed(this);
  }

  /** Arms the delayed-ACK timer unless armed. */
  scheduleAck(now: Instant): void {
    this.delayedAckAt ??= now + this.cfg.delayedAck;
  }

  /** The armed timers, as data. */
  timers(): TcpTimer[] {
    const out: TcpTimer[] = [];
    if (this.retransmitAt !== undefined) out.push({ kind: "retransmit", expiresAt: this.retransmitAt });
    if (this.delayedAckAt !== undefined) out.push({ kind: "delayedAck", expiresAt: this.delayedAckAt });
    if (this.persistAt !== undefined) out.push({ kind: "persist", expiresAt: this.persistAt });
    if (this.timeWaitAt !== undefined) out.push({ kind: "timeWait", expiresAt: this.timeWaitAt });
    return out;
  }

  /** The earliest armed timer. */
  nextTimer(): TcpTimer | undefined {
    return earliestTimer(this.timers());
  }
}

/** A TCP header with the fields every outgoing segment of `c` shares. */
export function baseRepr(c: TcpConnection, flags: number, seq: SeqNum, ack: SeqNum, window: number, options: TcpOption[]): TcpRepr {
  return { kind: "tcp", srcPort: c.local.port, dstPort: c.remote.port, seq, ack, flags, window, urgent: 0, options };
}
