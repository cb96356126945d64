/**
 * Data-level reassembly (RFC 8684 §3.3.6): bytes arrive by DSN from any subflow, possibly twice
 * (reinjection, DSS-08); they are released in order, and the Data ACK covers only in-order data
 * (DSS-05).
 */

/** Out-of-order data-level bytes keyed by DSN. */
export class DataReassembly {
  private runs: { dsn: bigint; data: Uint8Array }[] = [];

  /** Bytes held out of order. */
  get bufferedBytes(): number {
    return this.runs.reduce((n, r) => n + r.data.length, 0);
  }

  /** Stores `data` at `dsn` (overlaps with held runs keep the earlier copy). */
  insert(dsn: bigint, data: Uint8Array): void {
    if (data.length === 0) return;
    this.runs.push({ dsn, data: data.slice() });
    this.runs.sort((a, b) => (a.dsn < b.dsn ? -1 : a.dsn > b.dsn ? 1 : 0));
  }

  /** Removes and returns the bytes contiguous from `next`, discarding anything already below it. */
  take(next: bigint): Uint8Array[] {
    const out: Uint8Array[] = [];
    let at = next;
    while (this.runs.length > 0) {
      const r = this.runs[0] as { dsn: bigint; data: Uint8Array };
      if (r.dsn > at) break;
      this.runs.shift();
      const end = r.dsn + BigInt(r.data.length);
      if (end > at) {
        out.push(r.data.subarray(Number(at - r.dsn)));
        at = end;
      }
    }
    return out;
  }
}
