/**
 * Packet lines → wire packets (pkt-language.md §3.4, §5.2, §5.3): the injected packet of an
 * inbound line (live addresses and ports, mapped seq/ack/SACK and TS ecr, IPv4 ID 0, TTL 255,
 * checksums computed, zero payload) and the script-space packet of any line, used for dumps and
 * for the expected lengths of outbound lines.
 */
import type { SutNetConfig } from "../sut/sut.ts";
import { parseIpAddress } from "../wire/address.ts";
import { IP_PROTO } from "../wire/checksum.ts";
import type { Ipv4Repr } from "../wire/ipv4.ts";
import type { Ipv6Repr } from "../wire/ipv6.ts";
import { type IpRepr, type PacketRepr, emitPacket, packet } from "../wire/packet.ts";
import { TCP_FLAG, type TcpRepr } from "../wire/tcp.ts";
import type { TcpOption } from "../wire/tcp-options.ts";
import type { ConnectionMapping, LiveEndpoint } from "./mapping.ts";
import { completeInboundMptcp } from "./mptcp-complete.ts";
import type { MptcpEvalContext } from "./mptcp-state.ts";
import type { ScriptIpInfo, ScriptTcpPacket } from "./script-packet.ts";
import { ScriptFault } from "./values.ts";

/** The TOS / traffic-class byte a packet line asks for (ECN codepoint or `tos`). */
export function tosByte(ip: ScriptIpInfo): number {
  const ecn = ip.ecn === null || ip.ecn === "ect01" ? 0 : ip.ecn;
  return ((ip.tos ?? 0) & 0xfc) | ((ip.tos ?? 0) & 3) | ecn;
}

/** An IP header of the wire family carrying TCP from `src` to `dst`. */
export function ipHeader(family: 4 | 6, src: string, dst: string, ip: ScriptIpInfo): IpRepr {
  const s = parseIpAddress(src);
  const d = parseIpAddress(dst);
  if (!s || !d) throw new Error(`bad address ${src} or ${dst}`);
  if (family === 4) {
    const v4: Ipv4Repr = {
      kind: "ipv4", tos: tosByte(ip), identification: 0, flags: 0, fragmentOffset: 0, ttl: ip.ttl ?? 255,
      protocol: IP_PROTO.tcp, src: s, dst: d, options: new Uint8Array(0),
    };
    return v4;
  }
  const v6: Ipv6Repr = {
    kind: "ipv6", trafficClass: tosByte(ip), flowLabel: ip.flowLabel ?? 0, hopLimit: ip.ttl ?? 255,
    nextHeader: IP_PROTO.tcp, src: s, dst: d, extensions: [],
  };
  return v6;
}

/** The script-space TCP header of a line (wildcards as 0, an omitted window as 0). */
export function scriptTcpRepr(sp: ScriptTcpPacket, options: readonly TcpOption[] | null = null): TcpRepr {
  return {
    kind: "tcp", srcPort: sp.srcPort ?? 0, dstPort: sp.dstPort ?? 0, seq: sp.seq, ack: sp.ack, flags: sp.flags,
    window: sp.window ?? 0, urgent: sp.urgent, options: options ?? (sp.options ?? []).map((o) => o.wire),
  };
}

/** The whole script-space packet of a line (addresses from the net config), for dumps. */
export function scriptPacketRepr(sp: ScriptTcpPacket, net: SutNetConfig): PacketRepr {
  const inbound = sp.direction === "inbound";
  const ip = ipHeader(net.wireFamily, inbound ? net.remoteIp : net.localIp, inbound ? net.localIp : net.remoteIp, sp.ip);
  return packet(ip, scriptTcpRepr(sp), new Uint8Array(sp.payloadLen));
}

/** Maps inbound options into live space: SACK edges like acks, TS ecr from the outbound pairs (§5.3). */
function liveOptions(sp: ScriptTcpPacket, conn: ConnectionMapping, tsEcrScaled: boolean, mptcp: MptcpEvalContext | undefined): TcpOption[] {
  const ackSet = (sp.flags & TCP_FLAG.ACK) !== 0;
  return (sp.options ?? []).map((o): TcpOption => {
    const w = o.wire;
    if (w.kind === "mptcp" && mptcp !== undefined) return completeInboundMptcp(o, mptcp);
    if (w.kind === "sack") {
      return { kind: "sack", blocks: w.blocks.map((b) => ({ left: conn.inboundAck(b.left, false), right: conn.inboundAck(b.right, false) })) };
    }
    if (w.kind === "timestamps" && ackSet) {
      const ecr = conn.mapInboundTsEcr(w.tsEcr, tsEcrScaled);
      if (ecr === null) {
        throw new ScriptFault(
          `unable to infer live TS ecr for script TS ecr ${w.tsEcr};  no matching or preceding outbound TS val`, o.node.span, "tcp_ts_ecr",
        );
      }
      return { ...w, tsEcr: ecr };
    }
    return w;
  });
}

/** The injected packet of an inbound TCP line, in live space (§3.4); `mptcp` completes MPTCP options (§8). */
export function buildInbound(
  sp: ScriptTcpPacket, conn: ConnectionMapping, family: 4 | 6, tsEcrScaled: boolean, mptcp?: MptcpEvalContext,
): { readonly repr: PacketRepr; readonly bytes: Uint8Array } {
  const local: LiveEndpoint | null = conn.liveLocal;
  const remote: LiveEndpoint | null = conn.liveRemote;
  if (local === null || remote === null) throw new ScriptFault("no matching socket for script packet", sp.span);
  const syn = (sp.flags & TCP_FLAG.SYN) !== 0;
  const ack = (sp.flags & TCP_FLAG.ACK) !== 0;
  const tcp: TcpRepr = {
    kind: "tcp", srcPort: sp.srcPort ?? remote.port, dstPort: sp.dstPort ?? local.port,
    seq: conn.inboundSeq(sp.seq, syn), ack: ack ? conn.inboundAck(sp.ack, syn) : sp.ack,
    flags: sp.flags, window: sp.window ?? 0, urgent: sp.urgent, options: liveOptions(sp, conn, tsEcrScaled, mptcp),
  };
  const repr = packet(ipHeader(family, remote.ip, local.ip, sp.ip), tcp, new Uint8Array(sp.payloadLen));
  return { repr, bytes: emitPacket(repr) };
}
