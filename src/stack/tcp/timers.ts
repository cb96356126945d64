/**
 * Retransmission timing (RFC 6298: SRTT, RTTVAR, RTO, Karn's algorithm, exponential backoff) and
 * the connection's timers as data (house-style rule 5): each is `{kind, expiresAt}` or absent.
 */
import { type Duration, type Instant, MILLIS, SECONDS } from "../instant.ts";

/** The timers a TCP connection can have armed. */
export type TcpTimerKind = "retransmit" | "delayedAck" | "persist" | "timeWait" | "keepalive";

/** One armed timer. */
export interface TcpTimer {
  readonly kind: TcpTimerKind;
  readonly expiresAt: Instant;
}

/** RTO bounds; defaults follow Linux (RTO_MIN 200 ms, RTO_MAX 120 s, initial 1 s per RFC 6298 §2.1). */
export interface RtoConfig {
  readonly initial: Duration;
  readonly min: Duration;
  readonly max: Duration;
}

/** Default {@link RtoConfig}. */
export const DEFAULT_RTO: RtoConfig = { initial: 1 * SECONDS, min: 200 * MILLIS, max: 120 * SECONDS };

/** The RFC 6298 estimator with backoff. */
export class RttEstimator {
  /** Smoothed RTT, undefined before the first sample. */
  srtt: Duration | undefined;
  /** RTT variation. */
  rttvar: Duration = 0;
  /** Consecutive backoffs since the last new ACK. */
  backoff = 0;
  private base: Duration;

  constructor(private readonly cfg: RtoConfig = DEFAULT_RTO) {
    this.base = cfg.initial;
  }

  /** The current RTO with backoff applied, clamped to the maximum. */
  get rto(): Duration {
    return Math.min(this.cfg.max, this.base * 2 ** this.backoff);
  }

  /** Feeds one RTT measurement `r` (never from a retransmitted segment: Karn, RFC 6298 §3). */
  sample(r: Duration): void {
    if (this.srtt === undefined) {
      // RFC 6298 §2.2: "SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max (G, K*RTTVAR)"
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      // RFC 6298 §2.3: "RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, SRTT <- (1 - alpha) * SRTT + alpha * R'"
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const rto = Math.round(this.srtt + Math.max(1, 4 * this.rttvar));
    // RFC 6298 §2.4: "Whenever RTO is computed, if it is less than 1 second, then the RTO SHOULD be rounded up";
    // like Linux we use a 200 ms floor instead (configurable).
    this.base = Math.min(this.cfg.max, Math.max(this.cfg.min, rto));
  }

  /** RFC 6298 §5.5: "The host MUST set RTO <- RTO * 2 ("back off the timer")". */
  backOff(): void {
    if (this.rto < this.cfg.max) this.backoff++;
  }

  /** A new ACK arrived: the backoff is undone (RFC 6298 §5.7 recomputes RTO on the next sample). */
  resetBackoff(): void {
    this.backoff = 0;
  }
}

/** The earliest of the armed timers, or undefined. */
export function earliestTimer(timers: readonly (TcpTimer | undefined)[]): TcpTimer | undefined {
  let best: TcpTimer | undefined;
  for (const t of timers) if (t && (!best || t.expiresAt < best.expiresAt)) best = t;
  return best;
}
