/**
 * Middlebox behaviour for the fallback scenarios (RFC 8684 §3.7, FB-03, CS-03/CS-04): strip the
 * MPTCP options from a SYN/ACK, or flip one payload byte of a data segment while keeping the TCP
 * checksum valid (so only the DSS checksum can catch it). Pure packet rewrites over the stack's
 * segment codec.
 */
import { decodeSegment, encodeSegment } from "../stack/segment.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import type { Mangle } from "./realtime-loop.ts";

/** What a mangler did, for the report. */
export interface MangleCount {
  hits: number;
  /** Subflow offsets (bytes after the ISN + 1) of the flipped bytes. */
  offsets: number[];
}

/** The value every flipped byte is XORed with. */
export const FLIP = 0x5a;

/** Removes every MPTCP option from SYN/ACK segments (a middlebox that strips unknown options). */
export function stripSynAckMptcp(count: MangleCount): Mangle {
  return (ip) => {
    const d = decodeSegment(ip);
    if (!d.ok) return ip;
    const { tcp } = d.seg;
    const synAck = (tcp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === (TCP_FLAG.SYN | TCP_FLAG.ACK);
    if (!synAck || !tcp.options.some((o) => o.kind === "mptcp")) return ip;
    count.hits++;
    return encodeSegment({ ...d.seg, tcp: { ...tcp, options: tcp.options.filter((o) => o.kind !== "mptcp") } });
  };
}

/** Flips one byte in the payload of the `nth` (1-based) data-carrying segment; later ones pass. */
export function corruptNthPayload(nth: number, count: MangleCount): Mangle {
  let seen = 0;
  let isn: number | undefined;
  return (ip) => {
    if (seen >= nth) return ip;
    const d = decodeSegment(ip);
    if (d.ok && (d.seg.tcp.flags & TCP_FLAG.SYN) !== 0) isn = d.seg.tcp.seq;
    if (!d.ok || d.seg.payload.length === 0) return ip;
    if (++seen !== nth) return ip;
    const payload = d.seg.payload.slice();
    const at = Math.floor(payload.length / 2);
    payload[at] = (payload[at] as number) ^ FLIP;
    count.hits++;
    if (isn !== undefined) count.offsets.push(((d.seg.tcp.seq - isn - 1) >>> 0) + at);
    return encodeSegment({ ...d.seg, payload });
  };
}
