/**
 * The per-host token table (RFC 8684 §3.2): MP_JOIN SYNs name their connection by the token of
 * the receiver's key; unknown tokens are answered with RST (MPJ-02).
 */

/** Maps local tokens to connections (of any type, to keep this table free of imports). */
export class TokenTable<T = unknown> {
  private readonly byToken = new Map<number, T>();

  /** True when `token` belongs to a live connection. */
  has(token: number): boolean {
    return this.byToken.has(token);
  }

  /** Registers `conn` under `token`. */
  add(token: number, conn: T): void {
    this.byToken.set(token, conn);
  }

  /** The connection of `token`, if any. */
  get(token: number): T | undefined {
    return this.byToken.get(token);
  }

  /** Forgets `token`. */
  delete(token: number): void {
    this.byToken.delete(token);
  }
}
