/**
 * ADD_ADDR checks (RFC 8684 §3.4.1): the truncated HMAC of an announcement (AA-01) and its echo
 * (AA-02: E=1, no HMAC, for an address the peer announced), plus the reserved bits of the
 * options that have them (RSV-01: §3.3 DSS, §3.4 ADD_ADDR/REMOVE_ADDR, §3.3.8 MP_PRIO, §3.7
 * MP_FAIL, §3.5 MP_FASTCLOSE, §3.6 MP_TCPRST).
 */
import { formatIpAddress } from "../wire/address.ts";
import { addAddrHmac } from "../wire/mptcp-crypto.ts";
import type { AddAddrOption, MptcpOption } from "../wire/mptcp-options.ts";
import { type MptcpConnection, type Side, otherSide } from "./connection.ts";
import { check, hex, type SegmentContext } from "./context.ts";

function addrKey(o: AddAddrOption): string {
  return `${o.addressId}|${formatIpAddress(o.address)}|${o.port ?? ""}`;
}

function addrText(o: AddAddrOption): string {
  return `id ${o.addressId} ${formatIpAddress(o.address)}${o.port === undefined ? "" : ` port ${o.port}`}`;
}

/** Handles an ADD_ADDR sent by `side`. */
export function onAddAddr(cx: SegmentContext, side: Side, o: AddAddrOption): void {
  const conn = cx.sf.conn as MptcpConnection;
  if (o.echo) {
    // RFC 8684 §3.4.1 (Figure 12): "Truncated HMAC (8 octets, if E=0)".
    check(cx, "AA-02", o.hmac === undefined, () => `ADD_ADDR echo (${addrText(o)}) carries an HMAC`);
    const announced = conn.data[otherSide(side)].announced;
    // RFC 8684 §3.4.1: the receiver acknowledges an ADD_ADDR by echoing it with E set.
    check(cx, "AA-02", announced.has(addrKey(o)), () => `ADD_ADDR echo (${addrText(o)}) matches no address the peer announced`);
    return;
  }
  conn.data[side].announced.add(addrKey(o));
  conn.data[side].addressIds.add(o.addressId);
  const [mine, theirs] = [conn.keys[side], conn.keys[otherSide(side)]];
  if (o.hmac === undefined) {
    check(cx, "AA-01", false, () => `ADD_ADDR (${addrText(o)}) without E carries no HMAC`);
    return;
  }
  if (mine === undefined || theirs === undefined || conn.version !== 1) {
    cx.st.ledger.skip("AA-01", "keys not in the capture");
    return;
  }
  // RFC 8684 §3.4.1: HMAC(Key=(Key-A+Key-B), Msg=(Address ID + IP Address + Port)), rightmost 64 bits.
  const want = addAddrHmac(mine, theirs, o.addressId, o.address, o.port ?? 0);
  check(cx, "AA-01", want === o.hmac, () => ({
    message: `ADD_ADDR (${addrText(o)}) HMAC ${hex(o.hmac ?? 0n, 16)} does not match ${hex(want, 16)}`, field: "ADD_ADDR HMAC", carried: hex(o.hmac ?? 0n, 16), expected: hex(want, 16),
  }));
}

/** RSV-01: reserved bits of options other than MP_CAPABLE (MPC-05) and MP_JOIN (see check-join.ts). */
export function reservedBits(cx: SegmentContext, o: MptcpOption): void {
  let bits = 0;
  switch (o.subtype) {
    case "dss": case "addAddr": case "removeAddr": case "mpPrio": case "mpFail": case "mpFastclose":
      bits = o.reserved ?? 0;
      break;
    case "mpTcpRst":
      // RFC 8684 §3.6: "U", "V" and "W" are unassigned flag bits and set to zero.
      bits = o.flags & 0xe;
      break;
    default:
      return;
  }
  check(cx, "RSV-01", bits === 0, () => `${o.subtype} reserved bits are ${hex(bits, 2)}, must be 0`);
}
