/**
 * The per-run state of `verify` and the per-segment context handed to each check module:
 * connections, the token index (RFC 8684 §3.2: a token names a connection at one host), and
 * the ledger findings go to. One `VerifyState` per run; nothing lives at module level.
 */
import { TokenIndex } from "../capture/token-index.ts";
import { type Dir, type MptcpConnection, type Side, type Subflow, idsnOf } from "./connection.ts";
import type { Segment } from "../capture/capture-segment.ts";
import type { CheckId, CheckLedger, FailureText } from "./violation.ts";
import { dataSeqAdd } from "../wire/seq.ts";

/** Everything one verify run knows. */
export interface VerifyState {
  readonly ledger: CheckLedger;
  readonly connections: MptcpConnection[];
  /** Token → the connection and the side whose key it is. */
  readonly byToken: TokenIndex<MptcpConnection, Side>;
}

/** One segment being checked, with its subflow and direction. */
export interface SegmentContext {
  readonly st: VerifyState;
  readonly seg: Segment;
  readonly sf: Subflow;
  readonly dir: Dir;
  /** `src > dst` of the segment. */
  readonly flow: string;
}

/** Runs check `id` on the segment; records a violation (or one more packet of its cause) when `ok` is false. */
export function check(cx: SegmentContext, id: CheckId, ok: boolean, text: () => string | FailureText): boolean {
  return cx.st.ledger.check(id, ok, cx.seg.frame, cx.flow, text);
}

/** Hex with a `0x` prefix, zero-padded to `digits`. */
export function hex(v: number | bigint, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

/**
 * Registers both tokens of a connection once both keys are known, and starts each side's
 * data-level accounting at IDSN + 1 (RFC 8684 §3.1: the first data byte has DSN = IDSN + 1).
 */
export function registerKeys(st: VerifyState, conn: MptcpConnection): void {
  for (const side of ["initiator", "listener"] as const) {
    const key = conn.keys[side];
    const idsn = idsnOf(conn, side);
    if (key !== undefined) st.byToken.add(conn, side, key, conn.version);
    if (idsn !== undefined) conn.data[side].sentEnd ??= dataSeqAdd(idsn, 1);
  }
}
