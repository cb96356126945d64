/**
 * MP_JOIN checks (RFC 8684 §3.2): the SYN's token names the receiver's key (MPJ-01), the
 * SYN/ACK carries the leftmost 64 bits of HMAC-B (MPJ-03) and the third ACK the leftmost 160
 * bits of HMAC-A (MPJ-04); reserved bits are zero (RSV-01). A joined subflow is attached to its
 * connection here, with the connection side of each of its directions.
 */
import { bytesEqual, toHex } from "../wire/bytes.ts";
import { mpJoinAckHmac, mpJoinSynAckHmac } from "../wire/mptcp-crypto.ts";
import type { MpJoinAckOption, MpJoinSynAckOption, MpJoinSynOption } from "../wire/mptcp-options.ts";
import { type MptcpConnection, type Side, otherSide, tokenOf } from "./connection.ts";
import { check, hex, type SegmentContext } from "./context.ts";

/** An MP_JOIN option of any of its three forms. */
export type MpJoinOption = MpJoinSynOption | MpJoinSynAckOption | MpJoinAckOption;

/** Handles an MP_JOIN option. */
export function onMpJoin(cx: SegmentContext, o: MpJoinOption): void {
  // RFC 8684 §3.2 (Figures 5–7): the bits between the subtype and B, and the ACK's 12 bits, are reserved.
  check(cx, "RSV-01", (o.reserved ?? 0) === 0, () => `MP_JOIN reserved bits are ${hex(o.reserved ?? 0, 3)}, must be 0`);
  if (o.subtype === "mpJoinSyn") onSyn(cx, o);
  else if (o.subtype === "mpJoinSynAck") onSynAck(cx, o);
  else onAck(cx, o);
}

function onSyn(cx: SegmentContext, o: MpJoinSynOption): void {
  const { sf, st } = cx;
  if (sf.kind === "initial" || cx.dir !== "fwd") return;
  sf.kind = "join";
  sf.nonce.fwd = o.sendersRandom;
  sf.joinToken = o.receiversToken;
  sf.joinSynFrame = cx.seg.frame;
  const found = st.byToken.get(o.receiversToken);
  if (found === undefined || sf.conn !== undefined) return;
  // RFC 8684 §3.2: the token is "a cryptographic hash of the receiver's key"; the sender is the other side.
  sf.conn = found.conn;
  sf.initiatorSide = otherSide(found.side);
  found.conn.subflows.push(sf);
  found.conn.data[sf.initiatorSide].addressIds.add(o.addressId);
  check(cx, "MPJ-01", true, () => "");
}

function onSynAck(cx: SegmentContext, o: MpJoinSynAckOption): void {
  const { sf } = cx;
  if (sf.kind !== "join" || cx.dir !== "rev") return;
  sf.nonce.rev = o.sendersRandom;
  const conn = sf.conn;
  if (conn === undefined) {
    const found = connectionByHmac(cx, o);
    if (found === undefined) {
      // The responder accepted a token that names no connection in the capture.
      check(cx, "MPJ-01", false, () => ({
        message: `SYN/ACK accepts an MP_JOIN whose token ${hex(sf.joinToken ?? 0, 8)} matches no key in the capture`,
        field: "token", carried: hex(sf.joinToken ?? 0, 8), expected: "the token of a key in the capture",
      }));
      return;
    }
    // The SYN/ACK's HMAC proves which connection the responder joined: the SYN's token was wrong
    // (one finding, at the SYN), and the subflow is checked as part of that connection.
    const want = tokenOf(found.conn, otherSide(found.initiatorSide)) ?? 0;
    cx.st.ledger.check("MPJ-01", false, sf.joinSynFrame ?? cx.seg.frame, `${sf.endpoints.fwd} > ${sf.endpoints.rev}`, () => ({
      message: `MP_JOIN SYN token ${hex(sf.joinToken ?? 0, 8)} names no key, yet the responder joined it to connection ${found.conn.id} (its SYN/ACK HMAC is that connection's), whose token is ${hex(want, 8)}`,
      field: "token", carried: hex(sf.joinToken ?? 0, 8), expected: hex(want, 8),
    }));
    sf.conn = found.conn;
    sf.initiatorSide = found.initiatorSide;
    found.conn.subflows.push(sf);
    cx.st.ledger.check("MPJ-03", true, cx.seg.frame, cx.flow, () => "");
    return;
  }
  if (sf.initiatorSide !== undefined) conn.data[otherSide(sf.initiatorSide)].addressIds.add(o.addressId);
  const keys = joinKeys(conn, sf.initiatorSide === "initiator");
  const ra = sf.nonce.fwd;
  if (keys === undefined || ra === undefined) {
    cx.st.ledger.skip("MPJ-03", "keys or nonce not in the capture");
    return;
  }
  // RFC 8684 §3.2: HMAC-B = HMAC(Key=(Key-B+Key-A), Msg=(R-B+R-A)), leftmost 64 bits on the SYN/ACK.
  const want = mpJoinSynAckHmac(keys.b, keys.a, o.sendersRandom, ra, conn.version);
  check(cx, "MPJ-03", want === o.sendersHmac, () => ({
    message: `MP_JOIN SYN/ACK HMAC ${hex(o.sendersHmac, 16)} does not match ${hex(want, 16)} (R-B ${hex(o.sendersRandom, 8)}, R-A ${hex(ra, 8)})`,
    field: "truncated HMAC-B", carried: hex(o.sendersHmac, 16), expected: hex(want, 16),
  }));
}

function onAck(cx: SegmentContext, o: MpJoinAckOption): void {
  const { sf } = cx;
  const conn = sf.conn;
  if (sf.kind !== "join" || cx.dir !== "fwd" || conn === undefined) return;
  const keys = joinKeys(conn, sf.initiatorSide === "initiator");
  const [ra, rb] = [sf.nonce.fwd, sf.nonce.rev];
  if (keys === undefined || ra === undefined || rb === undefined) {
    cx.st.ledger.skip("MPJ-04", "keys or nonces not in the capture");
    return;
  }
  // RFC 8684 §3.2: HMAC-A = HMAC(Key=(Key-A+Key-B), Msg=(R-A+R-B)), leftmost 160 bits on the third ACK.
  const want = mpJoinAckHmac(keys.a, keys.b, ra, rb, conn.version);
  check(cx, "MPJ-04", bytesEqual(want, o.sendersHmac), () => ({
    message: `MP_JOIN third ACK HMAC ${toHex(o.sendersHmac)} does not match ${toHex(want)}`, field: "HMAC-A", carried: toHex(o.sendersHmac), expected: toHex(want),
  }));
}

/**
 * The connection (and the joining host's side) whose keys give the SYN/ACK's HMAC-B for the
 * subflow's nonces: how a join with a wrong token in the capture is still placed.
 */
function connectionByHmac(cx: SegmentContext, o: MpJoinSynAckOption): { conn: MptcpConnection; initiatorSide: Side } | undefined {
  const ra = cx.sf.nonce.fwd;
  if (ra === undefined) return undefined;
  for (const conn of cx.st.connections) {
    for (const initiatorJoins of [true, false]) {
      const keys = joinKeys(conn, initiatorJoins);
      if (keys !== undefined && mpJoinSynAckHmac(keys.b, keys.a, o.sendersRandom, ra, conn.version) === o.sendersHmac) {
        return { conn, initiatorSide: initiatorJoins ? "initiator" : "listener" };
      }
    }
  }
  return undefined;
}

/** Key-A (the joining host's) and Key-B (the responder's), when both are known. */
function joinKeys(conn: MptcpConnection, initiatorJoins: boolean): { a: bigint; b: bigint } | undefined {
  const { initiator, listener } = conn.keys;
  if (initiator === undefined || listener === undefined) return undefined;
  return initiatorJoins ? { a: initiator, b: listener } : { a: listener, b: initiator };
}
