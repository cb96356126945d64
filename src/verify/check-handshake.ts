/**
 * MP_CAPABLE checks (RFC 8684 §3.1): option lengths and keys per handshake step (MPC-01), the
 * B flag (MPC-03) and reserved flags D–G (MPC-05), checksum negotiation (CS-01), the implicit
 * first mapping of MP_CAPABLE with data (MPC-08), and the connection it creates.
 */
import { type MpCapableOption, MPC_FLAG } from "../wire/mptcp-options.ts";
import { dataSeqAdd, seqOffset } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import { applyMapping } from "./check-dss.ts";
import { idsnOf, newConnection, sideOf } from "./connection.ts";
import { check, hex, registerKeys, type SegmentContext } from "./context.ts";

const RESERVED_DG = MPC_FLAG.D | MPC_FLAG.E | MPC_FLAG.F | MPC_FLAG.G;

function flagChecks(cx: SegmentContext, o: MpCapableOption, step: string): void {
  // RFC 8684 §3.1: "B: The second bit ... MUST be set to 0 ... by implementations of this specification".
  check(cx, "MPC-03", (o.flags & MPC_FLAG.B) === 0, () => `MP_CAPABLE on the ${step} sets B (extensibility), which must be 0`);
  // RFC 8684 §3.1: "D through G ... MUST be set to zero when sent".
  check(cx, "MPC-05", (o.flags & RESERVED_DG) === 0, () => `MP_CAPABLE on the ${step} sets reserved flags ${hex(o.flags & RESERVED_DG, 2)} (D–G)`);
  if (o.version === 1 && step !== "third ACK") {
    // RFC 8684 §3.1: "An implementation that only supports this method MUST set bit H to 1".
    check(cx, "MPC-01", (o.flags & MPC_FLAG.H) !== 0, () => `MP_CAPABLE on the ${step} does not set H (HMAC-SHA256)`);
  }
}

/** Handles an MP_CAPABLE option on any segment. */
export function onMpCapable(cx: SegmentContext, o: MpCapableOption): void {
  const f = cx.seg.tcp.flags;
  if (f & TCP_FLAG.SYN && !(f & TCP_FLAG.ACK)) onSyn(cx, o);
  else if (f & TCP_FLAG.SYN) onSynAck(cx, o);
  else onAck(cx, o);
}

function onSyn(cx: SegmentContext, o: MpCapableOption): void {
  const { sf, st } = cx;
  if (sf.kind === "join") return;
  sf.synHadMpCapable = true;
  if (sf.conn === undefined) {
    const conn = newConnection(st.connections.length + 1, o.version === 0 ? 0 : 1, o.flags);
    st.connections.push(conn);
    conn.subflows.push(sf);
    sf.conn = conn;
    sf.kind = "initial";
    sf.initiatorSide = "initiator";
  }
  // RFC 8684 §3.1: the v1 SYN carries no key ("Option Sender's Key ... SYN/ACK ... ACK"); v0 carries it.
  const len = o.version === 1 ? 4 : 12;
  check(cx, "MPC-01", (o.sendersKey === undefined) === (o.version === 1) && o.receiversKey === undefined, () => `MP_CAPABLE v${o.version} on the SYN must have length ${len}`);
  if (o.version === 0 && o.sendersKey !== undefined) sf.conn.keys.initiator ??= o.sendersKey;
  flagChecks(cx, o, "SYN");
}

function onSynAck(cx: SegmentContext, o: MpCapableOption): void {
  const { sf, st } = cx;
  const conn = sf.conn;
  if (conn === undefined || sf.kind !== "initial") {
    // RFC 8684 §3.1: MP_CAPABLE in a SYN/ACK answers MP_CAPABLE in the SYN.
    check(cx, "MPC-01", false, () => "SYN/ACK carries MP_CAPABLE but the SYN did not");
    return;
  }
  check(cx, "MPC-01", o.sendersKey !== undefined && o.receiversKey === undefined, () => "MP_CAPABLE on the SYN/ACK must have length 12 (the listener's key)");
  flagChecks(cx, o, "SYN/ACK");
  conn.flags.synAck = o.flags;
  // RFC 8684 §3.1: "If either host requires the use of checksums, checksums MUST be used".
  conn.checksums = ((conn.flags.syn | o.flags) & MPC_FLAG.A) !== 0;
  if (o.sendersKey !== undefined) {
    check(cx, "MPC-01", conn.keys.listener === undefined || conn.keys.listener === o.sendersKey, () => `listener's key changed from ${hex(conn.keys.listener ?? 0n, 16)} to ${hex(o.sendersKey ?? 0n, 16)}`);
    conn.keys.listener ??= o.sendersKey;
    registerKeys(st, conn);
  }
}

function onAck(cx: SegmentContext, o: MpCapableOption): void {
  const { sf, st, seg } = cx;
  const conn = sf.conn;
  if (conn === undefined || sf.kind !== "initial") return;
  if (sideOf(sf, cx.dir) !== "initiator") {
    check(cx, "MPC-01", false, () => "the listener sends MP_CAPABLE after its SYN/ACK");
    return;
  }
  check(cx, "MPC-01", o.sendersKey !== undefined && o.receiversKey !== undefined, () => `MP_CAPABLE on the third ACK must carry both keys (length 20, 22 or 24)`);
  flagChecks(cx, o, "third ACK");
  if (o.receiversKey !== undefined && conn.keys.listener !== undefined) {
    const listener = conn.keys.listener;
    check(cx, "MPC-01", o.receiversKey === listener, () => `third ACK echoes receiver's key ${hex(o.receiversKey ?? 0n, 16)}, the SYN/ACK carried ${hex(listener, 16)}`);
  }
  if (o.sendersKey !== undefined) {
    const known = conn.keys.initiator;
    check(cx, "MPC-01", known === undefined || known === o.sendersKey, () => `initiator's key changed from ${hex(known ?? 0n, 16)} to ${hex(o.sendersKey ?? 0n, 16)}`);
    conn.keys.initiator ??= o.sendersKey;
    registerKeys(st, conn);
  }
  if (seg.payload.length > 0) {
    // RFC 8684 §3.1: the first data segment carries MP_CAPABLE with the Data-Level Length.
    check(cx, "MPC-01", o.dataLevelLength !== undefined, () => "MP_CAPABLE on a data segment lacks the Data-Level Length (length 20)");
  }
  if (o.dataLevelLength !== undefined) mpcData(cx, o, o.dataLevelLength);
}

/** MP_CAPABLE with data: the implicit mapping DSN = IDSN + 1, SSN = 1 (RFC 8684 §3.1, MPC-08). */
function mpcData(cx: SegmentContext, o: MpCapableOption, dll: number): void {
  const { sf, seg } = cx;
  const conn = sf.conn;
  const isn = sf.isn[cx.dir];
  if (conn === undefined) return;
  if (isn !== undefined) {
    // The implicit mapping covers subflow bytes 1..DLL; a sender that segments one block (GSO)
    // repeats the option on every piece, which is the same mapping again (DSS-02 allows that).
    const rel = seqOffset(seg.tcp.seq, isn);
    const end = rel + seg.payload.length - 1;
    check(cx, "MPC-08", rel >= 1 && end <= dll, () => `MP_CAPABLE with data maps subflow bytes 1..${dll} but the segment carries ${rel}..${end}`);
  }
  const idsn = idsnOf(conn, "initiator");
  if (idsn === undefined) return;
  const m = { dsn: dataSeqAdd(idsn, 1), ssn: 1, dll, fin: false };
  applyMapping(cx, "initiator", o.checksum === undefined ? m : { ...m, checksum: o.checksum });
}
