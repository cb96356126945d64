/**
 * Conformance findings of `verify` as values: the checklist IDs it checks (rfc8684.md §4), one
 * `Violation` per root cause with its frame number, flow, rule, and the carried and expected
 * values, and a per-run ledger counting how often each check ran, failed or was skipped (RFC 8684
 * §3 as a whole). Failures that share a cause (the same wrong key behind every Data ACK, data
 * after one fallback) are one violation counting the packets they affect.
 */

/** Checklist IDs of rfc8684.md that verify checks, plus `RSV-01` (reserved bits are zero when sent). */
export type CheckId =
  | "MPC-01" | "MPC-03" | "MPC-05" | "MPC-06" | "MPC-08"
  | "CS-01" | "CS-02"
  | "MPJ-01" | "MPJ-03" | "MPJ-04"
  | "DSS-01" | "DSS-02" | "DSS-05" | "DSS-06" | "DSS-07"
  | "AA-01" | "AA-02"
  | "RA-01" | "PR-01" | "FB-01"
  | "FB-06"
  | "FC-01"
  | "RSV-01";

/** Every check ID, in the order the summary lists them. */
export const CHECK_IDS: readonly CheckId[] = [
  "MPC-01", "MPC-03", "MPC-05", "MPC-06", "MPC-08", "CS-01", "CS-02", "MPJ-01", "MPJ-03", "MPJ-04",
  "DSS-01", "DSS-02", "DSS-05", "DSS-06", "DSS-07", "AA-01", "AA-02", "RA-01", "PR-01", "FB-01", "FB-06", "FC-01", "RSV-01",
];

/** The RFC 8684 section each check comes from. */
export const CHECK_RULES: Readonly<Record<CheckId, string>> = {
  "MPC-01": "RFC 8684 §3.1", "MPC-03": "RFC 8684 §3.1", "MPC-05": "RFC 8684 §3.1", "MPC-06": "RFC 8684 §3.1", "MPC-08": "RFC 8684 §3.1",
  "CS-01": "RFC 8684 §3.3.1", "CS-02": "RFC 8684 §3.3.1",
  "MPJ-01": "RFC 8684 §3.2", "MPJ-03": "RFC 8684 §3.2", "MPJ-04": "RFC 8684 §3.2",
  "DSS-01": "RFC 8684 §3.3", "DSS-02": "RFC 8684 §3.3.1", "DSS-05": "RFC 8684 §3.3.2", "DSS-06": "RFC 8684 §3.3.4", "DSS-07": "RFC 8684 §3.3.3",
  "AA-01": "RFC 8684 §3.4.1", "AA-02": "RFC 8684 §3.4.1", "RA-01": "RFC 8684 §3.4.2", "PR-01": "RFC 8684 §3.3.8",
  "FB-01": "RFC 8684 §3.7", "FB-06": "RFC 8684 §3.7", "FC-01": "RFC 8684 §3.5", "RSV-01": "RFC 8684 §3",
};

/** One root cause of broken rules, located at the first packet it shows in. */
export interface Violation {
  /** 1-based frame number in the capture file (tshark's `frame.number`, as Wireshark shows it). */
  readonly frame: number;
  readonly id: CheckId;
  /** The RFC section of the rule, e.g. `RFC 8684 §3.3.2`. */
  readonly rule: string;
  /** The packet's flow as `src:port > dst:port`. */
  readonly flow: string;
  readonly message: string;
  /** The field at fault, e.g. `Data ACK`, when one is. */
  readonly field?: string;
  /** The value the packet carried, as text. */
  readonly carried?: string;
  /** The value the rule expects (or the bound it must respect), as text. */
  readonly expected?: string;
  /** Packets this cause affects (1 unless later packets fail for the same cause). */
  packets: number;
  /** The last frame the cause affects (= `frame` when `packets` is 1). */
  lastFrame: number;
}

/**
 * What a failed check says: its message, and optionally the field, carried and expected values,
 * and a cause key. Failures with the same check ID, flow and cause are one violation.
 */
export interface FailureText {
  readonly message: string;
  readonly field?: string;
  readonly carried?: string;
  readonly expected?: string;
  readonly cause?: string;
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
  private readonly byCause = new Map<string, Violation>();
  readonly counts = new Map<CheckId, CheckCount>();
  /** Why checks were skipped, e.g. `CS-02: payload cut by the snap length` → number of times. */
  readonly skipReasons = new Map<string, number>();

  private count(id: CheckId): CheckCount {
    let c = this.counts.get(id);
    if (c === undefined) this.counts.set(id, (c = { run: 0, failed: 0, skipped: 0 }));
    return c;
  }

  /**
   * Records that check `id` ran on `frame`; when `ok` is false, records the failure `text()`: a
   * new violation, or one more packet of the violation with the same cause.
   */
  check(id: CheckId, ok: boolean, frame: number, flow: string, text: () => string | FailureText): boolean {
    const c = this.count(id);
    c.run++;
    if (!ok) {
      c.failed++;
      this.fail(id, frame, flow, text());
    }
    return ok;
  }

  /** Records a failure of `id` found at `frame` (which may precede the packet being checked). */
  fail(id: CheckId, frame: number, flow: string, t: string | FailureText): void {
    const f: FailureText = typeof t === "string" ? { message: t } : t;
    const key = f.cause === undefined ? undefined : `${id}|${flow}|${f.cause}`;
    const known = key === undefined ? undefined : this.byCause.get(key);
    if (known !== undefined) {
      known.packets++;
      known.lastFrame = Math.max(known.lastFrame, frame);
      return;
    }
    const v: Violation = { frame, id, rule: CHECK_RULES[id], flow, message: f.message, packets: 1, lastFrame: frame };
    if (f.field !== undefined) (v as { field?: string }).field = f.field;
    if (f.carried !== undefined) (v as { carried?: string }).carried = f.carried;
    if (f.expected !== undefined) (v as { expected?: string }).expected = f.expected;
    this.violations.push(v);
    if (key !== undefined) this.byCause.set(key, v);
  }

  /** Records that check `id` could not run, and why. */
  skip(id: CheckId, reason: string): void {
    this.count(id).skipped++;
    const key = `${id}: ${reason}`;
    this.skipReasons.set(key, (this.skipReasons.get(key) ?? 0) + 1);
  }
}
