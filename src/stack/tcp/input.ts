/**
 * Segment arrival (RFC 9293 §3.10.7) as a table of handlers per state (house-style rule 19):
 * SYN-SENT has its own handler; the synchronized states share the RFC's ordered checks
 * (sequence, RST, SYN, ACK, text, FIN) whose state-specific parts come from state.ts.
 * RST and SYN in a synchronized state follow RFC 5961 (challenge ACKs).
 */
import { type SeqNum, seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt, seqMin } from "../../wire/seq.ts";
import { findTcpOption } from "../../wire/tcp-options.ts";
import { TCP_FLAG } from "../../wire/tcp.ts";
import { ERRNO } from "../errno.ts";
import type { Instant } from "../instant.ts";
import type { Segment } from "../segment.ts";
import type { TcpConnection } from "./connection.ts";
import { type TcpState, acceptsText, stateAfterFin, stateAfterFinAcked } from "./state.ts";
import { answerOffer, negotiate, peerSynOffer } from "./syn-options.ts";

type Handler = (c: TcpConnection, now: Instant, seg: Segment) => void;

const ignore: Handler = () => {};

/** The input handler of each state. LISTEN and unknown 4-tuples are the host's business. */
const HANDLERS: Readonly<Record<TcpState, Handler>> = {
  Closed: ignore,
  Listen: ignore,
  SynSent: onSynSent,
  SynReceived: onSynchronized,
  Established: onSynchronized,
  FinWait1: onSynchronized,
  FinWait2: onSynchronized,
  CloseWait: onSynchronized,
  Closing: onSynchronized,
  LastAck: onSynchronized,
  TimeWait: onSynchronized,
};

/** Processes one inbound segment addressed to `c`. */
export function inputSegment(c: TcpConnection, now: Instant, seg: Segment): void {
  HANDLERS[c.state](c, now, seg);
}

/** Starts an active open: the SYN goes out at the next poll. */
export function openActive(c: TcpConnection): void {
  c.state = "SynSent";
}

/** Starts a passive open from the peer's SYN (RFC 9293 §3.10.7.2, LISTEN "third check for a SYN"). */
export function openPassive(c: TcpConnection, seg: Segment): void {
  const peer = peerSynOffer(seg.tcp.options, c.ipv6);
  c.offer = answerOffer(c.offer, peer);
  adoptPeerSyn(c, seg);
  c.sndWnd = seg.tcp.window;
  c.state = "SynReceived";
}

function adoptPeerSyn(c: TcpConnection, seg: Segment): void {
  c.irs = seg.tcp.seq;
  c.rcvNxt = seqAdd(seg.tcp.seq, 1);
  c.neg = negotiate(c.offer, peerSynOffer(seg.tcp.options, c.ipv6));
  c.cong.setMss(c.effectiveMss, c.cfg.initialCwndSegments);
  const ts = findTcpOption(seg.tcp.options, "timestamps");
  if (ts) c.tsRecent = ts.tsVal;
}

function has(seg: Segment, flag: number): boolean {
  return (seg.tcp.flags & flag) !== 0;
}

/** RFC 9293 §3.10.7.3, SYN-SENT. */
function onSynSent(c: TcpConnection, now: Instant, seg: Segment): void {
  const { ack } = seg.tcp;
  if (has(seg, TCP_FLAG.ACK) && (seqLe(ack, c.iss) || seqGt(ack, c.sndMax))) {
    // "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set ...) <SEQ=SEG.ACK><CTL=RST>"
    if (!has(seg, TCP_FLAG.RST)) c.rstReplies.push(ack);
    return;
  }
  if (has(seg, TCP_FLAG.RST)) {
    // "If the ACK was acceptable, then signal to the user "error: connection reset", drop the segment"
    if (has(seg, TCP_FLAG.ACK)) c.enterClosed(ERRNO.ECONNREFUSED);
    return;
  }
  if (!has(seg, TCP_FLAG.SYN)) return;
  adoptPeerSyn(c, seg);
  if (!has(seg, TCP_FLAG.ACK)) {
    // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment".
    c.state = "SynReceived";
    c.sndNxt = c.iss;
    return;
  }
  newAck(c, now, ack);
  updateWindow(c, seg, true);
  if (c.ext?.onSynAck(c, seg) === "reset") {
    // RFC 8684 §3.2 (MPJ-03, FB-04): the refused subflow is closed "with a RST": the peer already holds state.
    c.rstPending = true;
    return;
  }
  c.enterEstablished();
  c.ackNow = true;
}

/** RFC 9293 §3.10.7.4, every synchronized state. */
function onSynchronized(c: TcpConnection, now: Instant, seg: Segment): void {
  if (!acceptable(c, seg)) {
    // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply (unless the RST bit is set)"
    if (!has(seg, TCP_FLAG.RST)) c.ackNow = true;
    return;
  }
  if (has(seg, TCP_FLAG.RST)) return onRst(c, seg);
  if (has(seg, TCP_FLAG.SYN)) return onSynInWindow(c, seg);
  if (!has(seg, TCP_FLAG.ACK)) return;
  updateTsRecent(c, seg);
  const verdict = c.ext?.onSegment(c, seg) ?? "continue";
  if (verdict === "reset") return c.abort();
  if (verdict === "drop") return;
  if (!onAck(c, now, seg)) return;
  onText(c, now, seg);
  onFin(c, now, seg);
}

/** The four-case acceptability test of RFC 9293 §3.10.7.4 (Table 6). */
function acceptable(c: TcpConnection, seg: Segment): boolean {
  const len = seg.payload.length + (has(seg, TCP_FLAG.SYN) ? 1 : 0) + (has(seg, TCP_FLAG.FIN) ? 1 : 0);
  const wnd = c.receiveWindow();
  const seq = seg.tcp.seq;
  if (wnd === 0) return seq === c.rcvNxt; // "special allowance ... to accept valid ACKs, URGs, and RSTs"
  const end = seqAdd(c.rcvNxt, wnd);
  if (len === 0) return seqInWindow(seq, c.rcvNxt, end);
  return seqInWindow(seq, c.rcvNxt, end) || seqInWindow(seqAdd(seq, len - 1), c.rcvNxt, end);
}

function onRst(c: TcpConnection, seg: Segment): void {
  // RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly matches the next expected
  // sequence number (RCV.NXT), then TCP MUST reset the connection"; otherwise send a challenge ACK.
  if (seg.tcp.seq !== c.rcvNxt) {
    c.ackNow = true;
    return;
  }
  c.ext?.onRst(c, seg);
  const quiet = c.state === "Closing" || c.state === "LastAck" || c.state === "TimeWait";
  c.enterClosed(quiet ? undefined : c.state === "SynReceived" ? ERRNO.ECONNREFUSED : ERRNO.ECONNRESET);
}

function onSynInWindow(c: TcpConnection, seg: Segment): void {
  if (c.state === "SynReceived" && seg.tcp.seq === c.irs) {
    c.sndNxt = c.iss; // a retransmitted SYN: send the SYN,ACK again
    return;
  }
  // RFC 5961 §4.2: "the TCP MUST send an ACK (challenge ACK) to the remote peer".
  c.ackNow = true;
}

function updateTsRecent(c: TcpConnection, seg: Segment): void {
  const ts = c.neg?.timestamps ? findTcpOption(seg.tcp.options, "timestamps") : undefined;
  // RFC 7323 §4.3: "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval is copied to TS.Recent".
  if (ts && seqLe(seg.tcp.seq, c.rcvNxt) && seqGe(ts.tsVal as SeqNum, c.tsRecent as SeqNum)) c.tsRecent = ts.tsVal;
}

/** "Fifth, check the ACK field"; returns false when the segment is to be dropped. */
function onAck(c: TcpConnection, now: Instant, seg: Segment): boolean {
  const { ack } = seg.tcp;
  if (c.state === "SynReceived") {
    if (!(seqLt(c.sndUna, ack) && seqLe(ack, c.sndMax))) {
      c.rstReplies.push(ack); // "form a reset segment <SEQ=SEG.ACK><CTL=RST>"
      return false;
    }
    c.enterEstablished();
  }
  if (seqGt(ack, c.sndMax)) {
    c.ackNow = true; // "If the ACK acks something not yet sent ... send an ACK, drop the segment"
    return false;
  }
  if (seqGt(ack, c.sndUna)) newAck(c, now, ack);
  else if (isDupAck(c, seg) && c.cong.onDupAck(c.flightSize, c.sndNxt)) c.fastRetransmit = true;
  if (seqGe(ack, c.sndUna)) updateWindow(c, seg, false);
  if (c.finQueued && seqGt(c.sndUna, c.finSeq)) {
    const next = stateAfterFinAcked(c.state);
    if (next === "TimeWait" && c.state !== "TimeWait") c.enterTimeWait(now);
    else if (next === "Closed") c.enterClosed(undefined);
    else c.state = next;
  }
  return c.state !== "Closed";
}

/** RFC 5681 §2: a duplicate ACK acknowledges nothing new, carries no data and does not move the window. */
function isDupAck(c: TcpConnection, seg: Segment): boolean {
  return seg.tcp.ack === c.sndUna && seg.payload.length === 0 && c.flightSize > 0
    && !has(seg, TCP_FLAG.FIN) && seg.tcp.window * 2 ** (c.neg?.sndWscale ?? 0) === c.sndWnd;
}

/** SND.UNA advances to `ack`: release data, sample the RTT, restart or stop the retransmission timer. */
function newAck(c: TcpConnection, now: Instant, ack: SeqNum): void {
  const acked = seqDiff(ack, c.sndUna);
  const dataAcked = Math.max(0, seqDiff(seqMin(ack, c.finSeq), c.sendBufSeq));
  c.sendBuf.drop(dataAcked);
  c.sendBufSeq = seqAdd(c.sendBufSeq, dataAcked);
  c.sndUna = ack;
  if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
  if (c.rttSample && seqGe(ack, c.rttSample.seq)) {
    c.rtt.sample(now - c.rttSample.sentAt);
    c.rttSample = undefined;
  }
  c.rtt.resetBackoff();
  c.retries = 0;
  c.cong.onAck(acked);
  // RFC 6298 §5.2–5.3: stop the timer when all data is acknowledged, else restart it.
  c.retransmitAt = c.sndUna === c.sndMax ? undefined : now + c.rtt.rto;
  c.persistAt = undefined;
  if (dataAcked > 0) c.ext?.onAcked(c, dataAcked);
}

/** RFC 9293 §3.10.7.4: "If SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK), set SND.WND <- SEG.WND". */
function updateWindow(c: TcpConnection, seg: Segment, syn: boolean): void {
  const { seq, ack, window } = seg.tcp;
  if (!syn && !(seqLt(c.sndWl1, seq) || (c.sndWl1 === seq && seqLe(c.sndWl2, ack)))) return;
  c.sndWnd = syn ? window : window * 2 ** (c.neg?.sndWscale ?? 0);
  c.sndWl1 = seq;
  c.sndWl2 = ack;
}

/** "Seventh, process the segment text": in-order delivery, out-of-order reassembly, delayed ACK. */
function onText(c: TcpConnection, now: Instant, seg: Segment): void {
  if (!acceptsText(c.state) || seg.payload.length === 0) return;
  let { seq } = seg.tcp;
  let data = seg.payload;
  if (seqLt(seq, c.rcvNxt)) {
    data = data.subarray(Math.min(data.length, seqDiff(c.rcvNxt, seq)));
    seq = c.rcvNxt;
  }
  data = data.subarray(0, Math.max(0, c.receiveWindow() - seqDiff(seq, c.rcvNxt)));
  if (data.length === 0) {
    c.ackNow = true;
    return;
  }
  if (seq !== c.rcvNxt) {
    // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK when an out-of-order segment arrives."
    c.assembler.insert(seq, data);
    c.ackNow = true;
    return;
  }
  const hadHoles = !c.assembler.isEmpty;
  deliver(c, data);
  if (hadHoles) deliver(c, c.assembler.take(c.rcvNxt));
  c.unackedSegments++;
  // RFC 9293 §3.8.6.3: "an ACK SHOULD be generated for at least every second full-sized segment"; and
  // RFC 5681 §4.2: "an immediate ACK ... when the incoming segment fills in all or part of a gap".
  if (c.unackedSegments >= 2 || hadHoles) c.ackNow = true;
  else c.scheduleAck(now);
  if (c.pendingFinSeq !== undefined && c.pendingFinSeq === c.rcvNxt) acceptFin(c, now);
}

function deliver(c: TcpConnection, data: Uint8Array): void {
  if (data.length === 0) return;
  const seq = c.rcvNxt;
  c.rcvNxt = seqAdd(c.rcvNxt, data.length);
  if (c.ext) c.ext.onData(c, seq, data);
  else c.recvQueue.push(data);
}

/** "Eighth, check the FIN bit". */
function onFin(c: TcpConnection, now: Instant, seg: Segment): void {
  if (!has(seg, TCP_FLAG.FIN) || c.finReceived) {
    if (c.state === "TimeWait" && has(seg, TCP_FLAG.FIN)) c.enterTimeWait(now);
    return;
  }
  const finSeq = seqAdd(seg.tcp.seq, seg.payload.length);
  if (finSeq === c.rcvNxt) acceptFin(c, now);
  else if (seqGt(finSeq, c.rcvNxt)) c.pendingFinSeq = finSeq;
}

function acceptFin(c: TcpConnection, now: Instant): void {
  c.pendingFinSeq = undefined;
  c.rcvNxt = seqAdd(c.rcvNxt, 1);
  c.finReceived = true;
  c.ackNow = true;
  c.ext?.onFin(c);
  const ourFinAcked = c.finQueued && seqGt(c.sndUna, c.finSeq);
  const next = stateAfterFin(c.state, ourFinAcked);
  if (next === "TimeWait") c.enterTimeWait(now);
  else c.state = next;
}
