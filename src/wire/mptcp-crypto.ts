/**
 * MPTCP key-derived values (RFC 8684 §3.1, §3.2, §3.4.1; RFC 6824 §3.1 for v0): token and IDSN
 * from a 64-bit key, the MP_JOIN HMACs, and the ADD_ADDR HMAC. Layouts: rfc8684.md §4.0.1.
 *
 * Keys are 64-bit `bigint`s hashed as 8 big-endian bytes. Version 1 uses SHA-256 and
 * HMAC-SHA256; version 0 (RFC 6824) uses SHA-1 and HMAC-SHA1.
 */
import { createHash, createHmac } from "node:crypto";
import { getU32, getU64, setU16, setU32, u64Bytes } from "./bytes.ts";

/** MPTCP protocol version: 0 (RFC 6824, SHA-1) or 1 (RFC 8684, SHA-256). */
export type MptcpVersion = 0 | 1;

function algo(version: MptcpVersion): "sha1" | "sha256" {
  return version === 0 ? "sha1" : "sha256";
}

/** The hash of the key as 8 big-endian bytes (SHA-256 for v1, SHA-1 for v0). */
export function mptcpKeyHash(key: bigint, version: MptcpVersion = 1): Uint8Array {
  return new Uint8Array(createHash(algo(version)).update(u64Bytes(key)).digest());
}

/**
 * The token of a key. RFC 8684 §3.2: "the token is ... the most significant 32 bits of the
 * SHA-256 hash of the key".
 */
export function mptcpToken(key: bigint, version: MptcpVersion = 1): number {
  return getU32(mptcpKeyHash(key, version), 0);
}

/**
 * The initial data sequence number of a key. RFC 8684 §3.1: "the least significant 64 bits of
 * the SHA-256 hash of the key". The first data byte has DSN = IDSN + 1.
 */
export function mptcpIdsn(key: bigint, version: MptcpVersion = 1): bigint {
  const h = mptcpKeyHash(key, version);
  return getU64(h, h.length - 8);
}

/** HMAC-SHA256 (v1) or HMAC-SHA1 (v0) over `msg` with a raw key. */
export function mptcpHmacRaw(key: Uint8Array, msg: Uint8Array, version: MptcpVersion = 1): Uint8Array {
  return new Uint8Array(createHmac(algo(version), key).update(msg).digest());
}

/** HMAC over `msg` with the 16-byte key `key1 ‖ key2` (both 8 bytes big-endian). */
export function mptcpHmac(key1: bigint, key2: bigint, msg: Uint8Array, version: MptcpVersion = 1): Uint8Array {
  const k = new Uint8Array(16);
  k.set(u64Bytes(key1), 0);
  k.set(u64Bytes(key2), 8);
  return mptcpHmacRaw(k, msg, version);
}

/** The full MP_JOIN HMAC of a sender: HMAC(Key-sender ‖ Key-receiver, R-sender ‖ R-receiver). */
export function mpJoinHmac(senderKey: bigint, receiverKey: bigint, senderRandom: number, receiverRandom: number, version: MptcpVersion = 1): Uint8Array {
  const msg = new Uint8Array(8);
  setU32(msg, 0, senderRandom);
  setU32(msg, 4, receiverRandom);
  return mptcpHmac(senderKey, receiverKey, msg, version);
}

/**
 * The truncated HMAC of an MP_JOIN SYN/ACK, sent by the responder B. RFC 8684 §3.2:
 * HMAC-B = HMAC(Key=(Key-B+Key-A), Msg=(R-B+R-A)); the option carries its leftmost 64 bits.
 */
export function mpJoinSynAckHmac(responderKey: bigint, initiatorKey: bigint, responderRandom: number, initiatorRandom: number, version: MptcpVersion = 1): bigint {
  return getU64(mpJoinHmac(responderKey, initiatorKey, responderRandom, initiatorRandom, version), 0);
}

/**
 * The HMAC of an MP_JOIN third ACK, sent by the initiator A. RFC 8684 §3.2:
 * HMAC-A = HMAC(Key=(Key-A+Key-B), Msg=(R-A+R-B)); the option carries its leftmost 160 bits.
 */
export function mpJoinAckHmac(initiatorKey: bigint, responderKey: bigint, initiatorRandom: number, responderRandom: number, version: MptcpVersion = 1): Uint8Array {
  return mpJoinHmac(initiatorKey, responderKey, initiatorRandom, responderRandom, version).subarray(0, 20);
}

/**
 * The ADD_ADDR truncated HMAC. RFC 8684 §3.4.1: HMAC(Key=(Key-A+Key-B), Msg=(Address ID + IP
 * Address + Port)), where A is the sender; "the rightmost 64 bits" are carried. An absent port
 * counts as 2 zero bytes.
 */
export function addAddrHmac(senderKey: bigint, receiverKey: bigint, addressId: number, address: Uint8Array, port = 0): bigint {
  const msg = new Uint8Array(1 + address.length + 2);
  msg[0] = addressId;
  msg.set(address, 1);
  setU16(msg, 1 + address.length, port);
  const h = mptcpHmac(senderKey, receiverKey, msg, 1);
  return getU64(h, h.length - 8);
}
