/**
 * Conformance findings of `verify` as values: the checklist IDs it checks (rfc8684.md §4), one
 * `Violation` per broken rule with its frame number and flow, and a per-run ledger counting how
 * often each check ran, failed or was skipped (RFC 8684 §3 as a whole).
 */

/** Checklist IDs of rfc8684.md that verify checks, plus `RSV-01` (reserved bits are zero when sent). */
export type CheckId =
  | "MPC-01" | "MPC-03" | "MPC-05" | "MPC-06" | "MPC-08"
  | "CS-01" | "CS-02"
  | "MPJ-01" | "MPJ-03" | "MPJ-04"
  | "DSS-01" | "DSS-02" | "DSS-05" | "DSS-07"
  | "AA-01" | "AA-02"
  | "FB-06"
  | "RSV-01";

/** Every check ID, in the order the summary lists them. */
export const CHECK_IDS: readonly CheckId[] = [
  "MPC-01", "MPC-03", "MPC-05", "MPC-06", "MPC-08", "CS-01", "CS-02", "MPJ-01", "MPJ-03", "MPJ-04",
  "DSS-01", "DSS-02", "DSS-05", "DSS-07", "AA-01", "AA-02", "FB-06", "RSV-01",
];

/** One broken rule, located at a packet of the capture. */
export interface Violation {
  /** 1-based frame number in the capture file (tshark's `frame.number`). */
  readonly frame: number;
  readonly id: CheckId;
  /** The packet's flow as `src:port > dst:port`. */
  readonly flow: string;
  readonly message: string;
}

/** How often one check ran, failed, and was skipped (with the reasons). */
export interface CheckCount {
  run: number;
  failed: number;
  skipped: number;
}

/**
 * The findings of one verify run: violations in frame order and counts per check ID.
 * One ledger per run; nothing is shared between runs.
 */
export class CheckLedger {
  readonly violations: Violation[] = [];
  readonly counts = new Map<CheckId, CheckCount>();
  /** Why checks were skipped, e.g. `CS-02: payload cut by the snap length` → number of times. */
  readonly skipReasons = new Map<string, number>();

  private count(id: CheckId): CheckCount {
    let c = this.counts.get(id);
    if (c === undefined) this.counts.set(id, (c = { run: 0, failed: 0, skipped: 0 }));
    return c;
  }

  /** Records that check `id` ran on `frame`; when `ok` is false, records the violation `message()`. */
  check(id: CheckId, ok: boolean, frame: number, flow: string, message: () => string): boolean {
    const c = this.count(id);
    c.run++;
    if (!ok) {
      c.failed++;
      this.violations.push({ frame, id, flow, message: message() });
    }
    return ok;
  }

  /** Records that check `id` could not run, and why. */
  skip(id: CheckId, reason: string): void {
    this.count(id).skipped++;
    const key = `${id}: ${reason}`;
    this.skipReasons.set(key, (this.skipReasons.get(key) ?? 0) + 1);
  }
}
