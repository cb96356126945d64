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
  const parts: string[] = [];
  if (ctx.direction) parts.push(ctx.direction);
  for (const e of pkt.encaps) parts.push(formatEncap(e));
  const info = formatIpInfo(pkt.ip);
  if (info !== "") parts.push(info);
  const l4 = pkt.l4;
  switch (l4.kind) {
    case "tcp": {
      const t = formatTuple(pkt.ip, l4, ctx);
      if (t) parts.push(t);
      parts.push(formatTcp(l4, pkt.payload.length, ctx));
      break;
    }
    case "udp":
      parts.push(formatUdp(l4, pkt.payload.length, formatTuple(pkt.ip, l4, ctx)));
      break;
    case "icmp":
      parts.push(formatIcmp(l4));
      break;
    case "other":
      parts.push(`ipproto ${l4.protocol} (${pkt.payload.length})`);
      break;
  }
  return parts.join(" ");
}
