/**
 * One subflow: the {@link TcpExtension} that carries MPTCP on a TCP connection. It writes and
 * reads MP_CAPABLE (RFC 8684 §3.1), MP_JOIN (§3.2), DSS (§3.3), MP_PRIO (§3.3.8), MP_FAIL (§3.7),
 * MP_FASTCLOSE (§3.5) and MP_TCPRST (§3.6); option content is built in subflow-options.ts.
 */
import { mpJoinAckHmac, mpJoinSynAckHmac } from "../../wire/mptcp-crypto.ts";
import type { MptcpOption } from "../../wire/mptcp-options.ts";
import { dssChecksum } from "../../wire/checksum.ts";
import { type SeqNum, seqAdd, seqDiff } from "../../wire/seq.ts";
import { bytesEqual } from "../../wire/bytes.ts";
import { TCP_FLAG } from "../../wire/tcp.ts";
import type { TcpOption } from "../../wire/tcp-options.ts";
import type { Instant } from "../instant.ts";
import type { Segment } from "../segment.ts";
import type { ExtVerdict, OutgoingInfo, TcpConnection, TcpExtension } from "../tcp/connection.ts";
import type { MptcpConnection } from "./connection.ts";
import { RxMappings, TxMappings } from "./dss-map.ts";
import type { SchedCandidate } from "./scheduler.ts";
import { type MptcpBehaviour, hookDisabled } from "./test-hooks.ts";
import { dataOptions, handleCommonOptions, mpFailResponse, mptcpOptions, rstOptions, synOptions } from "./subflow-options.ts";

/** MP_TCPRST reason codes (RFC 8684 §3.6, TR-01). */
export const RST_REASON = {
  unspecified: 0x00, mptcpError: 0x01, noResources: 0x02, prohibited: 0x03, tooMuchOutstanding: 0x04,
  unacceptablePerformance: 0x05, middlebox: 0x06,
} as const;

/** Option bytes the largest DSS takes on a data segment (4 + 8 + 8 + 4 + 2 + 2, RFC 8684 §3.3). */
const DATA_OPTION_ROOM = 28;

/** A subflow of an MPTCP connection. */
export class Subflow implements TcpExtension {
  tcp!: TcpConnection;
  readonly tx = new TxMappings();
  readonly rx = new RxMappings();
  /** Our wish that the peer treat this subflow as backup (MP_JOIN B, MP_PRIO). */
  backup = false;
  /** The peer asked us to treat this subflow as backup. */
  peerBackup = false;
  localId = 0;
  remoteId = 0;
  readonly localNonce: number;
  remoteNonce: number | undefined;
  /** Join initiator: third ACK sent, waiting for the fourth (MPJ-05). */
  preEstablished = false;
  joinAckRtxAt: Instant | undefined;
  private joinAckRtx = 0;
  /** Initial subflow client: the third ACK with both keys went out. */
  thirdAckSent = false;

  // Options waiting for the next segment.
  sendDataFin = false;
  pendingMpFail: bigint | undefined;
  pendingInfiniteMap: bigint | undefined;
  pendingAddAddr: MptcpOption[] = [];
  pendingRemove: number[] = [];
  pendingPrio: boolean | undefined;
  rstReason = 0;
  rstFastclose = false;
  /** MP_TCPRST reason the peer sent, if any. */
  peerRstReason: number | undefined;

  constructor(readonly mp: MptcpConnection, readonly kind: "initial" | "join", readonly role: "client" | "server") {
    this.localNonce = mp.host.rng.nextU32();
  }

  /** Attaches the TCP connection this subflow rides on. */
  attach(tcp: TcpConnection): void {
    this.tcp = tcp;
    tcp.ext = this;
  }

  /** May carry data now. */
  get usable(): boolean {
    const s = this.tcp.state;
    return (s === "Established" || s === "CloseWait") && !this.preEstablished && !this.tcp.finQueued;
  }

  /** What the scheduler needs. */
  schedInfo(): SchedCandidate {
    const room = Math.min(this.tcp.cong.cwnd, this.tcp.cfg.sndBuf) - this.tcp.sendBuf.length;
    return { usable: this.usable, backup: this.backup || this.peerBackup, room, srtt: this.tcp.rtt.srtt };
  }

  /** Queues `data` (data-level bytes at `dsn`) as one mapping (RFC 8684 §3.3.1). */
  queue(dsn: bigint, data: Uint8Array): void {
    const ssn = this.tcp.finSeq;
    const rel = seqDiff(ssn, this.tcp.iss) >>> 0;
    const checksum = this.mp.checksum ? dssChecksum(dsn, rel, data.length, data) : undefined;
    this.tx.add(checksum === undefined ? { ssn, dsn, len: data.length, dataFin: false } : { ssn, dsn, len: data.length, dataFin: false, checksum });
    this.tcp.send(data);
  }

  /** Resets this subflow with MP_TCPRST `reason` (and MP_FASTCLOSE when `fastclose`). */
  reset(reason: number, fastclose: boolean): void {
    this.rstReason = reason;
    this.rstFastclose = fastclose;
    this.tcp.abort();
  }

  /** Subflow-level timers: the third-ACK retransmission of a join (MPJ-05). */
  poll(now: Instant): void {
    if (!this.preEstablished) return;
    if (this.joinAckRtxAt === undefined) {
      this.joinAckRtxAt = now + this.tcp.rtt.rto;
      return;
    }
    if (this.joinAckRtxAt > now) return;
    this.joinAckRtx++;
    this.tcp.ackNow = true;
    this.joinAckRtxAt = now + this.tcp.rtt.rto * 2 ** this.joinAckRtx;
  }

  /** When {@link poll} next has work. */
  pollAt(): Instant | undefined {
    return this.preEstablished ? this.joinAckRtxAt : undefined;
  }

  // ------------------------------------------------------------------ TcpExtension

  outgoingOptions(c: TcpConnection, out: OutgoingInfo): TcpOption[] {
    if (out.flags & TCP_FLAG.RST) return rstOptions(this);
    if (out.flags & TCP_FLAG.SYN) return synOptions(this, (out.flags & TCP_FLAG.ACK) !== 0);
    if (this.mp.fallback && this.kind === "initial") return mpFailResponse(this, out);
    if (this.kind === "join" && this.role === "client" && this.preEstablished) {
      // RFC 8684 §3.2: the third ACK carries "the leftmost 160 bits" of HMAC-A.
      const remote = this.mp.remote;
      if (!remote || this.remoteNonce === undefined) return [];
      return [{ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: mpJoinAckHmac(this.mp.local.key, remote.key, this.localNonce, this.remoteNonce) }];
    }
    return dataOptions(this, c, out);
  }

  segmentLimit(_c: TcpConnection, seq: SeqNum): number {
    const m = this.tx.find(seq);
    return Math.min(this.payloadMss, m ? seqDiff(seqAdd(m.ssn, m.len), seq) : Number.MAX_SAFE_INTEGER);
  }

  /**
   * The most payload one segment of this subflow carries: the TCP MSS less the room of the
   * largest data option (DSS with 64-bit Data ACK and DSN, mapping and checksum: 28 bytes; MPC
   * with data: 24), so that header + options + payload stay within the path MTU.
   */
  get payloadMss(): number {
    return this.mp.fallback ? this.tcp.effectiveMss : this.tcp.effectiveMss - DATA_OPTION_ROOM;
  }

  onSynAck(c: TcpConnection, seg: Segment): ExtVerdict {
    const opts = mptcpOptions(seg);
    if (this.kind === "initial") {
      const mpc = opts.find((o) => o.subtype === "mpCapable");
      // MPC-02/MPC-04/MPC-06: no (valid) MP_CAPABLE on the SYN/ACK means plain TCP.
      if (!mpc || mpc.version !== 1 || !(mpc.flags & 0x01) || mpc.sendersKey === undefined) this.mp.enterFallback();
      else this.mp.acceptPeerKey(mpc.sendersKey, mpc.flags);
      return "continue";
    }
    const ack = opts.find((o) => o.subtype === "mpJoinSynAck");
    const remote = this.mp.remote;
    // FB-04: "a SYN/ACK of an MP_JOIN that lacks MP_JOIN: the initiator MUST RST that subflow".
    if (!ack || !remote) return this.fail(RST_REASON.mptcpError);
    // RFC 8684 §3.2 (MPJ-03): the initiator verifies the responder's truncated HMAC.
    if (!this.hook("joinSynAckHmacCheck") && ack.sendersHmac !== mpJoinSynAckHmac(remote.key, this.mp.local.key, ack.sendersRandom, this.localNonce)) return this.fail(RST_REASON.mptcpError);
    this.remoteNonce = ack.sendersRandom;
    this.peerBackup = ack.backup;
    this.remoteId = ack.addressId;
    this.preEstablished = true;
    c.ackNow = true;
    return "continue";
  }

  onSegment(c: TcpConnection, seg: Segment): ExtVerdict {
    if (this.kind === "join" && this.role === "server" && c.state === "SynReceived") return this.checkJoinAck(seg);
    if (this.kind === "initial" && this.role === "server" && c.state === "SynReceived") this.onThirdAck(seg);
    if (this.preEstablished) {
      this.preEstablished = false; // MPJ-05: the fourth ACK arrived
      this.joinAckRtxAt = undefined;
    }
    if (this.mp.fallback) return "continue";
    return handleCommonOptions(this, seg);
  }

  private checkJoinAck(seg: Segment): ExtVerdict {
    const ack = mptcpOptions(seg).find((o) => o.subtype === "mpJoinAck");
    const remote = this.mp.remote;
    if (!ack || !remote || this.remoteNonce === undefined) return this.fail(RST_REASON.mptcpError);
    // RFC 8684 §3.2 (MPJ-04): the responder verifies HMAC-A; "If the HMAC fails ... it MUST close the subflow with a RST".
    const want = mpJoinAckHmac(remote.key, this.mp.local.key, this.remoteNonce, this.localNonce);
    if (!this.hook("joinAckHmacCheck") && !bytesEqual(ack.sendersHmac, want)) return this.fail(RST_REASON.mptcpError);
    this.tcp.ackNow = true; // MPJ-05: the responder acknowledges the third ACK
    return "continue";
  }

  private onThirdAck(seg: Segment): void {
    const opts = mptcpOptions(seg);
    const mpc = opts.find((o) => o.subtype === "mpCapable");
    if (mpc && mpc.sendersKey !== undefined && mpc.receiversKey !== undefined) {
      if (this.mp.remote === undefined) this.mp.acceptPeerKey(mpc.sendersKey, mpc.flags);
      const remote = this.mp.remote;
      if (mpc.dataLevelLength !== undefined && remote) {
        // MPC-08: the implicit mapping of MPC+data is DSN = IDSN+1, SSN = 1, DLL from the option.
        this.rx.add({ ssn: seqAdd(this.tcp.irs, 1), dsn: remote.idsn + 1n, len: mpc.dataLevelLength, dataFin: false }, 1, mpc.checksum);
      }
    } else if (this.mp.remote === undefined && !opts.some((o) => o.subtype === "dss") && !this.hook("fallbackOnStrippedOptions")) {
      this.mp.enterFallback(); // FB-03: the third ACK lost its MP_CAPABLE
    }
  }

  /** True when a test hook switched `b` off (test-hooks.ts). */
  private hook(b: MptcpBehaviour): boolean {
    return hookDisabled(this.mp.host.mptcpConfig.disabled, b);
  }

  private fail(reason: number): ExtVerdict {
    this.rstReason = reason;
    return "reset";
  }

  onRst(_c: TcpConnection, seg: Segment): void {
    for (const o of mptcpOptions(seg)) {
      if (o.subtype === "mpTcpRst") this.peerRstReason = o.reason;
      // FC-01: "The receiver MUST check" the key and ignore the option on mismatch.
      if (o.subtype === "mpFastclose" && (o.receiversKey === this.mp.local.key || this.hook("fastcloseKeyCheck"))) this.mp.onFastClose();
    }
  }

  onData(_c: TcpConnection, seq: SeqNum, data: Uint8Array): void {
    if (this.mp.fallback) return this.mp.onFallbackData(data);
    for (const ev of this.rx.consume(seq, data)) {
      switch (ev.kind) {
        case "data": this.mp.onMappedData(ev.dsn, ev.data); break;
        case "dataFin": this.mp.onDataFin(ev.dsn); break;
        case "badChecksum":
          if (this.hook("dssChecksumVerify")) this.mp.onMappedData(ev.dsn, ev.data);
          else this.mp.onChecksumFailure(this, ev.dsn, ev.data);
          break;
        case "unmapped": this.onUnmapped(seq, data, ev.seq, ev.len); break;
      }
    }
  }

  private onUnmapped(seq: SeqNum, data: Uint8Array, at: SeqNum, len: number): void {
    const off = seqDiff(at, seq);
    if (!this.mp.peerSpokeDss && this.kind === "initial" && this.mp.subflows.length === 1 && !this.hook("fallbackOnStrippedOptions")) {
      // MPC-10: data without a mapping before the connection is fully established: fall back to TCP.
      this.mp.enterFallback();
      this.mp.onFallbackData(data.subarray(off, off + len));
      return;
    }
    if (this.mp.mpFailSent && this.mp.subflows.length === 1) {
      // RFC 8684 §3.7: after our MP_FAIL the peer reverts to TCP; Linux 6.18 counts an infinite
      // mapping but its first fallback segment carries no DSS, so unmapped data here is that fallback.
      this.mp.counters.implicitInfiniteMapRx++;
      this.mp.enterFallback();
      this.mp.onFallbackData(data.subarray(off, off + len));
      return;
    }
    // DSS-01: unmapped data on an established subflow: RST with reason 0x06 "Middlebox interference".
    if (this.hook("unmappedDataReset")) return;
    this.reset(RST_REASON.middlebox, false);
  }

  onFin(): void {
    if (this.mp.fallback) this.mp.onFallbackFin();
  }

  receiveWindow(): number {
    return this.mp.receiveWindow();
  }

  onEstablished(): void {}

  onAcked(c: TcpConnection, acked: number): void {
    this.tx.release(c.sndUna);
    if (this.mp.fallback) this.mp.onDataAck(this.mp.dataUna + BigInt(acked), undefined);
  }

  onClosed(): void {
    this.mp.onSubflowClosed(this);
  }
}
