/**
 * MPTCP tokens of a capture's connections (RFC 8684 §3.2: "a locally unique token" derived from
 * a host's key, named by an MP_JOIN SYN to say which connection a new subflow joins). The one
 * index `verify`, `decode` and `decode --runnable` resolve joins through. One per capture.
 */
import { mptcpToken, type MptcpVersion } from "../wire/mptcp-crypto.ts";

/** What a token names: a connection record of the caller's and the side whose key it is. */
export interface TokenOwner<C, S> {
  readonly conn: C;
  readonly side: S;
}

/** Token → owner; the first key to claim a token keeps it. */
export class TokenIndex<C, S> {
  private readonly byToken = new Map<number, TokenOwner<C, S>>();

  /** Registers `side`'s key of `conn`; returns the key's token. */
  add(conn: C, side: S, key: bigint, version: MptcpVersion): number {
    // RFC 8684 §3.2: "the token is ... the most significant 32 bits of the SHA-256 hash of the key".
    const token = mptcpToken(key, version);
    if (!this.byToken.has(token)) this.byToken.set(token, { conn, side });
    return token;
  }

  /** The connection and side an MP_JOIN SYN's receiver token names, if known. */
  get(token: number): TokenOwner<C, S> | undefined {
    return this.byToken.get(token >>> 0);
  }
}
