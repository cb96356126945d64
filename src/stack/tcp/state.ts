/**
 * TCP connection states (RFC 9293 §3.3.2, Figure 5) and the predicates the input and output
 * paths ask about them.
 */

/** The RFC 9293 states, named as in the RFC (LISTEN lives in the host's listener table). */
export type TcpState =
  | "Closed" | "Listen" | "SynSent" | "SynReceived" | "Established" | "FinWait1" | "FinWait2"
  | "CloseWait" | "Closing" | "LastAck" | "TimeWait";

/** States after the handshake, where sequence numbers of both sides are known. */
export function isSynchronized(s: TcpState): boolean {
  return s !== "Closed" && s !== "Listen" && s !== "SynSent";
}

/** States in which segment text is accepted (RFC 9293 §3.10.7.4, "seventh, process the segment text"). */
export function acceptsText(s: TcpState): boolean {
  return s === "Established" || s === "FinWait1" || s === "FinWait2";
}

/** States in which the user may still send (our FIN not yet queued). */
export function canSend(s: TcpState): boolean {
  return s === "Established" || s === "CloseWait";
}

/** States in which our FIN has been queued by the user. */
export function finQueuedIn(s: TcpState): boolean {
  return s === "FinWait1" || s === "FinWait2" || s === "Closing" || s === "LastAck" || s === "TimeWait";
}

/** The state entered when the peer's FIN is processed (RFC 9293 §3.10.7.4, "eighth, check the FIN bit"). */
export function stateAfterFin(s: TcpState, ourFinAcked: boolean): TcpState {
  switch (s) {
    case "SynReceived":
    case "Established": return "CloseWait";
    case "FinWait1": return ourFinAcked ? "TimeWait" : "Closing";
    case "FinWait2": return "TimeWait";
    default: return s;
  }
}

/** The state entered when our FIN is acknowledged (RFC 9293 §3.10.7.4, "fifth, check the ACK field"). */
export function stateAfterFinAcked(s: TcpState): TcpState {
  switch (s) {
    case "FinWait1": return "FinWait2";
    case "Closing": return "TimeWait";
    case "LastAck": return "Closed";
    default: return s;
  }
}
