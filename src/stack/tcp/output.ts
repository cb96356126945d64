/**
 * Segment production and timer expiry for one connection (RFC 9293 §3.8.6 window management,
 * §3.10.8 timeouts; RFC 6298 §5 retransmission; RFC 1122 §4.2.3.4 Nagle; RFC 9293 §3.8.6.1
 * zero-window probing). `planNext` decides without side effects, so `pollAt` can ask it too.
 */
import { type SeqNum, seqNum, seqAdd, seqDiff, seqGe, seqGt, seqLt, seqMax } from "../../wire/seq.ts";
import type { TcpOption } from "../../wire/tcp-options.ts";
import { tcpOptionsLen } from "../../wire/tcp-options.ts";
import { TCP_FLAG } from "../../wire/tcp.ts";
import { ERRNO } from "../errno.ts";
import type { Instant } from "../instant.ts";
import type { Segment } from "../segment.ts";
import { type TcpConnection, baseRepr } from "./connection.ts";
import { isSynchronized } from "./state.ts";
import { synOptions } from "./syn-options.ts";

/** The next segment to send, decided but not yet sent. */
type Plan =
  | { readonly kind: "rst" }
  | { readonly kind: "rstReply"; readonly seq: SeqNum }
  | { readonly kind: "syn"; readonly ack: boolean }
  | { readonly kind: "data"; readonly seq: SeqNum; readonly len: number; readonly fin: boolean; readonly retransmit: boolean; readonly advance: boolean }
  | { readonly kind: "ack" };

/** Fires the timers due at `now`, then emits every segment the connection wants to send. */
export function pollConnection(c: TcpConnection, now: Instant, emit: (seg: Segment) => void): void {
  fireTimers(c, now);
  for (let guard = 0; guard < 10_000; guard++) {
    if (c.state === "Closed" && !c.rstPending && c.rstReplies.length === 0) break;
    const plan = planNext(c);
    if (!plan) break;
    emit(commit(c, plan, now));
  }
  armPersist(c, now);
}

/** `"now"` when a segment is ready, else the earliest timer, else undefined (waiting for input). */
export function connectionPollAt(c: TcpConnection): Instant | "now" | undefined {
  if (c.state === "Closed" && !c.rstPending && c.rstReplies.length === 0) return undefined;
  if (planNext(c)) return "now";
  return c.nextTimer()?.expiresAt;
}

function fireTimers(c: TcpConnection, now: Instant): void {
  if (c.timeWaitAt !== undefined && c.timeWaitAt <= now) c.enterClosed(undefined);
  if (c.delayedAckAt !== undefined && c.delayedAckAt <= now) {
    c.delayedAckAt = undefined;
    c.ackNow = true;
  }
  if (c.persistAt !== undefined && c.persistAt <= now) {
    c.persistAt = undefined;
    c.rtt.backOff();
    c.probe = true;
  }
  if (c.retransmitAt !== undefined && c.retransmitAt <= now) onRetransmitTimeout(c, now);
}

function onRetransmitTimeout(c: TcpConnection, now: Instant): void {
  const limit = isSynchronized(c.state) && c.state !== "SynReceived" ? c.cfg.dataRetries : c.cfg.synRetries;
  if (c.retries >= limit) {
    c.enterClosed(ERRNO.ETIMEDOUT);
    return;
  }
  c.retries++;
  // RFC 6298 §5.4–5.6: retransmit the earliest unacknowledged segment, back off, restart the timer.
  c.cong.onRto(seqDiff(c.sndMax, c.sndUna));
  c.rtt.backOff();
  c.sndNxt = c.sndUna;
  c.rttSample = undefined;
  c.fastRetransmit = false;
  c.retransmitAt = now + c.rtt.rto;
}

/** Decides the next segment without changing the connection. */
function planNext(c: TcpConnection): Plan | undefined {
  if (c.rstPending) return { kind: "rst" };
  const reply = c.rstReplies[0];
  if (reply !== undefined) return { kind: "rstReply", seq: reply };
  if (c.state === "SynSent" && c.sndNxt === c.iss) return { kind: "syn", ack: false };
  if (c.state === "SynReceived" && c.sndNxt === c.iss) return { kind: "syn", ack: true };
  if (!isSynchronized(c.state) || c.state === "SynReceived") return undefined;
  return planData(c) ?? (c.ackNow ? { kind: "ack" } : undefined);
}

function planData(c: TcpConnection): Plan | undefined {
  const mss = c.effectiveMss;
  if (c.fastRetransmit) {
    const len = Math.min(mss, seqDiff(c.sndMax, c.sndUna), c.sendBuf.length - seqDiff(c.sndUna, c.sendBufSeq));
    if (len > 0) return { kind: "data", seq: c.sndUna, len: limit(c, c.sndUna, len), fin: false, retransmit: true, advance: false };
  }
  const offset = seqDiff(c.sndNxt, c.sendBufSeq);
  if (offset < 0) return undefined;
  const unsent = c.sendBuf.length - offset;
  const usable = seqDiff(seqAdd(c.sndUna, Math.min(c.sndWnd, c.cong.cwnd)), c.sndNxt);
  let len = Math.max(0, Math.min(unsent, mss, usable));
  if (len === 0 && c.probe && unsent > 0) len = 1;
  if (len > 0) len = limit(c, c.sndNxt, len);
  const retransmit = seqLt(c.sndNxt, c.sndMax);
  // RFC 1122 §4.2.3.4 (Nagle): hold a small segment while data is unacknowledged.
  if (len > 0 && len < mss && len === unsent && c.flightSize > 0 && !c.cfg.noDelay && !retransmit && !c.finQueued) return undefined;
  // The FIN goes with the last byte, or alone once all data is sent and it is not yet (re)sent.
  const finUnsent = c.finQueued && offset + len === c.sendBuf.length && !seqGt(c.sndNxt, c.finSeq);
  if (len === 0 && !finUnsent) return undefined;
  return { kind: "data", seq: c.sndNxt, len, fin: finUnsent, retransmit, advance: true };
}

/** The payload length cut to what the extension allows from `seq` (at least 1 byte). */
function limit(c: TcpConnection, seq: SeqNum, len: number): number {
  return c.ext ? Math.max(1, Math.min(len, c.ext.segmentLimit(c, seq))) : len;
}

/** Builds the planned segment and updates sequence state and timers. */
function commit(c: TcpConnection, plan: Plan, now: Instant): Segment {
  switch (plan.kind) {
    case "rst": return commitRst(c);
    case "rstReply":
      c.rstReplies.shift();
      return { src: c.local.addr, dst: c.remote.addr, tcp: baseRepr(c, TCP_FLAG.RST, plan.seq, seqNum(0), 0, []), payload: new Uint8Array(0) };
    case "syn": return commitSyn(c, plan.ack, now);
    case "ack": return finish(c, TCP_FLAG.ACK, c.sndNxt, new Uint8Array(0), false, now);
    case "data": return commitData(c, plan, now);
  }
}

function commitRst(c: TcpConnection): Segment {
  c.rstPending = false;
  const opts = c.ext?.outgoingOptions(c, { flags: TCP_FLAG.RST | TCP_FLAG.ACK, seq: c.sndNxt, payload: new Uint8Array(0), retransmit: false }) ?? [];
  const tcp = baseRepr(c, TCP_FLAG.RST | TCP_FLAG.ACK, c.sndNxt, c.rcvNxt, 0, opts);
  c.enterClosed(c.error);
  return { src: c.local.addr, dst: c.remote.addr, tcp, payload: new Uint8Array(0) };
}

function commitSyn(c: TcpConnection, ack: boolean, now: Instant): Segment {
  const flags = TCP_FLAG.SYN | (ack ? TCP_FLAG.ACK : 0);
  const offer = c.neg && ack ? { ...c.offer, wscale: c.neg.sndWscale === 0 && c.neg.rcvWscale === 0 ? undefined : c.offer.wscale } : c.offer;
  const opts = synOptions(offer, c.tsVal(now), ack ? c.tsRecent : 0);
  const empty = new Uint8Array(0);
  opts.push(...(c.ext?.outgoingOptions(c, { flags, seq: c.iss, payload: empty, retransmit: c.sndMax !== c.iss }) ?? []));
  // RFC 7323 §2.2: "The window field in a segment where the SYN bit is set ... MUST NOT be scaled."
  const tcp = baseRepr(c, flags, c.iss, ack ? c.rcvNxt : seqNum(0), Math.min(65535, c.receiveWindow()), opts);
  advance(c, seqAdd(c.iss, 1), now);
  if (ack) clearAck(c);
  return { src: c.local.addr, dst: c.remote.addr, tcp, payload: empty };
}

function commitData(c: TcpConnection, plan: Extract<Plan, { kind: "data" }>, now: Instant): Segment {
  const payload = c.sendBuf.peek(seqDiff(plan.seq, c.sendBufSeq), plan.len);
  let flags = TCP_FLAG.ACK | (plan.fin ? TCP_FLAG.FIN : 0);
  if (plan.len > 0 && seqDiff(plan.seq, c.sendBufSeq) + plan.len === c.sendBuf.length) flags |= TCP_FLAG.PSH;
  if (plan.advance) {
    c.probe = false;
    advance(c, seqAdd(plan.seq, plan.len + (plan.fin ? 1 : 0)), now);
  } else c.fastRetransmit = false;
  return finish(c, flags, plan.seq, payload, plan.retransmit, now);
}

/** Moves SND.NXT to `end`, taking an RTT sample for new data (Karn) and arming the retransmission timer. */
function advance(c: TcpConnection, end: SeqNum, now: Instant): void {
  const fresh = seqGe(c.sndNxt, c.sndMax);
  c.sndNxt = end;
  if (fresh && !c.rttSample) c.rttSample = { seq: end, sentAt: now };
  c.sndMax = seqMax(c.sndMax, end);
  // RFC 6298 §5.1: "Every time a packet containing data is sent ... start it running" if it is not running.
  c.retransmitAt ??= now + c.rtt.rto;
}

function clearAck(c: TcpConnection): void {
  c.ackNow = false;
  c.delayedAckAt = undefined;
  c.unackedSegments = 0;
}

/** Adds ACK-time options (timestamps, SACK, extension) and builds the segment. */
function finish(c: TcpConnection, flags: number, seq: SeqNum, payload: Uint8Array, retransmit: boolean, now: Instant): Segment {
  const opts: TcpOption[] = [];
  if (c.neg?.timestamps) opts.push({ kind: "nop" }, { kind: "nop" }, { kind: "timestamps", tsVal: c.tsVal(now), tsEcr: c.tsRecent });
  // Cleared before the extension runs, so an extension that still has options to send can ask for another ACK.
  clearAck(c);
  const extOpts = c.ext?.outgoingOptions(c, { flags, seq, payload, retransmit }) ?? [];
  if (c.neg?.sackPermitted && !c.assembler.isEmpty) {
    const room = Math.floor((40 - tcpOptionsLen(opts) - tcpOptionsLen(extOpts) - 4) / 8);
    if (room > 0) opts.push({ kind: "nop" }, { kind: "nop" }, { kind: "sack", blocks: c.assembler.blocks(Math.min(3, room)) });
  }
  opts.push(...extOpts);
  const scale = c.neg?.rcvWscale ?? 0;
  const window = Math.min(65535, Math.floor(c.receiveWindow() / 2 ** scale));
  return { src: c.local.addr, dst: c.remote.addr, tcp: baseRepr(c, flags, seq, c.rcvNxt, window, opts), payload };
}

/** RFC 9293 §3.8.6.1: with a zero window and data waiting, probe after an RTO. */
function armPersist(c: TcpConnection, now: Instant): void {
  if (!isSynchronized(c.state) || c.sndWnd !== 0 || c.flightSize !== 0) return;
  const offset = seqDiff(c.sndNxt, c.sendBufSeq);
  if (offset >= 0 && c.sendBuf.length - offset > 0) c.persistAt ??= now + c.rtt.rto;
}
