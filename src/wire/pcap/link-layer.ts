/**
 * Link-layer strippers: from a captured frame to the network-layer bytes and their ethertype.
 * Ethernet II with stacked 802.1Q / 802.1ad tags, Linux cooked capture v1 (SLL, 16-byte header)
 * and v2 (SLL2, 20-byte header), raw IP (101, 12, 14, 228, 229) and BSD loopback (0).
 * Pure and non-throwing; `payload` is a view into the frame.
 */
import {
  DLT_RAW_ALIASES, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN, LINKTYPE_ETHERNET, LINKTYPE_IPV4,
  LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW, linkTypeName,
} from "./link-type.ts";
import { sub } from "../bytes.ts";
import { pcapErr, pcapOk, type PcapResult } from "./pcap-error.ts";

/** Linux `sll_pkttype` values carried by cooked captures. */
export const SLL_HOST = 0;
/** A frame sent by the capturing host (`PACKET_OUTGOING`). */
export const SLL_OUTGOING = 4;

/** A frame with its link-layer header removed. */
export interface LinkFrame {
  /** Ethertype of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, …); for 802.3 frames, 0. */
  readonly etherType: number;
  /** Offset of the network-layer header within the frame. */
  readonly payloadOffset: number;
  /** The network-layer bytes. */
  readonly payload: Uint8Array;
  /** VLAN ids of the 802.1Q / 802.1ad tags, outermost first. */
  readonly vlanIds: readonly number[];
  /** Cooked captures: Linux packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing). */
  readonly sllPacketType?: number;
  /** SLL2 captures: the interface index. */
  readonly ifIndex?: number;
}

/** The `vlanIds` of every untagged frame (read-only, so one array serves them all). */
const NO_VLANS: readonly number[] = Object.freeze([]);

/**
 * A frame literal with one fixed shape per header kind (no spread, no per-frame empty array):
 * this runs once per packet in `decode`.
 */
function frame(data: Uint8Array, etherType: number, at: number, vlanIds: readonly number[] = NO_VLANS): LinkFrame {
  return { etherType, payloadOffset: at, payload: sub(data, at), vlanIds };
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

function u32(b: Uint8Array, i: number): number {
  return (u16(b, i) * 0x10000) + u16(b, i + 2);
}

/** Strips the link-layer header of a frame captured with link type `linkType`. */
export function stripLinkLayer(linkType: number, data: Uint8Array): PcapResult<LinkFrame> {
  switch (linkType) {
    case LINKTYPE_ETHERNET: return stripEthernet(data);
    case LINKTYPE_LINUX_SLL: return stripSll(data);
    case LINKTYPE_LINUX_SLL2: return stripSll2(data);
    case LINKTYPE_IPV4: return pcapOk(frame(data, ETHERTYPE_IPV4, 0));
    case LINKTYPE_IPV6: return pcapOk(frame(data, ETHERTYPE_IPV6, 0));
    case LINKTYPE_NULL: return stripNull(data);
    default:
      if (linkType === LINKTYPE_RAW || DLT_RAW_ALIASES.includes(linkType)) return stripRaw(data);
      return pcapErr("link-unsupported", 0, `link type ${linkTypeName(linkType)} is not supported`);
  }
}

/**
 * Where the IPv4/IPv6 header starts in a frame of a common link type (untagged Ethernet, raw IP,
 * cooked v1/v2) whose header says IPv4 or IPv6, found without building a {@link LinkFrame}; -1
 * for anything else (VLAN tags, ARP, a short header, other link types), which
 * {@link stripLinkLayer} then handles. Agrees with stripLinkLayer's `payloadOffset` wherever it
 * is not -1.
 */
export function ipPayloadStart(linkType: number, data: Uint8Array): number {
  const len = data.length;
  switch (linkType) {
    case LINKTYPE_ETHERNET: return len >= 14 && isIp(u16(data, 12)) ? 14 : -1;
    case LINKTYPE_LINUX_SLL: return len >= 16 && isIp(u16(data, 14)) ? 16 : -1;
    case LINKTYPE_LINUX_SLL2: return len >= 20 && isIp(u16(data, 0)) ? 20 : -1;
    case LINKTYPE_IPV4: case LINKTYPE_IPV6: return 0;
    default: {
      if (len < 1 || (linkType !== LINKTYPE_RAW && !DLT_RAW_ALIASES.includes(linkType))) return -1;
      const version = (data[0] as number) >> 4;
      return version === 4 || version === 6 ? 0 : -1;
    }
  }
}

function isIp(etherType: number): boolean {
  return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6;
}

function stripRaw(data: Uint8Array): PcapResult<LinkFrame> {
  if (data.length < 1) return pcapErr("link-truncated", 0, "empty raw IP frame");
  const version = (data[0] ?? 0) >> 4;
  if (version === 4) return pcapOk(frame(data, ETHERTYPE_IPV4, 0));
  if (version === 6) return pcapOk(frame(data, ETHERTYPE_IPV6, 0));
  return pcapErr("link-unsupported", 0, `raw frame with IP version ${version}`);
}

function stripEthernet(data: Uint8Array): PcapResult<LinkFrame> {
  if (data.length < 14) return pcapErr("link-truncated", data.length, `Ethernet header needs 14 bytes, have ${data.length}`);
  let at = 12;
  let type = u16(data, at);
  if (type !== ETHERTYPE_VLAN && type !== ETHERTYPE_QINQ) return pcapOk(frame(data, type >= 0x600 ? type : 0, 14));
  const vlanIds: number[] = [];
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) {
    if (data.length < at + 6) return pcapErr("link-truncated", data.length, "VLAN tag cut short");
    vlanIds.push(u16(data, at + 2) & 0x0fff);
    at += 4;
    type = u16(data, at);
  }
  // IEEE 802.3: values up to 1500 are a length (an LLC frame), not an ethertype.
  return pcapOk(frame(data, type >= 0x600 ? type : 0, at + 2, vlanIds));
}

function stripSll(data: Uint8Array): PcapResult<LinkFrame> {
  if (data.length < 16) return pcapErr("link-truncated", data.length, `cooked v1 header needs 16 bytes, have ${data.length}`);
  return pcapOk({ ...frame(data, u16(data, 14), 16, []), sllPacketType: u16(data, 0) });
}

function stripSll2(data: Uint8Array): PcapResult<LinkFrame> {
  if (data.length < 20) return pcapErr("link-truncated", data.length, `cooked v2 header needs 20 bytes, have ${data.length}`);
  return pcapOk({ ...frame(data, u16(data, 0), 20, []), sllPacketType: data[10] as number, ifIndex: u32(data, 4) });
}

function stripNull(data: Uint8Array): PcapResult<LinkFrame> {
  if (data.length < 4) return pcapErr("link-truncated", data.length, "loopback header needs 4 bytes");
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // The family is in the capturing host's byte order; AF_INET is 2, AF_INET6 is 10/24/28/30.
  const family = Math.min(view.getUint32(0, true), view.getUint32(0, false));
  if (family === 2) return pcapOk(frame(data, ETHERTYPE_IPV4, 4));
  if ([10, 24, 28, 30].includes(family)) return pcapOk(frame(data, ETHERTYPE_IPV6, 4));
  return pcapOk(frame(data, 0, 4));
}
