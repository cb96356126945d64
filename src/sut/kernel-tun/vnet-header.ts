/**
 * The virtio-net header in front of every packet on a TUN fd opened with IFF_VNET_HDR, and the
 * completion of checksums the stack left to the "device" (pkt-language.md §10.2).
 *
 * Layout (10 bytes, little endian): flags u8, gso_type u8, hdr_len u16, gso_size u16,
 * csum_start u16, csum_offset u16. Pure: no I/O.
 */
import { IP_PROTO, finishChecksum, foldSum, onesSum, pseudoHeaderSum } from "../../wire/checksum.ts";
import type { OutboundPacket } from "../sut.ts";

/** Size of `struct virtio_net_hdr` (TUNSETVNETHDRSZ default). */
export const VNET_HDR_LEN = 10;

/** `flags`: the transport checksum must be completed from csum_start. */
export const VNET_F_NEEDS_CSUM = 1;
/** `gso_type` values. */
export const VNET_GSO = { NONE: 0, TCPV4: 1, UDP: 3, TCPV6: 4, ECN: 0x80 } as const;

/** A decoded virtio-net header. */
export interface VnetHeader {
  readonly flags: number;
  readonly gsoType: number;
  readonly hdrLen: number;
  readonly gsoSize: number;
  readonly csumStart: number;
  readonly csumOffset: number;
}

/** Decode the header at the front of `frame`, or null when the frame is too short. */
export function parseVnetHeader(frame: Uint8Array): VnetHeader | null {
  if (frame.length < VNET_HDR_LEN) return null;
  const v = new DataView(frame.buffer, frame.byteOffset, VNET_HDR_LEN);
  return {
    flags: v.getUint8(0), gsoType: v.getUint8(1), hdrLen: v.getUint16(2, true),
    gsoSize: v.getUint16(4, true), csumStart: v.getUint16(6, true), csumOffset: v.getUint16(8, true),
  };
}

/** Write `h` into the first 10 bytes of `out`. */
export function emitVnetHeader(h: VnetHeader, out: Uint8Array): void {
  const v = new DataView(out.buffer, out.byteOffset, VNET_HDR_LEN);
  v.setUint8(0, h.flags);
  v.setUint8(1, h.gsoType);
  v.setUint16(2, h.hdrLen, true);
  v.setUint16(4, h.gsoSize, true);
  v.setUint16(6, h.csumStart, true);
  v.setUint16(8, h.csumOffset, true);
}

/** The all-zero header: a plain packet whose checksums are already complete. */
export const PLAIN_VNET_HEADER: VnetHeader = { flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 };

/**
 * Complete a partial checksum in place. The stack has put the pseudo-header sum at
 * `csumStart + csumOffset`; the device sums from `csumStart` to the end and stores the complement.
 * Returns false when the offsets fall outside the packet.
 */
export function completeChecksum(packet: Uint8Array, csumStart: number, csumOffset: number): boolean {
  const at = csumStart + csumOffset;
  if (csumStart >= packet.length || at + 2 > packet.length) return false;
  const folded = finishChecksum(onesSum(packet, csumStart, packet.length));
  packet[at] = folded >>> 8;
  packet[at + 1] = folded & 0xff;
  return true;
}

/** GSO metadata of an outbound frame for {@link OutboundPacket.gso}. */
export function gsoOf(h: VnetHeader): OutboundPacket["gso"] {
  const base = h.gsoType & ~VNET_GSO.ECN;
  const ecn = (h.gsoType & VNET_GSO.ECN) !== 0;
  if (base === VNET_GSO.TCPV4) return { kind: "tcpv4", size: h.gsoSize, ecn };
  if (base === VNET_GSO.TCPV6) return { kind: "tcpv6", size: h.gsoSize, ecn };
  if (base === VNET_GSO.UDP) return { kind: "udp", size: h.gsoSize, ecn };
  return null;
}

/**
 * Turn one frame read from the TUN fd into an outbound packet: strip the header and complete
 * the transport checksum when the stack asked the device to.
 */
export function decodeOutboundFrame(frame: Uint8Array, timestampUs: number): OutboundPacket | null {
  const h = parseVnetHeader(frame);
  if (h === null) return null;
  const bytes = frame.slice(VNET_HDR_LEN);
  const needs = (h.flags & VNET_F_NEEDS_CSUM) !== 0;
  const checksumCompleted = needs && completeChecksum(bytes, h.csumStart, h.csumOffset);
  return { bytes, timestampUs, gso: gsoOf(h), checksumCompleted };
}

/** Offset of the TCP checksum within the TCP header. */
const TCP_CSUM_OFFSET = 16;

/**
 * Header for an injected packet. With `gsoSize`, the packet is flagged TCPv4/v6 GSO (packetdrill
 * `--mss`) with the checksum marked complete-by-device from the transport header; the caller's
 * full checksum is then replaced by the kernel, so it must carry the pseudo-header sum instead —
 * see {@link pseudoHeaderChecksumForGso}.
 */
export function injectHeader(packet: Uint8Array, gsoSize: number | undefined): VnetHeader {
  if (gsoSize === undefined || packet.length < 1) return PLAIN_VNET_HEADER;
  const version = packet[0]! >>> 4;
  const ipHdrLen = version === 4 ? (packet[0]! & 0x0f) * 4 : 40;
  const tcpHdrLen = packet.length > ipHdrLen + 12 ? (packet[ipHdrLen + 12]! >>> 4) * 4 : 20;
  return {
    flags: VNET_F_NEEDS_CSUM, gsoType: version === 4 ? VNET_GSO.TCPV4 : VNET_GSO.TCPV6,
    hdrLen: ipHdrLen + tcpHdrLen, gsoSize, csumStart: ipHdrLen, csumOffset: TCP_CSUM_OFFSET,
  };
}

/**
 * Replace the TCP checksum of a GSO packet with the (non-complemented) pseudo-header sum, as a
 * device that completes checksums expects. Lengths use the TCP segment length.
 */
export function pseudoHeaderChecksumForGso(packet: Uint8Array): void {
  const version = packet[0]! >>> 4;
  const ipHdrLen = version === 4 ? (packet[0]! & 0x0f) * 4 : 40;
  const tcpLen = packet.length - ipHdrLen;
  const [src, dst] = version === 4 ? [packet.subarray(12, 16), packet.subarray(16, 20)] : [packet.subarray(8, 24), packet.subarray(24, 40)];
  const sum = foldSum(pseudoHeaderSum(src, dst, IP_PROTO.tcp, tcpLen));
  packet[ipHdrLen + TCP_CSUM_OFFSET] = sum >>> 8;
  packet[ipHdrLen + TCP_CSUM_OFFSET + 1] = sum & 0xff;
}
