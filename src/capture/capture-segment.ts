/**
 * From a captured frame to the TCP segment the capture core works on (RFC 9293 §3.1), shared by
 * `verify` and `decode --runnable`: link layer stripped,
 * IP and TCP decoded by src/wire, the MPTCP options (RFC 8684 §3) picked out. A frame cut by the
 * snap length is decoded from its headers with the missing bytes marked, so header checks still
 * run and payload checks are skipped.
 */
import { formatIpAddress } from "../wire/address.ts";
import type { MptcpOption } from "../wire/mptcp-options.ts";
import { type IpRepr, parsePacket } from "../wire/packet.ts";
import type { CapturedPacket } from "../wire/pcap/captured-packet.ts";
import { stripLinkLayer } from "../wire/pcap/link-layer.ts";
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from "../wire/pcap/link-type.ts";
import { formatWireError } from "../wire/result.ts";
import type { TcpRepr } from "../wire/tcp.ts";

/** One TCP segment of the capture. */
export interface Segment {
  /** 1-based frame number (as Wireshark numbers frames). */
  readonly frame: number;
  /** Capture time in nanoseconds since the first frame's second (exact below 2^53 ns, 104 days). */
  readonly timeNs: number;
  /** Position in time order (frames of a multi-interface capture are not always in time order in the file). */
  readonly order: number;
  /** `addr:port` of the sender and of the receiver. */
  readonly src: string;
  readonly dst: string;
  readonly srcAddr: Uint8Array;
  readonly dstAddr: Uint8Array;
  /** The IP header (version, TOS, addresses). */
  readonly ip: IpRepr;
  readonly tcp: TcpRepr;
  /** The TCP payload as captured (zero-filled past the snap length when `truncated`). */
  readonly payload: Uint8Array;
  /** True when the snap length cut the frame: payload bytes are not all known. */
  readonly truncated: boolean;
  /** The MPTCP options (kind 30) in wire order. */
  readonly mptcp: readonly MptcpOption[];
}

/** What a frame turned out to be. */
export type SegmentResult =
  | { readonly kind: "tcp"; readonly segment: Segment }
  | { readonly kind: "other" }
  | { readonly kind: "error"; readonly message: string };

/** Decodes a captured frame; non-TCP frames are `other`, undecodable ones `error`. */
export function segmentOf(p: CapturedPacket, order: number, epochSec = 0): SegmentResult {
  const link = stripLinkLayer(p.linkType, p.data);
  if (!link.ok) return { kind: "error", message: link.error.detail };
  const { etherType, payload, payloadOffset } = link.value;
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return { kind: "other" };
  // An IP packet is at most 64 KiB (256 KiB with BIG TCP); a larger original length is not believed.
  const missing = Math.min(Math.max(0, p.originalLength - p.data.length), 0x40000);
  let ipBytes = payload;
  if (missing > 0) {
    // Headers are intact when the snap length covers them: pad the frame back to its wire length.
    ipBytes = new Uint8Array(p.data.length + missing - payloadOffset);
    ipBytes.set(payload);
  }
  const parsed = parsePacket(ipBytes);
  if (!parsed.ok) return { kind: "error", message: formatWireError(parsed.error) };
  const { ip, l4 } = parsed.value;
  if (l4.kind !== "tcp") return { kind: "other" };
  const mptcp = l4.options.filter((o): o is MptcpOption => o.kind === "mptcp");
  const src = `${formatIpAddress(ip.src)}:${l4.srcPort}`;
  const dst = `${formatIpAddress(ip.dst)}:${l4.dstPort}`;
  return {
    kind: "tcp",
    segment: {
      frame: p.number, timeNs: (p.tsSec - epochSec) * 1e9 + p.tsNsec, order, src, dst, srcAddr: ip.src, dstAddr: ip.dst, ip, tcp: l4, payload: parsed.value.payload, truncated: missing > 0, mptcp },
  };
}
