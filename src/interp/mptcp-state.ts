/**
 * Per-run MPTCP state (pkt-language.md §8.1–§8.2, RFC 8684 §3.1–§3.3): script variables (keys,
 * addresses) and, per connection, the two keys, tokens and IDSNs. Kept apart from the option
 * codecs (house-style rule 14); one instance per run, never module-level.
 */
import { createHash } from "node:crypto";
import { u64Bytes } from "../wire/bytes.ts";

/** The keys and derived values of one MPTCP connection. Kk = kernel, Kp = packetdrill (script side). */
export interface MptcpConnState {
  /** The kernel's key (Kk), as the 64-bit big-endian value on the wire. */
  kernelKey: bigint | null;
  /** The script side's key (Kp). */
  peerKey: bigint | null;
  /** 1 (SHA-256) unless the handshake said v0. */
  version: number;
}

/** A fresh connection state with no keys yet. */
export function newMptcpConnState(): MptcpConnState {
  return { kernelKey: null, peerKey: null, version: 1 };
}

/** RFC 8684 §3.2: the token is "the most significant 32 bits of the SHA-256 hash of the key". */
export function mptcpToken(key: bigint): number {
  const h = createHash("sha256").update(u64Bytes(key)).digest();
  return h.readUInt32BE(0);
}

/** RFC 8684 §3.1: the IDSN is "the least significant 64 bits of the SHA-256 hash of the key". */
export function mptcpIdsn(key: bigint): bigint {
  const h = createHash("sha256").update(u64Bytes(key)).digest();
  return h.readBigUInt64BE(24);
}

/** Script variables bound during a run (`skey`, `ckey`, `addr[saddr1]` …, §8.2). */
export class MptcpVariables {
  private readonly keys = new Map<string, bigint>();
  /** The value of `name`, or `undefined` when unbound. */
  key(name: string): bigint | undefined {
    return this.keys.get(name);
  }
  /** Binds or re-binds `name` (a later assignment shadows the old value, §8.2). */
  bindKey(name: string, value: bigint): void {
    this.keys.set(name, value);
  }
}
