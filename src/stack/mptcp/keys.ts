/**
 * Connection keys and what derives from them (RFC 8684 §3.1, §3.2): the local key drawn from the
 * seeded Rng, unique per host by token (MPC-09), and the tokens and IDSNs of both sides.
 */
import { mptcpIdsn, mptcpToken } from "../../wire/mptcp-crypto.ts";
import type { Rng } from "../../rng.ts";
import type { TokenTable } from "./token.ts";

/** One side's key with its token and IDSN. */
export interface KeyMaterial {
  readonly key: bigint;
  /** RFC 8684 §3.2: "the most significant 32 bits of the SHA-256 hash of the key". */
  readonly token: number;
  /** RFC 8684 §3.1: "the least significant 64 bits of the SHA-256 hash of the key". */
  readonly idsn: bigint;
}

/** Derives token and IDSN from a key. */
export function keyMaterial(key: bigint): KeyMaterial {
  return { key, token: mptcpToken(key), idsn: mptcpIdsn(key) };
}

/**
 * A fresh local key whose token is not in use on this host.
 * RFC 8684 §3.1: "the sender ... MUST generate a new key" when the token is already in use.
 */
export function generateKey(rng: Rng, tokens: TokenTable): KeyMaterial {
  for (;;) {
    const m = keyMaterial(rng.nextU64());
    if (!tokens.has(m.token)) return m;
  }
}
