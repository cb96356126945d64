/**
 * DSS checks (RFC 8684 §3.3): checksums used iff negotiated (CS-01) and correct (CS-02, §3.3.1),
 * mappings that never change (DSS-02) and cover all payload (DSS-01), Data ACKs that only grow
 * and never pass the data sent (DSS-05, §3.3.2), DATA_FIN accounting (DSS-07, §3.3.3), and the
 * infinite mapping that starts a fallback (§3.7).
 */
import { dssChecksum } from "../wire/checksum.ts";
import type { DssOption } from "../wire/mptcp-options.ts";
import { type DataSeq, dataSeqAdd, dataSeqDiff, dataSeqLt, expandDataSeq32, seqAdd, seqOffset } from "../wire/seq.ts";
import { type DataAckDip, type DataAckHistory, type MptcpConnection, type Side, type Subflow, idsnOf, otherDir, otherSide, sideOf } from "./connection.ts";
import { check, hex, type SegmentContext, type VerifyState } from "./context.ts";
import { type AssembledMapping, type MappingEntry, mappedDataLen } from "./mapping-book.ts";
import { checkWindow, noteWindow } from "./check-window.ts";

/** A mapping as received, the DSN already 64 bits wide. */
export interface ReceivedMapping {
  readonly dsn: DataSeq;
  readonly ssn: number;
  readonly dll: number;
  readonly fin: boolean;
  readonly checksum?: number;
}

/** A DSN relative to a side's IDSN, for messages: `1234 (idsn+5)`. */
function dsnText(conn: MptcpConnection, side: Side, v: DataSeq): string {
  const idsn = idsnOf(conn, side);
  return idsn === undefined ? `${v}` : `${v} (idsn+${dataSeqDiff(v, idsn)})`;
}

/** Handles a DSS option sent by `side`. */
export function onDss(cx: SegmentContext, side: Side, o: DssOption): void {
  const conn = cx.sf.conn as MptcpConnection;
  if (o.dataAck !== undefined) onDataAck(cx, side, o.dataAck, o.dataAck64);
  if (o.mapping === undefined) {
    // RFC 8684 §3.3.3: the DATA_FIN's DSN is that of the mapping it is part of.
    if (o.dataFin) check(cx, "DSS-07", false, () => "DATA_FIN without a mapping: it has no data sequence number");
    return;
  }
  const m = o.mapping;
  const near = conn.data[side].lastDsn ?? idsnOf(conn, side) ?? 0n;
  const dsn = o.dsn64 ? m.dsn : expandDataSeq32(Number(m.dsn), near);
  const base = { dsn, ssn: m.subflowSeq, dll: m.dataLevelLength, fin: o.dataFin };
  applyMapping(cx, side, m.checksum === undefined ? base : { ...base, checksum: m.checksum });
}

/** Records and checks one mapping sent by `side` (from a DSS or from MP_CAPABLE with data). */
export function applyMapping(cx: SegmentContext, side: Side, m: ReceivedMapping): void {
  const conn = cx.sf.conn as MptcpConnection;
  const data = conn.data[side];
  // RFC 8684 §3.3.1: "the checksum ... MUST be included ... if ... negotiated" and absent otherwise.
  check(cx, "CS-01", (m.checksum !== undefined) === conn.checksums, () =>
    conn.checksums ? "DSS mapping without a checksum although checksums were negotiated" : "DSS mapping carries a checksum although none was negotiated");
  if (m.dll === 0) {
    startFallback(cx, side, "infinite mapping");
    return;
  }
  if (m.fin) dataFin(cx, side, m);
  else if (data.dataFin !== undefined) {
    const fin = data.dataFin.dsn;
    check(cx, "DSS-07", !dataSeqLt(fin, dataSeqAdd(m.dsn, m.dll - 1)), () => `mapping dsn ${dsnText(conn, side, m.dsn)} dll ${m.dll} goes past the DATA_FIN at ${dsnText(conn, side, fin)}`);
  }
  const end = dataSeqAdd(m.dsn, m.dll);
  checkWindow(cx, side, m.dsn, dataSeqAdd(m.dsn, mappedDataLen(m)));
  if (data.sentEnd === undefined || dataSeqLt(data.sentEnd, end)) data.sentEnd = end;
  data.lastDsn = m.dsn;
  const book = cx.sf.books[cx.dir];
  const continuityDsn = book.dsnAfter(m.ssn);
  const entry: MappingEntry = {
    ssn: m.ssn, dsn: m.dsn, dll: m.dll, fin: m.fin, frame: cx.seg.frame,
    ...(continuityDsn === undefined ? {} : { continuityDsn }), ...(m.checksum === undefined ? {} : { checksum: m.checksum }),
  };
  if (mappedDataLen(entry) === 0) {
    if (m.checksum !== undefined) assembled(cx.st, cx.flow, [{ entry, checksum: m.checksum, frame: cx.seg.frame, frames: [], payload: new Uint8Array(0) }]);
    return;
  }
  const added = book.add(entry);
  check(cx, "DSS-02", added.kind !== "conflict", () => {
    const e = added.kind === "conflict" ? added.earlier : entry;
    // The earlier mapping gives this mapping's first subflow byte its DSN.
    const want = e.dsn + BigInt(m.ssn - e.ssn);
    const message = `mapping dsn ${m.dsn} ssn ${m.ssn} dll ${m.dll} changes the mapping dsn ${e.dsn} ssn ${e.ssn} dll ${e.dll} sent in frame ${e.frame}`;
    return want !== m.dsn ? { message, field: "DSN", carried: `${m.dsn}`, expected: `${want}` } : { message, field: "DLL", carried: `${m.dll}`, expected: `${e.dll}` };
  });
  // A repeated mapping is put together again only from a segment that starts it (a retransmission
  // of the whole mapping); a segment in its middle is part of the assembly already open.
  const isn = cx.sf.isn[cx.dir];
  const startsHere = isn !== undefined && seqOffset(cx.seg.tcp.seq, isn) === m.ssn;
  if (m.checksum !== undefined && conn.checksums && (added.kind !== "repeat" || startsHere)) {
    assembled(cx.st, cx.flow, book.expectPayload(entry, m.checksum, cx.seg.frame));
  }
}

/** RFC 8684 §3.3.3 DATA_FIN rules for a mapping with F set. */
function dataFin(cx: SegmentContext, side: Side, m: ReceivedMapping): void {
  const conn = cx.sf.conn as MptcpConnection;
  const data = conn.data[side];
  if (m.dll === 1 && cx.seg.payload.length === 0) {
    // RFC 8684 §3.3.3: "If the DATA_FIN is not attached to a TCP segment containing data, the Data
    // Sequence Signal MUST have a subflow sequence number of 0, a Data-Level Length of 1".
    check(cx, "DSS-07", m.ssn === 0, () => `DATA_FIN without data has subflow sequence number ${m.ssn}, must be 0`);
  }
  const fin = dataSeqAdd(m.dsn, m.dll - 1);
  const earlier = data.dataFin;
  check(cx, "DSS-07", earlier === undefined || earlier.dsn === fin, () => `DATA_FIN at ${dsnText(conn, side, fin)} differs from the DATA_FIN at ${dsnText(conn, side, earlier?.dsn ?? 0n)} in frame ${earlier?.frame}`);
  data.dataFin ??= { dsn: fin, frame: cx.seg.frame };
}

/**
 * Data ACK sent by `side`, acknowledging the other side's data (RFC 8684 §3.3.2). A value that
 * fails is never the reference for later ones: one wrong Data ACK is one finding, not one per
 * later packet. A Data ACK that later ones go back below, while they stay at or above the one
 * before it, is the wrong one (a spike), reported at its own frame.
 */
function onDataAck(cx: SegmentContext, side: Side, raw: bigint, wide: boolean): void {
  const conn = cx.sf.conn as MptcpConnection;
  const peer = otherSide(side);
  const idsn = idsnOf(conn, peer);
  const sentEnd = conn.data[peer].sentEnd;
  const hist = cx.sf.lastDataAck[cx.dir];
  const last = hist?.ack;
  const near = last ?? sentEnd ?? (idsn === undefined ? undefined : dataSeqAdd(idsn, 1));
  if (!wide && near === undefined) {
    cx.st.ledger.skip("DSS-05", "32-bit Data ACK before the peer's key is known");
    return;
  }
  const ack = wide ? raw : expandDataSeq32(Number(raw), near as DataSeq);
  const carried = dsnText(conn, peer, ack);
  let ok = true;
  if (idsn !== undefined) {
    ok = check(cx, "DSS-05", !dataSeqLt(ack, dataSeqAdd(idsn, 1)), () => ({
      message: `Data ACK ${carried} is below the peer's IDSN + 1`, field: "Data ACK", carried, expected: `>= ${dsnText(conn, peer, dataSeqAdd(idsn, 1))}`,
      // The same wrong key or IDSN puts every Data ACK of the flow below it: one cause.
      cause: "below-idsn",
    }));
  }
  if (ok && sentEnd !== undefined) {
    ok = check(cx, "DSS-05", !dataSeqLt(sentEnd, ack), () => ({
      message: `Data ACK ${carried} is beyond the data sent, which ends at ${dsnText(conn, peer, sentEnd)}`,
      field: "Data ACK", carried, expected: `<= ${dsnText(conn, peer, sentEnd)}`,
    }));
  }
  if (!ok) return;
  noteWindow(cx, side, ack);
  const pending = hist?.dip;
  if (hist !== undefined && pending !== undefined) {
    // RFC 8684 §3.3.2: the Data ACK is cumulative. The previous one went back below `last`: this
    // one tells which was wrong. Back at or above `last`: the dip; still below: the spike `last`.
    if (!dataSeqLt(ack, hist.ack)) reportDip(cx, conn, peer, hist.ack, pending);
    else reportSpike(cx, conn, peer, hist, pending.ack);
    const base = dataSeqLt(ack, hist.ack) ? hist.before : hist.ack;
    cx.sf.lastDataAck[cx.dir] = { ack, frame: cx.seg.frame, ...(base === undefined ? {} : { before: base }) };
    return;
  }
  if (hist !== undefined && dataSeqLt(ack, hist.ack)) {
    cx.sf.lastDataAck[cx.dir] = { ...hist, dip: { ack, frame: cx.seg.frame, flow: cx.flow } };
    return;
  }
  if (hist === undefined || dataSeqLt(hist.ack, ack)) cx.sf.lastDataAck[cx.dir] = { ack, frame: cx.seg.frame, ...(hist === undefined ? {} : { before: hist.ack }) };
}

/** A Data ACK that went back below `last` while the next one did not: it is the wrong one (DSS-05). */
function reportDip(cx: SegmentContext, conn: MptcpConnection, peer: Side, last: DataSeq, dip: DataAckDip): void {
  cx.st.ledger.check("DSS-05", false, dip.frame, dip.flow, () => ({
    message: `Data ACK ${dsnText(conn, peer, dip.ack)} goes back from ${dsnText(conn, peer, last)} on this subflow`,
    field: "Data ACK", carried: dsnText(conn, peer, dip.ack), expected: `>= ${dsnText(conn, peer, last)}`,
  }));
}

/** A Data ACK the later ones went back below, staying above the one before it: the spike is wrong (DSS-05). */
function reportSpike(cx: SegmentContext, conn: MptcpConnection, peer: Side, hist: DataAckHistory, after: DataSeq): void {
  const around = hist.before === undefined ? `${dsnText(conn, peer, after)} after` : `${dsnText(conn, peer, hist.before)} before, ${dsnText(conn, peer, after)} after`;
  cx.st.ledger.check("DSS-05", false, hist.frame, cx.flow, () => ({
    message: `Data ACK ${dsnText(conn, peer, hist.ack)} is ahead of the Data ACKs around it (${around})`,
    field: "Data ACK", carried: dsnText(conn, peer, hist.ack), expected: `<= ${dsnText(conn, peer, after)}`,
  }));
}

/** At the end of the capture, a dip no later Data ACK explained is reported as one (DSS-05). */
export function settleDataAcks(st: VerifyState, sf: Subflow): void {
  for (const dir of ["fwd", "rev"] as const) {
    const h = sf.lastDataAck[dir];
    const conn = sf.conn;
    const side = sideOf(sf, dir);
    if (h?.dip === undefined || conn === undefined || side === undefined) continue;
    const peer = otherSide(side);
    st.ledger.check("DSS-05", false, h.dip.frame, h.dip.flow, () => ({
      message: `Data ACK ${dsnText(conn, peer, h.dip!.ack)} goes back from ${dsnText(conn, peer, h.ack)} on this subflow`,
      field: "Data ACK", carried: dsnText(conn, peer, h.dip!.ack), expected: `>= ${dsnText(conn, peer, h.ack)}`,
    }));
  }
}

/** CS-02 verdicts for mappings whose payload has been put together (RFC 8684 §3.3.1). */
export function assembled(st: VerifyState, flow: string, done: readonly AssembledMapping[]): void {
  for (const a of done) {
    if (!(a.payload instanceof Uint8Array)) {
      st.ledger.skip("CS-02", a.payload.skipped);
      continue;
    }
    const { dsn, ssn, dll } = a.entry;
    const computed = dssChecksum(dsn, ssn, dll, a.payload);
    const others = a.frames.filter((f) => f !== a.frame);
    const where = others.length > 0 ? `; payload in frames ${[...new Set(a.frames)].join(", ")}` : "";
    st.ledger.check("CS-02", computed === a.checksum, a.frame, flow, () => {
      // The checksum covers the DSN (§3.3.1 pseudo-header): if the DSN that continues the
      // subflow's previous mapping makes it match, the DSN is what changed, not the payload.
      const alt = a.entry.continuityDsn;
      if (alt !== undefined && alt !== dsn && dssChecksum(alt, ssn, dll, a.payload as Uint8Array) === a.checksum) {
        return {
          message: `DSS checksum ${hex(a.checksum, 4)} does not match the mapping's DSN ${dsn}, but matches DSN ${alt}, where the subflow's previous mapping ends: the DSN is wrong (ssn ${ssn} dll ${dll}${where})`,
          field: "DSN", carried: `${dsn}`, expected: `${alt}`,
        };
      }
      return { message: `DSS checksum ${hex(a.checksum, 4)} does not match ${hex(computed, 4)} (dsn ${dsn} ssn ${ssn} dll ${dll}${where})`, field: "DSS checksum", carried: hex(a.checksum, 4), expected: hex(computed, 4) };
    });
  }
}

/**
 * Payload on an MPTCP subflow must lie in a mapping (RFC 8684 §3.3, DSS-01). Before the peer has
 * sent any DSS on a single-subflow connection, unmapped data instead means fallback (§3.7).
 */
export function onPayload(cx: SegmentContext, side: Side): void {
  const { sf, seg, dir } = cx;
  const isn = sf.isn[dir];
  if (isn === undefined || seg.payload.length === 0) return;
  const rel = seqOffset(seg.tcp.seq, isn);
  const conn = sf.conn as MptcpConnection;
  const covered = sf.books[dir].covers(rel, rel + seg.payload.length);
  if (!covered && conn.subflows.length === 1 && !conn.dssSent[otherSide(side)]) {
    startFallback(cx, side, "data without a mapping before the connection was fully established");
  } else {
    check(cx, "DSS-01", covered, () => ({
      message: `payload at relative sequence ${rel} length ${seg.payload.length} is not covered by any mapping`, field: "mapping", carried: "none", expected: `a mapping covering ${rel}..${rel + seg.payload.length}`,
      // Unmapped data on a subflow is one cause (a middlebox stripping DSS, a lost fallback): one finding.
      cause: "unmapped",
    }));
  }
  assembled(cx.st, cx.flow, sf.books[dir].feed(rel, seg.payload, seg.truncated, seg.frame));
}

/**
 * `side` falls back from the next segment on (RFC 8684 §3.7); the peer once its TCP ack shows it
 * has received this segment.
 */
export function startFallback(cx: SegmentContext, side: Side, reason: string): void {
  const conn = cx.sf.conn as MptcpConnection;
  conn.data[side].fallbackFrom ??= { frame: cx.seg.frame, order: cx.seg.order, reason, id: "FB-06" };
  const peer = otherSide(side);
  if (conn.data[peer].fallbackFrom !== undefined) return;
  const ackPast = seqAdd(cx.seg.tcp.seq, Math.max(1, cx.seg.payload.length));
  conn.pendingFallback.push({ side: peer, subflow: cx.sf, dir: otherDir(cx.dir), ackPast, reason, frame: cx.seg.frame });
}
