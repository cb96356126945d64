/**
 * Checks of the MPTCP control options (RFC 8684): MP_FASTCLOSE carries the receiver's key (FC-01,
 * §3.5), MP_PRIO has the RFC 8684 form (PR-01, §3.3.8), REMOVE_ADDR names address IDs its sender
 * announced or used (RA-01, §3.4.2), and MP_FAIL carries the DSN of the start of a mapping it
 * received (FB-01, §3.7).
 */
import type { MpFailOption, MpFastcloseOption, MpPrioOption, RemoveAddrOption } from "../wire/mptcp-options.ts";
import { otherDir } from "../capture/flow-table.ts";
import { type MptcpConnection, type Side, otherSide } from "./connection.ts";
import { check, hex, type SegmentContext } from "./context.ts";

/** MP_FASTCLOSE sent by `side` (FC-01). */
export function onFastclose(cx: SegmentContext, side: Side, o: MpFastcloseOption): void {
  const conn = cx.sf.conn as MptcpConnection;
  const want = conn.keys[otherSide(side)];
  if (want === undefined) {
    cx.st.ledger.skip("FC-01", "the receiver's key is not in the capture");
    return;
  }
  // RFC 8684 §3.5: "the option carries the receiver's key" (Option Receiver's Key).
  check(cx, "FC-01", o.receiversKey === want, () => ({
    message: `MP_FASTCLOSE carries key ${hex(o.receiversKey, 16)}, not the receiver's key ${hex(want, 16)}`,
    field: "receiver's key", carried: hex(o.receiversKey, 16), expected: hex(want, 16),
  }));
}

/** MP_PRIO (PR-01): RFC 8684 §3.3.8 defines it with length 3, without RFC 6824's address ID. */
export function onPrio(cx: SegmentContext, o: MpPrioOption): void {
  const conn = cx.sf.conn as MptcpConnection;
  if (conn.version !== 1) return;
  // RFC 8684 §3.3.8 (Figure 11): Kind, Length = 3, Subtype, B; "applies to the current subflow".
  check(cx, "PR-01", o.addressId === undefined, () => ({
    message: `MP_PRIO carries address ID ${o.addressId ?? 0} (length 4, RFC 6824's form); RFC 8684 has length 3 and applies to the subflow it is sent on`,
    field: "length", carried: "4", expected: "3",
  }));
}

/** REMOVE_ADDR sent by `side` (RA-01): each ID is one the sender announced or used on a subflow (0: the initial one). */
export function onRemoveAddr(cx: SegmentContext, side: Side, o: RemoveAddrOption): void {
  const conn = cx.sf.conn as MptcpConnection;
  const known = conn.data[side].addressIds;
  for (const id of o.addressIds) {
    // RFC 8684 §3.4.2: "the list of Address IDs to remove" names addresses of the sender.
    check(cx, "RA-01", known.has(id), () => ({
      message: `REMOVE_ADDR names address ID ${id}, which its sender never announced or used (IDs ${[...known].sort((a, b) => a - b).join(", ")})`,
      field: "address ID", carried: `${id}`, expected: `one of ${[...known].sort((a, b) => a - b).join(", ")}`,
    }));
  }
}

/** MP_FAIL sent by `side` (FB-01): its DSN starts a mapping it received on this subflow. */
export function onMpFail(cx: SegmentContext, o: MpFailOption): void {
  const received = cx.sf.books[otherDir(cx.dir)];
  if (received.size === 0) {
    cx.st.ledger.skip("FB-01", "no mapping received on the subflow in the capture");
    return;
  }
  // RFC 8684 §3.7: MP_FAIL carries "the data sequence number of the start of the ... mapping" that failed.
  check(cx, "FB-01", received.hasStart(o.dsn), () => ({
    message: `MP_FAIL DSN ${o.dsn} starts no mapping received on this subflow`, field: "MP_FAIL DSN", carried: `${o.dsn}`, expected: "the DSN of a received mapping's start",
  }));
}
