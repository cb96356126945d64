/**
 * The exchange of one connection in a capture, from the point of view of one host, the SUT: the
 * first TCP connection (the first SYN), its role (the SUT answered the SYN: passive, or sent it:
 * active), the MPTCP subflows joined to it (RFC 8684 §3.2, by token), who sent each segment, and
 * the connection's MPTCP state (version, keys, IDSNs, checksums; §3.1). The input of
 * `decode --runnable`; pure data built from capture items.
 */
import { formatIpAddress } from "../wire/address.ts";
import { mptcpIdsn, type MptcpVersion } from "../wire/mptcp-crypto.ts";
import { MPC_FLAG } from "../wire/mptcp-options.ts";
import type { CaptureItem } from "../wire/pcap/captured-packet.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import { type Segment, segmentOf } from "./capture-segment.ts";
import { type Dir, type FlowBase, FlowTable, type FlowStart } from "./flow-table.ts";
import { TokenIndex } from "./token-index.ts";

/** A flow of the capture with what the exchange knows about it. */
export interface ExchangeFlow extends FlowBase {
  readonly id: number;
  readonly start: FlowStart;
  /** The direction the SUT sends in (undefined for flows not part of the exchange). */
  sutDir?: Dir;
  /** `initial` (the first SYN's flow), `join` (an MP_JOIN subflow of it), or `other`. */
  role: "initial" | "join" | "other";
}

/** The MPTCP state of the connection under test (RFC 8684 §3.1). */
export interface ExchangeMptcp {
  version: MptcpVersion;
  sutKey?: bigint;
  peerKey?: bigint;
  /** Either MP_CAPABLE of the handshake set A: DSS checksums (§3.3.1). */
  checksums: boolean;
}

/** One segment of the exchange. */
export interface ExchangeSegment {
  readonly seg: Segment;
  readonly flow: ExchangeFlow;
  readonly dir: Dir;
  /** The SUT sent it (`>` in the script). */
  readonly fromSut: boolean;
}

/** What `analyzeExchange` found. */
export interface Exchange {
  /** The SUT's address on the initial subflow. */
  readonly sutAddress: string;
  /** The SUT answered the first SYN (passive open) or sent it (active open). */
  readonly open: "passive" | "active";
  /** Segments of the connection under test, in time order. */
  readonly segments: readonly ExchangeSegment[];
  readonly flows: readonly ExchangeFlow[];
  /** Set when the SUT or the peer spoke MPTCP on the initial subflow. */
  readonly mptcp?: ExchangeMptcp;
  /** Frames left out (other connections, undecodable frames), as `frame N: why`. */
  readonly skipped: readonly string[];
}

/** Why no exchange could be found. */
export interface ExchangeProblem {
  readonly message: string;
}

const ipOf = (endpoint: string): string => endpoint.slice(0, endpoint.lastIndexOf(":"));

/**
 * Finds the connection under test: the first SYN's. The SUT is `sutIp` when given (it must be an
 * end of that SYN), else the host that answered the SYN.
 */
export function analyzeExchange(items: Iterable<CaptureItem>, sutIp?: string): { ok: true; value: Exchange } | { ok: false; error: ExchangeProblem } {
  const skipped: string[] = [];
  const frames = [];
  for (const item of items) {
    if (item.kind === "error") skipped.push(`offset ${item.error.offset}: ${item.error.code} (${item.error.detail})`);
    else frames.push(item.packet);
  }
  frames.sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec || a.number - b.number);
  const epoch = frames[0]?.tsSec ?? 0;
  const segments: Segment[] = [];
  frames.forEach((p, order) => {
    const r = segmentOf(p, order, epoch);
    if (r.kind === "tcp") segments.push(r.segment);
    else if (r.kind === "error") skipped.push(`frame ${p.number}: ${r.message}`);
  });
  const firstSyn = segments.find((s) => (s.tcp.flags & (TCP_FLAG.SYN | TCP_FLAG.ACK)) === TCP_FLAG.SYN);
  if (firstSyn === undefined) return { ok: false, error: { message: "the capture has no SYN: a runnable script starts from a connection's handshake" } };
  const synSrc = formatIpAddress(firstSyn.srcAddr);
  const synDst = formatIpAddress(firstSyn.dstAddr);
  if (sutIp !== undefined && sutIp !== synSrc && sutIp !== synDst) {
    return { ok: false, error: { message: `--sut-ip ${sutIp} is not an end of the first SYN (${synSrc} > ${synDst}, frame ${firstSyn.frame})` } };
  }
  const sutAddress = sutIp ?? synDst;
  const open = sutAddress === synDst ? "passive" : "active";
  const table = new FlowTable<ExchangeFlow>((fwd, rev, start, id) => ({ id, start, endpoints: { fwd, rev }, isn: {}, role: "other" }));
  const initialKey = `${firstSyn.src}|${firstSyn.dst}`;
  const sutIps = new Set([sutAddress]);
  const peerIps = new Set([sutAddress === synDst ? synSrc : synDst]);
  let mptcp: ExchangeMptcp | undefined;
  const out: ExchangeSegment[] = [];
  for (const seg of segments) {
    if (seg.order < firstSyn.order) {
      skipped.push(`frame ${seg.frame}: before the first SYN`);
      continue;
    }
    const { flow, dir } = table.lookup(seg);
    if (flow.role === "other" && flow.sutDir === undefined) classify(flow, seg, initialKey, mptcp, sutIps, peerIps);
    if (flow.sutDir === undefined || flow.role === "other") {
      skipped.push(`frame ${seg.frame}: ${seg.src} > ${seg.dst} is not part of the connection under test`);
      continue;
    }
    const fromSut = dir === flow.sutDir;
    if (flow.role === "initial") mptcp = trackHandshake(mptcp, seg, fromSut);
    learnAddresses(seg, fromSut, sutIps, peerIps);
    out.push({ seg, flow, dir, fromSut });
  }
  const base = { sutAddress, open, segments: out, flows: table.flows.filter((f) => f.role !== "other"), skipped } as const;
  return { ok: true, value: mptcp === undefined ? base : { ...base, mptcp } };
}

/** Decides a new flow's role: the first SYN's flow, an MP_JOIN to the connection, or another. */
function classify(flow: ExchangeFlow, seg: Segment, initialKey: string, mptcp: ExchangeMptcp | undefined, sutIps: Set<string>, peerIps: Set<string>): void {
  const fwdKey = `${flow.endpoints.fwd}|${flow.endpoints.rev}`;
  if (fwdKey === initialKey && flow.id === 1) {
    flow.role = "initial";
    flow.sutDir = sutIps.has(ipOf(flow.endpoints.fwd)) ? "fwd" : "rev";
    return;
  }
  const join = seg.mptcp.find((o) => o.subtype === "mpJoinSyn");
  if (join?.subtype !== "mpJoinSyn" || mptcp === undefined || flow.start !== "syn") return;
  // RFC 8684 §3.2: the SYN's token is the receiver's token: it names whose key it is.
  const tokens = new TokenIndex<ExchangeMptcp, "sut" | "peer">();
  if (mptcp.sutKey !== undefined) tokens.add(mptcp, "sut", mptcp.sutKey, mptcp.version);
  if (mptcp.peerKey !== undefined) tokens.add(mptcp, "peer", mptcp.peerKey, mptcp.version);
  const owner = tokens.get(join.receiversToken)?.side;
  if (owner === undefined) return;
  const toSut = owner === "sut";
  flow.role = "join";
  flow.sutDir = toSut ? "rev" : "fwd";
  (toSut ? sutIps : peerIps).add(ipOf(flow.endpoints.rev));
  (toSut ? peerIps : sutIps).add(ipOf(flow.endpoints.fwd));
}

/** Keys and flags of the MP_CAPABLE handshake on the initial subflow (RFC 8684 §3.1). */
function trackHandshake(state: ExchangeMptcp | undefined, seg: Segment, fromSut: boolean): ExchangeMptcp | undefined {
  const mpc = seg.mptcp.find((o) => o.subtype === "mpCapable");
  if (mpc?.subtype !== "mpCapable") return state;
  const st = state ?? { version: mpc.version === 0 ? 0 : 1, checksums: false };
  if ((seg.tcp.flags & TCP_FLAG.SYN) !== 0 && (mpc.flags & MPC_FLAG.A) !== 0) st.checksums = true;
  if (mpc.sendersKey !== undefined) {
    if (fromSut) st.sutKey ??= mpc.sendersKey;
    else st.peerKey ??= mpc.sendersKey;
  }
  if (mpc.receiversKey !== undefined) {
    if (fromSut) st.peerKey ??= mpc.receiversKey;
    else st.sutKey ??= mpc.receiversKey;
  }
  return st;
}

/** RFC 8684 §3.4.1: an ADD_ADDR (not an echo) announces an address of its sender. */
function learnAddresses(seg: Segment, fromSut: boolean, sutIps: Set<string>, peerIps: Set<string>): void {
  for (const o of seg.mptcp) {
    if (o.subtype === "addAddr" && !o.echo) (fromSut ? sutIps : peerIps).add(formatIpAddress(o.address));
  }
}

/** The IDSN of a key (RFC 8684 §3.1), for relative DSNs and Data ACKs. */
export function idsnOfKey(mptcp: ExchangeMptcp, key: bigint | undefined): bigint | undefined {
  return key === undefined ? undefined : mptcpIdsn(key, mptcp.version);
}
