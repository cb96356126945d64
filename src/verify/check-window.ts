/**
 * The data-level receive window (RFC 8684 §3.3.4, DSS-06): "the receive window is relative to
 * the DATA_ACK", shared by the connection; a sender "MUST NOT send data beyond the window". Each
 * Data ACK a side sends, with its segment's window (scaled by the subflow's window scale, RFC
 * 7323 §2.3), moves the right edge the peer may send up to; no mapping of the peer may end past
 * the highest edge seen so far (the highest, so that a capture on either host never sees an edge
 * the sender had not yet been given). A one-octet zero-window probe past the edge is allowed.
 */
import { TCP_FLAG } from "../wire/tcp.ts";
import { otherDir } from "../capture/flow-table.ts";
import { type MptcpConnection, type Side, otherSide } from "./connection.ts";
import { check, type SegmentContext } from "./context.ts";

/** Records the window edge a Data ACK of `side` (already expanded to 64 bits) gives its peer. */
export function noteWindow(cx: SegmentContext, side: Side, dataAck: bigint): void {
  const { sf, dir, seg } = cx;
  if ((seg.tcp.flags & TCP_FLAG.SYN) !== 0) return;
  // RFC 7323 §2.3: the shift applies only when both SYNs carried Window Scale.
  const both = sf.wscale[dir] !== undefined && sf.wscale[otherDir(dir)] !== undefined;
  const edge = dataAck + (BigInt(seg.tcp.window) << BigInt(both ? sf.wscale[dir] as number : 0));
  const data = (sf.conn as MptcpConnection).data[otherSide(side)];
  if (data.windowEdge === undefined || data.windowEdge < edge) data.windowEdge = edge;
}

/** DSS-06: a mapping of `side` ending at `end` (exclusive, DATA_FIN octet left out) stays within the peer's window. */
export function checkWindow(cx: SegmentContext, side: Side, dsn: bigint, end: bigint): void {
  const edge = (cx.sf.conn as MptcpConnection).data[side].windowEdge;
  if (edge === undefined) return;
  // RFC 9293 §3.8.6.1: a sender facing a zero window probes it with one octet past the edge.
  const probe = end - dsn === 1n && end === edge + 1n;
  check(cx, "DSS-06", end <= edge || probe, () => ({
    message: `mapping dsn ${dsn} ends at ${end}, ${end - edge} bytes past the receive window the peer gave (Data ACK + window = ${edge})`,
    field: "mapping end", carried: `${end}`, expected: `<= ${edge}`,
    // A sender past the window stays past it for a burst: one finding per flow.
    cause: "beyond-window",
  }));
}
