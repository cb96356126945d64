/**
 * TCP flows of a capture (RFC 9293 §3.4): segments grouped by 4-tuple, each flow oriented from
 * the sender of its SYN (`fwd`) to the responder (`rev`), with each direction's ISN. A SYN with
 * a new ISN on a known 4-tuple starts a new flow (port reuse); a flow first seen at its SYN/ACK
 * is turned around so that `fwd` is still the SYN's sender. Shared by `verify` and `decode`;
 * the record per flow is the caller's.
 */
import { type SeqNum } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import type { Segment } from "./capture-segment.ts";

/** A direction on a flow: `fwd` from the flow's SYN sender, `rev` towards it. */
export type Dir = "fwd" | "rev";

/** The other direction. */
export function otherDir(d: Dir): Dir {
  return d === "fwd" ? "rev" : "fwd";
}

/** What the table keeps per flow; callers extend it with their own state. */
export interface FlowBase {
  /** `addr:port` of the SYN sender (`fwd` source) and of the responder. */
  readonly endpoints: Record<Dir, string>;
  /** ISN of each direction (the SYN's sequence number). */
  readonly isn: Partial<Record<Dir, SeqNum>>;
}

/** How the flow of a new 4-tuple began: with its SYN, or mid-way (no handshake seen). */
export type FlowStart = "syn" | "midway";

const flowKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Flows by 4-tuple; one table per capture. */
export class FlowTable<F extends FlowBase> {
  private readonly byTuple = new Map<string, F>();
  /** Every flow, in order of discovery. */
  readonly flows: F[] = [];

  /** @param create makes the record of a new flow from `fwd` to `rev`. */
  constructor(private readonly create: (fwd: string, rev: string, start: FlowStart, id: number) => F) {}

  /** The flow of `seg` and the direction it travels; records ISNs from SYNs. */
  lookup(seg: Segment): { flow: F; dir: Dir } {
    const key = flowKey(seg.src, seg.dst);
    const f = seg.tcp.flags;
    const isSyn = (f & TCP_FLAG.SYN) !== 0 && (f & TCP_FLAG.ACK) === 0;
    let flow = this.byTuple.get(key);
    if (flow === undefined || (isSyn && flow.isn.fwd !== undefined && flow.isn.fwd !== seg.tcp.seq && flow.endpoints.fwd === seg.src)) {
      const [a, b] = isSyn || (f & TCP_FLAG.SYN) === 0 ? [seg.src, seg.dst] : [seg.dst, seg.src];
      flow = this.create(a, b, isSyn ? "syn" : "midway", this.flows.length + 1);
      this.flows.push(flow);
      this.byTuple.set(key, flow);
    }
    const dir: Dir = seg.src === flow.endpoints.fwd ? "fwd" : "rev";
    if (f & TCP_FLAG.SYN) flow.isn[dir] ??= seg.tcp.seq;
    return { flow, dir };
  }
}
