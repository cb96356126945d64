/**
 * Link-layer header types of pcap and pcapng (the tcpdump.org LINKTYPE_* registry), the subset
 * mptcpdrill reads and writes.
 */

/** LINKTYPE_NULL: BSD loopback, a 4-byte address family in the capturing host's byte order. */
export const LINKTYPE_NULL = 0;
/** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet, optionally with 802.1Q / 802.1ad VLAN tags. */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_RAW: raw IPv4 or IPv6, the version nibble tells which. */
export const LINKTYPE_RAW = 101;
/** LINKTYPE_LINUX_SLL: Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10). */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_IPV4: raw IPv4 only. */
export const LINKTYPE_IPV4 = 228;
/** LINKTYPE_IPV6: raw IPv6 only. */
export const LINKTYPE_IPV6 = 229;
/** LINKTYPE_LINUX_SLL2: Linux cooked capture v2 (`tcpdump -i any` with libpcap ≥ 1.10). */
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as numbered on some BSDs (12) and OpenBSD (14); pcap files may carry either. */
export const DLT_RAW_ALIASES: readonly number[] = [12, 14];

/** Ethertypes the link-layer strippers recognise. */
export const ETHERTYPE_IPV4 = 0x0800;
/** Ethertype of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** Ethertype of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;
/** Ethertype of an 802.1Q VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** Ethertype of an 802.1ad (QinQ) service tag. */
export const ETHERTYPE_QINQ = 0x88a8;

/** A short name for a link type, for comments and error messages. */
export function linkTypeName(linkType: number): string {
  switch (linkType) {
    case LINKTYPE_NULL: return "null";
    case LINKTYPE_ETHERNET: return "ethernet";
    case LINKTYPE_RAW: case 12: case 14: return "raw";
    case LINKTYPE_LINUX_SLL: return "linux_sll";
    case LINKTYPE_IPV4: return "ipv4";
    case LINKTYPE_IPV6: return "ipv6";
    case LINKTYPE_LINUX_SLL2: return "linux_sll2";
    default: return `linktype_${linkType}`;
  }
}
