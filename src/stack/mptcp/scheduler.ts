/**
 * The packet scheduler: which subflow carries the next chunk of data. Regular subflows first;
 * backup subflows (MP_JOIN B=1 or MP_PRIO, RFC 8684 §3.3.8, PR-01) only when no regular subflow
 * is usable; among equals the lowest smoothed RTT, then the oldest subflow.
 */

/** What the scheduler needs to know about a subflow. */
export interface SchedCandidate {
  /** May carry data now (handshake done, not closing). */
  readonly usable: boolean;
  /** Either side asked for backup use. */
  readonly backup: boolean;
  /** Bytes it can take now (congestion window room). */
  readonly room: number;
  /** Smoothed RTT in microseconds, if measured. */
  readonly srtt: number | undefined;
}

/** The index of the subflow to use, or undefined to wait. */
export function pickSubflow(subflows: readonly SchedCandidate[]): number | undefined {
  const regular = subflows.some((s) => s.usable && !s.backup);
  let best: number | undefined;
  subflows.forEach((s, i) => {
    if (!s.usable || s.room <= 0 || s.backup === regular) return;
    const b = best === undefined ? undefined : subflows[best];
    if (!b || (s.srtt ?? 0) < (b.srtt ?? 0)) best = i;
  });
  return best;
}
