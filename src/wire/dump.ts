/**
 * The one-line dump of any packet in `.pkt` syntax (pkt-language.md §3.1, §4, §8, §9), e.g.
 * `< S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>`.
 *
 * Absolute values by default (decode); the interpreter passes a {@link FormatContext} with
 * `seqBase`/`ackBase` (and `dsnBase`/`dataAckBase`) to print script-relative numbers.
 * Spellings chosen where the script language has no literal are listed in option-format.ts;
 * here: a tuple endpoint prints `addr:port` for both versions (`2001:db8::1:8080`, the port is
 * after the last colon), and an upper layer that is not TCP/UDP/ICMP prints `ipproto N (len)`
 * (not in the grammar).
 */
import { formatIpAddress } from "./address.ts";
import type { FormatContext } from "./format-context.ts";
import { formatGre } from "./gre.ts";
import { formatIcmp } from "./icmp.ts";
import { formatIpv4 } from "./ipv4.ts";
import { formatIpv6 } from "./ipv6.ts";
import { formatMpls } from "./mpls.ts";
import type { EncapRepr, IpRepr, PacketRepr } from "./packet.ts";
import { formatTcp } from "./tcp.ts";
import { formatUdp } from "./udp.ts";

export type { FormatContext } from "./format-context.ts";

const ECN_NAMES = ["noecn", "ect1", "ect0", "ce"] as const;

/** The traffic class byte of either IP version. */
function tosOf(ip: IpRepr): number {
  return ip.kind === "ipv4" ? ip.tos : ip.trafficClass;
}

/**
 * `[ect0]`, `[tos 0x2e]`, `[flowlabel 0x12345]` or `[ect1, flowlabel 0x1]` (pkt-language.md §3.2
 * `ip_info`), or "" when the TOS/traffic class and flow label are zero. TTL is not printed.
 */
export function formatIpInfo(ip: IpRepr): string {
  const tos = tosOf(ip);
  if (tos === 0 && (ip.kind === "ipv4" || ip.flowLabel === 0)) return "";
  const parts: string[] = [];
  if (tos !== 0) parts.push(tos >> 2 === 0 ? (ECN_NAMES[tos & 3] as string) : `tos 0x${tos.toString(16)}`);
  if (ip.kind === "ipv6" && ip.flowLabel !== 0) parts.push(`flowlabel 0x${ip.flowLabel.toString(16)}`);
  return parts.length === 0 ? "" : `[${parts.join(", ")}]`;
}

function formatEncap(e: EncapRepr): string {
  switch (e.kind) {
    case "ipv4": return formatIpv4(e);
    case "ipv6": return formatIpv6(e);
    case "gre": return formatGre(e);
    case "mpls": return formatMpls(e);
  }
}

function endpoint(addr: Uint8Array, port: number): string {
  return `${formatIpAddress(addr)}:${port}`;
}

/** `8080 > 40000` or `192.0.2.1:8080 > 192.168.0.2:40000` per `ctx.tuple`, or undefined. */
function formatTuple(ip: IpRepr, l4: { srcPort: number; dstPort: number }, ctx: FormatContext): string | undefined {
  if (ctx.tuple === "ports") return `${l4.srcPort} > ${l4.dstPort}`;
  if (ctx.tuple === "addresses") return `${endpoint(ip.src, l4.srcPort)} > ${endpoint(ip.dst, l4.dstPort)}`;
  return undefined;
}

/** The one-line `.pkt` dump of a packet (see the module header). */
export function formatPacket(pkt: PacketRepr, ctx: FormatContext = {}): string {
  // One growing string (each piece after the first gets a leading space): this runs once per
  // packet in `decode`.
  let s = ctx.direction ?? "";
  for (const e of pkt.encaps) s = join(s, formatEncap(e));
  s = join(s, formatIpInfo(pkt.ip));
  const l4 = pkt.l4;
  switch (l4.kind) {
    case "tcp":
      if (ctx.tuple === "ports" || ctx.tuple === "addresses") s = join(s, formatTuple(pkt.ip, l4, ctx) as string);
      return join(s, formatTcp(l4, pkt.payload.length, ctx));
    case "udp":
      return join(s, formatUdp(l4, pkt.payload.length, formatTuple(pkt.ip, l4, ctx)));
    case "icmp":
      return join(s, formatIcmp(l4));
    case "other":
      return join(s, `ipproto ${l4.protocol} (${pkt.payload.length})`);
  }
}

/** `a b`, or whichever is non-empty. */
function join(a: string, b: string): string {
  if (b === "") return a;
  return a === "" ? b : `${a} ${b}`;
}
