/**
 * Congestion control: NewReno-style slow start and congestion avoidance (RFC 5681 §3.1), fast
 * retransmit on three duplicate ACKs (RFC 5681 §3.2), and the loss-window reset on RTO, with the
 * initial window of RFC 6928 (10 segments).
 */

/** The congestion state of one connection (or subflow), in bytes. */
export class Congestion {
  /** Congestion window. */
  cwnd: number;
  /** Slow start threshold. */
  ssthresh = Number.MAX_SAFE_INTEGER;
  /** Duplicate ACKs seen in a row. */
  dupAcks = 0;
  /** While in fast recovery: the SND.NXT at its start ("recover", RFC 6582). */
  recover: number | undefined;

  constructor(private mss: number, initialSegments = 10) {
    this.cwnd = initialSegments * mss;
  }

  /** Updates the sender MSS (after option negotiation) and the window derived from it. */
  setMss(mss: number, initialSegments = 10): void {
    this.mss = mss;
    this.cwnd = initialSegments * mss;
  }

  /** A new cumulative ACK covered `acked` bytes. */
  onAck(acked: number): void {
    this.dupAcks = 0;
    if (this.recover !== undefined) {
      // RFC 5681 §3.2 step 6: "set cwnd to ssthresh" when recovery ends.
      this.recover = undefined;
      this.cwnd = this.ssthresh;
      return;
    }
    // RFC 5681 §3.1: slow start "cwnd += min (N, SMSS)", congestion avoidance "cwnd += SMSS*SMSS/cwnd".
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, this.mss);
    else this.cwnd += Math.max(1, Math.floor((this.mss * this.mss) / this.cwnd));
  }

  /** A duplicate ACK; returns true on the third one, when the caller should fast-retransmit. */
  onDupAck(flight: number, sndNxt: number): boolean {
    this.dupAcks++;
    if (this.dupAcks === 3 && this.recover === undefined) {
      // RFC 5681 §3.2 step 2: "ssthresh = max (FlightSize / 2, 2*SMSS)"; step 3: "cwnd = ssthresh + 3*SMSS".
      this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
      this.cwnd = this.ssthresh + 3 * this.mss;
      this.recover = sndNxt;
      return true;
    }
    if (this.recover !== undefined) this.cwnd += this.mss;
    return false;
  }

  /** The retransmission timer expired. */
  onRto(flight: number): void {
    // RFC 5681 §3.1 (4): "ssthresh = max (FlightSize / 2, 2*SMSS)" and "cwnd ... to 1 full-sized segment".
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.cwnd = this.mss;
    this.dupAcks = 0;
    this.recover = undefined;
  }
}
