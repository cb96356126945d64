/**
 * `// comment` text for captured packets the `.pkt` language has no form for: ARP (RFC 826)
 * and ICMPv6 neighbour discovery (RFC 4861) and multicast listener messages (RFC 2710, RFC 3810).
 */
import { formatIpAddress } from "../wire/address.ts";

const ICMPV6_NAMES: Record<number, string> = {
  130: "multicast listener query", 131: "multicast listener report", 132: "multicast listener done",
  133: "router solicitation", 134: "router advertisement", 135: "neighbor solicitation",
  136: "neighbor advertisement", 137: "redirect", 143: "multicast listener report v2",
};

/** `icmpv6 neighbor solicitation fe80::1 > ff02::1:ff00:2`. */
export function describeIcmpv6(type: number, src: string, dst: string): string {
  return `icmpv6 ${ICMPV6_NAMES[type] ?? `type ${type}`} ${src} > ${dst}`;
}

/** `arp who-has 10.0.0.2 tell 10.0.0.1`, `arp reply 10.0.0.2 is-at 02:00:00:00:00:02`, or a short fallback. */
export function describeArp(b: Uint8Array): string {
  if (b.length < 28 || b[4] !== 6 || b[5] !== 4) return `arp, ${b.length} bytes`;
  const op = ((b[6] ?? 0) << 8) | (b[7] ?? 0);
  const mac = Array.from(b.subarray(8, 14), (x) => x.toString(16).padStart(2, "0")).join(":");
  const spa = formatIpAddress(b.subarray(14, 18));
  const tpa = formatIpAddress(b.subarray(24, 28));
  if (op === 1) return `arp who-has ${tpa} tell ${spa}`;
  if (op === 2) return `arp reply ${spa} is-at ${mac}`;
  return `arp op ${op} ${spa} > ${tpa}`;
}
