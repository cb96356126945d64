/**
 * ICMP packet lines (pkt-language.md §3.1, §3.3, §9): type and code names per wire family (RFC 792
 * for ICMPv4, RFC 4443 for ICMPv6), the static check that rejects a name the family lacks
 * (packetdrill: `semantic error: bad ICMP code frag_needed`, so the run is an error), and the
 * injected packet of an inbound error: the ICMP header (with the RFC 1191 §4 / RFC 4443 §3.2 MTU)
 * followed by the connection's own outgoing IP header and the first 8 bytes of its TCP header —
 * RFC 792: "Internet Header + 64 bits of Original Data Datagram" — whose seq is the script's
 * `[s:e(l)]` start relative to the kernel's ISN (0 when omitted).
 */
import type * as ast from "../script/ast.ts";
import type { Span } from "../script/span.ts";
import { IP_PROTO } from "../wire/checksum.ts";
import { type IcmpBody, type IcmpRepr, icmpCodeName, icmpRestForMtu, icmpTypeName } from "../wire/icmp.ts";
import { type PacketRepr, emitPacket, packet } from "../wire/packet.ts";
import { seqAdd, seqNum } from "../wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../wire/tcp.ts";
import type { ConnectionMapping } from "./mapping.ts";
import { ipHeader } from "./packet-build.ts";
import { ScriptFault, type ValueEnv } from "./values.ts";

/** The number of a type or code name: a table name, `type_N` / `code_N`, or null. */
function lookup(name: string, prefix: "type_" | "code_", nameOf: (n: number) => string): number | null {
  const m = new RegExp(`^${prefix}(\\d+)$`).exec(name);
  if (m) return Number(m[1]) & 0xff;
  for (let n = 0; n < 256; n++) if (nameOf(n) === name) return n;
  return null;
}

/** An ICMP line's type and code on a wire family, or the semantic error packetdrill gives. */
export function icmpTypeCode(msg: ast.IcmpMessage, env: ValueEnv, family: 4 | 6): { type: number; code: number } | string {
  const typeName = env.word(msg.type);
  const type = lookup(typeName, "type_", (n) => icmpTypeName(family, n));
  if (type === null) return `bad ICMP type ${typeName}`;
  if (msg.code === null) return { type, code: 0 };
  const codeName = env.word(msg.code);
  const code = lookup(codeName, "code_", (n) => icmpCodeName(family, type, n));
  if (code === null) return `bad ICMP code ${codeName}`;
  return { type, code };
}

/**
 * The static pass over a script's ICMP lines for the run's wire family: the first bad type or
 * code as `{line, message}` (`file:line: semantic error: bad ICMP code X`), else null.
 */
export function checkIcmpNames(script: ast.Script, env: ValueEnv, family: 4 | 6): { line: number; message: string } | null {
  for (const ev of script.events) {
    const a = ev.action;
    if (a.kind !== "packet" || a.body.kind !== "icmp") continue;
    const r = icmpTypeCode(a.body, env, family);
    if (typeof r === "string") return { line: a.span.start.line, message: `${a.span.file}:${a.span.start.line}: semantic error: ${r}` };
  }
  return null;
}

/** The echoed invoking packet: the connection's own outbound IP header + 8 bytes of TCP (RFC 792). */
function invokingBytes(msg: ast.IcmpMessage, conn: ConnectionMapping, family: 4 | 6, env: ValueEnv, span: Span): Uint8Array {
  const local = conn.liveLocal;
  const remote = conn.liveRemote;
  if (local === null || remote === null) throw new ScriptFault("no matching socket for script packet", span);
  const e = msg.echoed;
  if (e?.kind === "echoedRaw") return new Uint8Array(Number(env.num(e.length)));
  const noInfo = { ecn: null, tos: null, ttl: null, flowLabel: null };
  const ip = ipHeader(family, local.ip, remote.ip, noInfo);
  let inner: PacketRepr;
  if (e?.kind === "echoedUdp") {
    const len = Number(env.num(e.length));
    const udpIp = ip.kind === "ipv4" ? { ...ip, protocol: IP_PROTO.udp } : { ...ip, nextHeader: IP_PROTO.udp };
    inner = packet(udpIp, { kind: "udp", srcPort: local.port, dstPort: remote.port }, new Uint8Array(len));
  } else {
    const start = e?.kind === "echoedTcp" ? Number(BigInt.asUintN(32, env.num(e.seq.start))) : 0;
    const len = e?.kind === "echoedTcp" ? Number(env.num(e.seq.length)) : 0;
    const tcp: TcpRepr = {
      kind: "tcp", srcPort: local.port, dstPort: remote.port, seq: seqAdd(conn.kernelIsn ?? seqNum(0), start),
      ack: seqNum(0), flags: TCP_FLAG.ACK, window: 0, urgent: 0, options: [],
    };
    inner = packet(ip, tcp, new Uint8Array(len));
  }
  const bytes = emitPacket(inner);
  const ipLen = family === 4 ? 20 : 40;
  return bytes.slice(0, ipLen + 8);
}

/** The injected packet of an inbound ICMP line (§3.3, §3.4): live addresses, checksums computed. */
export function buildInboundIcmp(
  node: ast.Packet, msg: ast.IcmpMessage, conn: ConnectionMapping, family: 4 | 6, env: ValueEnv,
): { readonly repr: PacketRepr; readonly bytes: Uint8Array } {
  const tc = icmpTypeCode(msg, env, family);
  if (typeof tc === "string") throw new ScriptFault(tc, msg.span);
  const local = conn.liveLocal;
  const remote = conn.liveRemote;
  if (local === null || remote === null) throw new ScriptFault("no matching socket for script packet", node.span);
  const rest = msg.mtu !== null ? icmpRestForMtu(family, Number(env.num(msg.mtu))) : 0;
  const body: IcmpBody = msg.id !== null
    ? { kind: "echo", identifier: Number(env.num(msg.id)) & 0xffff, sequence: 0, data: new Uint8Array(0) }
    : { kind: "error", rest, invoking: invokingBytes(msg, conn, family, env, node.span) };
  const icmp: IcmpRepr = { kind: "icmp", version: family, type: tc.type, code: tc.code, body };
  const base = ipHeader(family, remote.ip, local.ip, { ecn: null, tos: null, ttl: null, flowLabel: null });
  const ip = base.kind === "ipv4" ? { ...base, protocol: IP_PROTO.icmp } : { ...base, nextHeader: IP_PROTO.icmpv6 };
  const repr = packet(ip, icmp);
  return { repr, bytes: emitPacket(repr) };
}
