/**
 * `verify`'s engine: takes capture items one by one, finds each TCP segment's subflow, routes its
 * MPTCP options to the check modules (RFC 8684 §3.1 handshake, §3.2 join, §3.3 DSS, §3.4
 * addresses, §3.7 fallback) and, at the end, returns a report. One `Verifier` per capture.
 */
import type { CaptureItem, CapturedPacket } from "../wire/pcap/captured-packet.ts";
import { seqGe } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import { onAddAddr, reservedBits } from "./check-addr.ts";
import { onFastclose, onMpFail, onPrio, onRemoveAddr } from "./check-control.ts";
import { assembled, onDss, onPayload, settleDataAcks } from "./check-dss.ts";
import { onMpCapable } from "./check-handshake.ts";
import { onMpJoin } from "./check-join.ts";
import { type Dir, type MptcpConnection, type Side, type Subflow, newSubflow, otherDir, sideOf } from "./connection.ts";
import { check, type SegmentContext, type VerifyState } from "./context.ts";
import { type Segment, segmentOf } from "../capture/capture-segment.ts";
import { FlowTable } from "../capture/flow-table.ts";
import { TokenIndex } from "../capture/token-index.ts";
import { type CheckCount, type CheckId, CheckLedger, type Violation } from "./violation.ts";

/** Counters of a run. */
export interface VerifyStats {
  packets: number;
  tcpSegments: number;
  /** Frames that could not be decoded, and read errors of the file. */
  undecodable: number;
  /** Read errors of the file itself (a cut record, a bad block): the file was not read to its end. */
  readErrors: number;
  /** Frames cut by the snap length. */
  truncated: number;
  mptcpConnections: number;
  fallbackConnections: number;
  subflows: number;
  plainTcpFlows: number;
  /** Flows whose handshake is not in the capture (their MPTCP options are not checked). */
  flowsWithoutHandshake: number;
}

/** The outcome of verifying one capture. */
export interface VerifyReport {
  readonly violations: readonly Violation[];
  readonly checks: ReadonlyMap<CheckId, CheckCount>;
  /** `ID: reason` → how many times the check was skipped for it. */
  readonly skipped: ReadonlyMap<string, number>;
  /** Problems decoding frames, as `frame N: message` (not conformance violations). */
  readonly decodeErrors: readonly string[];
  /**
   * Why the report cannot be called clean even without violations: parts of the file unread,
   * frames not decoded, MPTCP subflows whose handshake is missing, or no check run at all.
   * Empty when every frame was read and checked as far as the capture allows.
   */
  readonly incomplete: readonly string[];
  readonly stats: VerifyStats;
}

/** Checks a capture packet by packet, in time order; create one per file, `push` every item, then `finish`. */
export class Verifier {
  private readonly st: VerifyState = { ledger: new CheckLedger(), connections: [], byToken: new TokenIndex() };
  private readonly flows = new FlowTable<Subflow>((fwd, rev, start, id) => newSubflow(id, fwd, rev, start === "syn" ? "plain" : "unknown"));
  private readonly decodeErrors: string[] = [];
  private readonly frames: CapturedPacket[] = [];
  private readonly stats: VerifyStats = {
    packets: 0, tcpSegments: 0, undecodable: 0, readErrors: 0, truncated: 0, mptcpConnections: 0, fallbackConnections: 0, subflows: 0, plainTcpFlows: 0, flowsWithoutHandshake: 0,
  };

  /** Takes one capture item; packets are checked in time order by {@link finish}. */
  push(item: CaptureItem): void {
    if (item.kind === "error") {
      this.stats.undecodable++;
      this.stats.readErrors++;
      this.decodeErrors.push(`${item.error.code} at offset ${item.error.offset}: ${item.error.detail}`);
      return;
    }
    this.stats.packets++;
    this.frames.push(item.packet);
  }

  /** Checks the frames in time order; frames without a timestamp keep their file position. */
  private run(): void {
    const byTime = (a: CapturedPacket, b: CapturedPacket): number =>
      !a.hasTimestamp || !b.hasTimestamp ? a.number - b.number : a.tsSec - b.tsSec || a.tsNsec - b.tsNsec || a.number - b.number;
    const frames = this.frames.splice(0).sort(byTime);
    frames.forEach((p, order) => this.frame(p, order));
  }

  private frame(p: CapturedPacket, order: number): void {
    const r = segmentOf(p, order);
    if (r.kind === "error") {
      this.stats.undecodable++;
      this.decodeErrors.push(`frame ${p.number}: ${r.message}`);
    }
    if (r.kind !== "tcp") return;
    this.stats.tcpSegments++;
    if (r.segment.truncated) this.stats.truncated++;
    this.segment(r.segment);
  }

  private segment(seg: Segment): void {
    const { flow: sf, dir } = this.flows.lookup(seg);
    if ((seg.tcp.flags & TCP_FLAG.SYN) !== 0) {
      const ws = seg.tcp.options.find((o) => o.kind === "wscale");
      if (ws?.kind === "wscale") sf.wscale[dir] = Math.min(ws.shift, 14);
    }
    if (seg.mptcp.length > 0) sf.mptcpSeen = true;
    const cx: SegmentContext = { st: this.st, seg, sf, dir, flow: `${seg.src} > ${seg.dst}` };
    for (const o of seg.mptcp) {
      if (o.subtype === "mpCapable") onMpCapable(cx, o);
      else if (o.subtype === "mpJoinSyn" || o.subtype === "mpJoinSynAck" || o.subtype === "mpJoinAck") onMpJoin(cx, o);
    }
    const f = seg.tcp.flags;
    if ((f & TCP_FLAG.SYN) !== 0 && (f & TCP_FLAG.ACK) !== 0 && sf.kind === "initial" && !seg.mptcp.some((o) => o.subtype === "mpCapable")) {
      // RFC 8684 §3.1: a SYN/ACK without MP_CAPABLE means the connection continues as plain TCP.
      const conn = sf.conn as MptcpConnection;
      const mark = { frame: seg.frame, reason: "SYN/ACK without MP_CAPABLE", id: "MPC-06" } as const;
      conn.data.listener.fallbackFrom ??= { ...mark, order: seg.order - 1 };
      conn.data.initiator.fallbackFrom ??= { ...mark, order: seg.order };
    }
    if (sf.kind === "unknown" || sf.kind === "plain") {
      this.plainFlow(cx);
      return;
    }
    const side = sideOf(sf, dir);
    const conn = sf.conn;
    if (side === undefined || conn === undefined) return;
    this.settleFallback(cx, conn, side);
    const fb = conn.data[side].fallbackFrom;
    if (fb !== undefined && fb.order < seg.order) {
      // RFC 8684 §3.7: after fallback, "no more MPTCP options" are sent (MP_FAIL and MP_TCPRST aside).
      const stray = seg.mptcp.filter((o) => o.subtype !== "mpFail" && o.subtype !== "mpTcpRst" && !(o.subtype === "dss" && o.mapping?.dataLevelLength === 0));
      check(cx, fb.id, stray.length === 0, () => ({
        message: `${stray.map((o) => o.subtype).join(", ")} sent after fallback (${fb.reason}, frame ${fb.frame})`,
        field: "MPTCP options", carried: stray.map((o) => o.subtype).join(", "), expected: "none",
        // Every option after one fallback has that fallback as its cause.
        cause: `fallback@${fb.frame}`,
      }));
      return;
    }
    this.options(cx, side);
    if ((f & (TCP_FLAG.SYN | TCP_FLAG.RST)) === 0 && conn.data[side].fallbackFrom === undefined) onPayload(cx, side);
  }

  private options(cx: SegmentContext, side: Side): void {
    const conn = cx.sf.conn as MptcpConnection;
    for (const o of cx.seg.mptcp) {
      reservedBits(cx, o);
      if (o.subtype === "dss") {
        onDss(cx, side, o);
        conn.dssSent[side] = true;
      } else if (o.subtype === "addAddr") onAddAddr(cx, side, o);
      else if (o.subtype === "removeAddr") onRemoveAddr(cx, side, o);
      else if (o.subtype === "mpPrio") onPrio(cx, o);
      else if (o.subtype === "mpFail") onMpFail(cx, o);
      else if (o.subtype === "mpFastclose") onFastclose(cx, side, o);
    }
  }

  /** A side whose peer fell back falls back too once its TCP ack shows it has seen why. */
  private settleFallback(cx: SegmentContext, conn: MptcpConnection, side: Side): void {
    if (conn.pendingFallback.length === 0) return;
    const ack = cx.seg.tcp;
    for (const p of conn.pendingFallback) {
      if (p.side !== side || p.subflow !== cx.sf || p.dir !== cx.dir || (ack.flags & TCP_FLAG.ACK) === 0) continue;
      if (seqGe(ack.ack, p.ackPast)) conn.data[side].fallbackFrom ??= { frame: p.frame, order: cx.seg.order - 1, reason: p.reason, id: "FB-06" };
    }
    conn.pendingFallback.splice(0, conn.pendingFallback.length, ...conn.pendingFallback.filter((p) => conn.data[p.side].fallbackFrom === undefined));
  }

  /** A flow whose SYN had no MP_CAPABLE/MP_JOIN sends no MPTCP option (RFC 8684 §3.1). */
  private plainFlow(cx: SegmentContext): void {
    const { sf, seg } = cx;
    if (sf.kind === "unknown" || seg.mptcp.length === 0) return;
    const synAckMpc = (seg.tcp.flags & TCP_FLAG.SYN) !== 0 && seg.mptcp.every((o) => o.subtype === "mpCapable");
    if (synAckMpc) return;
    check(cx, "MPC-06", false, () => ({
      message: `${seg.mptcp.map((o) => o.subtype).join(", ")} on a connection whose SYN had no MP_CAPABLE or MP_JOIN`,
      field: "MPTCP options", carried: seg.mptcp.map((o) => o.subtype).join(", "), expected: "none", cause: "plain-flow",
    }));
  }

  /** Ends the run: flushes pending checksum assemblies and returns the report. */
  finish(): VerifyReport {
    this.run();
    for (const sf of this.flows.flows) {
      settleDataAcks(this.st, sf);
      for (const dir of ["fwd", "rev"] as const) {
        assembled(this.st, `${sf.endpoints[dir]} > ${sf.endpoints[otherDir(dir)]}`, sf.books[dir].close());
      }
    }
    const s = this.stats;
    s.mptcpConnections = this.st.connections.length;
    s.fallbackConnections = this.st.connections.filter((c) => c.data.initiator.fallbackFrom !== undefined || c.data.listener.fallbackFrom !== undefined).length;
    s.subflows = this.flows.flows.filter((sf) => sf.conn !== undefined).length;
    s.plainTcpFlows = this.flows.flows.filter((sf) => sf.kind === "plain").length;
    s.flowsWithoutHandshake = this.flows.flows.filter((sf) => sf.kind === "unknown").length;
    const { ledger } = this.st;
    const violations = [...ledger.violations].sort((a, b) => a.frame - b.frame);
    const incomplete = incompleteness(s, this.flows.flows.filter((sf) => sf.kind === "unknown" && sf.mptcpSeen === true).length, ledger.counts);
    return { violations, checks: ledger.counts, skipped: ledger.skipReasons, decodeErrors: this.decodeErrors, incomplete, stats: { ...s } };
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The reasons a capture without violations is still not clean: a verdict of "clean" claims every
 * part of the file was read and checked, so each gap is named instead.
 */
function incompleteness(s: VerifyStats, uncheckedMptcpFlows: number, counts: ReadonlyMap<CheckId, CheckCount>): string[] {
  const reasons: string[] = [];
  if (s.readErrors > 0) reasons.push(`the file could not be read to its end (${plural(s.readErrors, "read error")})`);
  const badFrames = s.undecodable - s.readErrors;
  if (badFrames > 0) reasons.push(`${plural(badFrames, "frame")} could not be decoded`);
  if (uncheckedMptcpFlows > 0) {
    reasons.push(`${plural(uncheckedMptcpFlows, "flow")} with MPTCP options but no handshake in the capture (not checked)`);
  }
  const ran = [...counts.values()].reduce((n, c) => n + c.run, 0);
  if (ran === 0) reasons.push("no check ran (no MPTCP handshake in the capture)");
  return reasons;
}

/** Verifies a whole capture given as items (e.g. `readCapture(bytes)` from src/wire/pcap). */
export function verifyCapture(items: Iterable<CaptureItem>): VerifyReport {
  const v = new Verifier();
  for (const item of items) v.push(item);
  return v.finish();
}
