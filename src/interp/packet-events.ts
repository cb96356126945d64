/**
 * Executing packet lines (pkt-language.md §2.3, §3.4, §3.5, §5.5): choose the socket, inject
 * inbound packets at their time, sniff outbound ones (tuple → socket, aggregation of segments
 * unless `--strict_segments`, ISN capture), then hand the comparison to the matcher.
 */
import type { OutboundPacket, Sut } from "../sut/sut.ts";
import { formatIpAddress } from "../wire/address.ts";
import { ipv4HeaderChecksum } from "../wire/checksum.ts";
import { type PacketRepr, parsePacket } from "../wire/packet.ts";
import { seqNum } from "../wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../wire/tcp.ts";
import type { LiveEndpoint } from "./mapping.ts";
import { type MatchContext, matchOutbound } from "./matcher.ts";
import { type Mismatch, plainMismatch } from "./mismatch.ts";
import { hasMptcp, mptcpContext } from "./mptcp-complete.ts";
import { mptcpAggregateMismatch, mptcpMayAggregate } from "./mptcp-dss.ts";
import { bindTupleVariables, mptcpSocketForInbound, mptcpSocketForOutbound } from "./mptcp-sockets.ts";
import { buildInbound } from "./packet-build.ts";
import type { ScriptTcpPacket } from "./script-packet.ts";
import { type SocketEntry, type SocketTable, sameEndpoint } from "./sockets.ts";
import { ScriptFault } from "./values.ts";

/** What packet execution needs from the run. */
export interface PacketContext {
  readonly sut: Sut;
  readonly fds: SocketTable;
  readonly strictSegments: boolean;
  readonly tsEcrScaled: boolean;
  readonly tsTickUsecs: number;
  /** `--mss`: inject TCP packets flagged GSO with this size (0 = off). */
  readonly gsoSize: number;
}

/**
 * §5.5 for an inbound TCP line: child of a listener (or of nothing), else the socket §8.3 picks
 * (an MP_JOIN subflow, the newest socket matching the tuple), else the current socket.
 */
export function socketForInbound(sp: ScriptTcpPacket, ctx: PacketContext): SocketEntry {
  const { fds, sut } = ctx;
  const cur = fds.current;
  if (cur === null || cur.phase === "listening") {
    const child = fds.addChild(cur, { ip: sut.net.localIp, port: sut.net.bindPort }, sut.net.remoteIp);
    child.conn.remoteIsn = (sp.flags & TCP_FLAG.SYN) !== 0 ? sp.seq : seqNum(0);
    return child;
  }
  const s = mptcpSocketForInbound(sp, fds, sut.net, sp.env) ?? cur;
  if ((sp.flags & TCP_FLAG.SYN) !== 0 && s.conn.remoteIsn === null) s.conn.remoteIsn = sp.seq;
  return s;
}

/**
 * §5.5 for an outbound TCP line: a connecting socket for a SYN, else the socket §8.3 picks (a
 * kernel MP_JOIN subflow, the newest socket matching the tuple), else the current socket.
 */
export function socketForOutbound(sp: ScriptTcpPacket, fds: SocketTable): SocketEntry {
  const synOnly = (sp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN;
  // A retransmitted SYN belongs to the current socket, whose first SYN already fixed its ISN.
  if (synOnly && fds.current?.conn.kernelIsn == null) {
    const c = fds.current?.phase === "connecting" ? fds.current : fds.all().find((s) => s.phase === "connecting");
    if (c) return c;
  }
  const sub = mptcpSocketForOutbound(sp, fds);
  if (sub) return sub;
  if (fds.current === null) throw new ScriptFault("no matching socket for script packet", sp.span);
  return fds.current;
}

/** An inbound line built and ready to write. */
export interface PreparedInbound {
  readonly sp: ScriptTcpPacket;
  readonly sock: SocketEntry;
  readonly repr: PacketRepr;
  readonly bytes: Uint8Array;
}

/**
 * Builds an inbound line from the state the events before it left. Done before waiting for the
 * line's time, so that building it (mapping, options, checksums) does not make it late.
 */
export function prepareInbound(sp: ScriptTcpPacket, sock: SocketEntry, ctx: PacketContext): PreparedInbound {
  const mptcp = hasMptcp(sp) ? mptcpContext(sp, sock.conn, ctx.fds.mptcp) : undefined;
  const { repr, bytes } = buildInbound(sp, sock.conn, ctx.sut.net.wireFamily, ctx.tsEcrScaled, mptcp);
  return { sp, sock, repr, bytes };
}

/** Injects a prepared inbound line; returns the SUT's injection time. */
export async function injectInbound({ sp, sock, repr, bytes }: PreparedInbound, ctx: PacketContext): Promise<{ repr: PacketRepr; timestampUs: number }> {
  bindTupleVariables(sp, sock, ctx.fds.mptcp);
  const r = await ctx.sut.inject(bytes, ctx.gsoSize > 0 ? { gsoSize: ctx.gsoSize } : undefined);
  if (!r.ok) throw new ScriptFault(`error writing packet: ${r.message}`, sp.span);
  const tcp = repr.l4 as TcpRepr;
  sock.conn.lastInjected = { seq: tcp.seq, ack: tcp.ack, window: tcp.window, payloadLen: sp.payloadLen, flags: tcp.flags };
  return { repr, timestampUs: r.timestampUs };
}

/** A sniffed packet decoded, with its tuple as seen from the SUT. */
interface Sniffed {
  readonly raw: OutboundPacket;
  readonly repr: PacketRepr;
  readonly tcp: TcpRepr;
  readonly local: LiveEndpoint;
  readonly remote: LiveEndpoint;
}

function decode(p: OutboundPacket): Sniffed | null {
  const r = parsePacket(p.bytes);
  if (!r.ok || r.value.l4.kind !== "tcp") return null;
  const { ip, l4 } = r.value;
  return {
    raw: p, repr: r.value, tcp: l4,
    local: { ip: formatIpAddress(ip.src), port: l4.srcPort }, remote: { ip: formatIpAddress(ip.dst), port: l4.dstPort },
  };
}

/**
 * Which known socket a sniffed packet belongs to (§3.5 step 1). An active SYN from an unknown
 * port belongs to the expected socket when it is connecting to that remote (G looks only at the
 * socket under test: an earlier socket whose TCP_FASTOPEN_CONNECT SYN is still deferred must not
 * claim it), else to the first such connecting socket.
 */
function ownerOf(s: Sniffed, fds: SocketTable, expected: SocketEntry): SocketEntry | undefined {
  const c = expected.conn;
  // The kernel may reuse a closed socket's port: the socket under test owns its tuple first.
  if (sameEndpoint(c.liveLocal, s.local) && sameEndpoint(c.liveRemote, s.remote)) return expected;
  const known = fds.byLiveTuple(s.local, s.remote);
  if (known) return known;
  if ((s.tcp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) !== TCP_FLAG.SYN) return undefined;
  if (expected.phase === "connecting" && c.liveLocal?.port === 0 && sameEndpoint(c.liveRemote, s.remote)) return expected;
  return fds.connectingTo(s.remote);
}

/** The result of sniffing for one outbound line. */
export type SniffResult =
  | { readonly ok: true; readonly packet: PacketRepr; readonly last: OutboundPacket; readonly parts: number }
  | { readonly ok: false; readonly mismatch: Mismatch; readonly packet: PacketRepr | null; readonly last: OutboundPacket | null };

const IPPROTO_MPTCP = 262;

/**
 * Whether a sniffed packet of `owner` is considered while `expected` waits (§3.5 step 1). G
 * looks only at the socket under test (and SYNs of connecting sockets): packets of other TCP
 * sockets, e.g. the FIN of a socket closed earlier, are dropped. F21 (§8.3) considers every
 * known MPTCP subflow, so a packet of another subflow is "not for expected socket".
 */
function considered(owner: SocketEntry, expected: SocketEntry): boolean {
  return owner === expected || (owner.protocol === IPPROTO_MPTCP && expected.protocol === IPPROTO_MPTCP);
}

/** Reads the next packet of a known socket; null on timeout. Unknown tuples are dropped (§10.3). */
async function nextKnown(ctx: PacketContext, deadline: number, expected: SocketEntry): Promise<{ s: Sniffed; owner: SocketEntry } | null> {
  for (;;) {
    const p = await ctx.sut.nextOutbound(deadline);
    if (p === null) return null;
    const s = decode(p);
    if (s === null) continue;
    const owner = ownerOf(s, ctx.fds, expected);
    if (owner && considered(owner, expected)) return { s, owner };
  }
}

/**
 * Sniffs the packet for an outbound line (§3.5 steps 1–2): the next packet of a known socket,
 * aggregated with following same-tuple packets until the script's payload length is reached.
 */
export async function sniffOutbound(sp: ScriptTcpPacket, sock: SocketEntry, ctx: PacketContext, deadline: number): Promise<SniffResult> {
  const first = await nextKnown(ctx, deadline, sock);
  if (first === null) return { ok: false, mismatch: plainMismatch("timeout", "timeout", "Timed out waiting for packet", sp.span), packet: null, last: null };
  if (first.owner !== sock) {
    return { ok: false, mismatch: plainMismatch("packet", "socket", "packet is not for expected socket", sp.span), packet: first.s.repr, last: first.s.raw };
  }
  learnIsn(sp, first.s, sock);
  bindTupleVariables(sp, sock, ctx.fds.mptcp);
  let ipChecksumOk = ipv4ChecksumOk(first.s.raw.bytes);
  let agg = first.s;
  let total = first.s.repr.payload.length;
  let prevSize = total;
  const chunks = [first.s.repr.payload];
  while (!ctx.strictSegments && total > 0 && total < sp.payloadLen && mptcpMayAggregate(first.s.tcp, total)) {
    const more = await nextKnown(ctx, deadline, sock);
    if (more === null) break;
    if (more.owner !== sock) {
      return { ok: false, mismatch: plainMismatch("packet", "socket", "packet is not for expected socket", sp.span), packet: more.s.repr, last: more.s.raw };
    }
    const mix = mptcpAggregateMismatch(first.s.tcp, more.s.tcp, sp.span);
    if (mix) return { ok: false, mismatch: mix, packet: more.s.repr, last: more.s.raw };
    const size = more.s.repr.payload.length;
    if (size > prevSize) {
      const detail = `fragment payload: expected ${prevSize} bytes vs actual ${size} bytes; total payload: expected ${sp.payloadLen} bytes vs actual ${total + size} bytes`;
      return { ok: false, mismatch: plainMismatch("packet", "payload_len", detail, sp.span), packet: more.s.repr, last: more.s.raw };
    }
    chunks.push(more.s.repr.payload);
    total += size;
    prevSize = size;
    agg = more.s;
    ipChecksumOk &&= ipv4ChecksumOk(more.s.raw.bytes);
  }
  const payload = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) payload.set(c, at), (at += c.length);
  // The aggregate uses the last packet's headers with the first packet's seq and CWR (§3.5).
  const cwr = first.s.tcp.flags & TCP_FLAG.CWR;
  const tcp: TcpRepr = { ...agg.tcp, seq: first.s.tcp.seq, flags: (agg.tcp.flags & ~TCP_FLAG.CWR) | cwr };
  const ip = agg.repr.ip.kind === "ipv4"
    ? { ...agg.repr.ip, totalLength: (agg.repr.ip.totalLength ?? 0) + total - agg.repr.payload.length }
    : { ...agg.repr.ip, payloadLength: (agg.repr.ip.payloadLength ?? 0) + total - agg.repr.payload.length };
  const aggregate: PacketRepr = { ...agg.repr, ip, l4: tcp, payload };
  if (!ipChecksumOk) {
    return { ok: false, mismatch: plainMismatch("packet", "ip_checksum", "bad outbound IP checksum", sp.span, false), packet: aggregate, last: agg.raw };
  }
  return { ok: true, packet: aggregate, last: agg.raw, parts: chunks.length };
}

/** §3.5 step 3: a sniffed IPv4 packet's header checksum verifies (RFC 791 §3.1); true for IPv6. */
export function ipv4ChecksumOk(bytes: Uint8Array): boolean {
  if (bytes.length < 20 || (bytes[0] as number) >> 4 !== 4) return true;
  const hl = ((bytes[0] as number) & 0xf) * 4;
  if (hl < 20 || bytes.length < hl) return false;
  return ipv4HeaderChecksum(bytes.subarray(0, hl)) === (((bytes[10] as number) << 8) | (bytes[11] as number));
}

/** §5.1: the first live SYN / SYN-ACK of a socket fixes the kernel ISN (and an active socket's port). */
function learnIsn(sp: ScriptTcpPacket, s: Sniffed, sock: SocketEntry): void {
  const conn = sock.conn;
  if ((s.tcp.flags & TCP_FLAG.SYN) === 0 || conn.kernelIsn !== null) return;
  conn.kernelIsn = s.tcp.seq;
  conn.scriptLocalIsn = sp.seq;
  if (conn.liveLocal?.port === 0) conn.liveLocal = s.local;
  if (sock.phase === "connecting") sock.phase = "established";
}

/** Runs the matcher on a sniffed packet and records the last outbound segment. */
export function checkOutbound(sp: ScriptTcpPacket, sock: SocketEntry, packet: PacketRepr, m: MatchContext): Mismatch | null {
  const res = matchOutbound(sp, packet, m);
  if (packet.l4.kind === "tcp") {
    const t = packet.l4;
    sock.conn.lastOutbound = { seq: t.seq, ack: t.ack, window: t.window, payloadLen: packet.payload.length, flags: t.flags };
  }
  return res;
}
