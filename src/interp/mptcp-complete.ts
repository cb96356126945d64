/**
 * Completion of a packet line's MPTCP options against the run's MPTCP state (pkt-language.md §8.1,
 * §8.4–§8.9): inbound options get keys, tokens, nonces, HMACs, absolute DSNs/Data ACKs, addresses
 * and checksums written in; outbound ones become the expected option (script space) and the set of
 * fields to skip, learning the kernel's key, nonces and addresses on the way.
 *
 * Dispatches per option form to mptcp-keys.ts, mptcp-dss.ts, mptcp-join.ts and mptcp-addr.ts.
 */
import type { MptcpOption } from "../wire/mptcp-options.ts";
import type { TcpOption } from "../wire/tcp-options.ts";
import type { ConnectionMapping } from "./mapping.ts";
import { inboundAddAddr, outboundAddAddr } from "./mptcp-addr.ts";
import { inboundDss, inboundMpFail, outboundDss, outboundMpFail } from "./mptcp-dss.ts";
import { inboundJoinAck, inboundJoinSyn, inboundJoinSynAck, outboundJoinAck, outboundJoinSyn, outboundJoinSynAck } from "./mptcp-join.ts";
import { type ExpectedMptcp, inboundFastclose, inboundMpCapable, outboundFastclose, outboundMpCapable } from "./mptcp-keys.ts";
import type { MptcpEvalContext, MptcpRunState } from "./mptcp-state.ts";
import type { ScriptOption, ScriptTcpPacket } from "./script-packet.ts";

/** The evaluation context of one line on one subflow; attaches a new MPTCP connection when needed. */
export function mptcpContext(sp: ScriptTcpPacket, mapping: ConnectionMapping, run: MptcpRunState): MptcpEvalContext {
  if (mapping.mptcp === null) mapping.mptcp = run.newConnection();
  return { run, conn: mapping.mptcp, mapping, env: sp.env, payloadLen: sp.payloadLen, seq: sp.seq };
}

/** True when a line carries any MPTCP option. */
export function hasMptcp(sp: ScriptTcpPacket): boolean {
  return (sp.options ?? []).some((o) => o.wire.kind === "mptcp");
}

/** An inbound MPTCP option in live space (§8.4–§8.8); other options are returned unchanged. */
export function completeInboundMptcp(o: ScriptOption, ctx: MptcpEvalContext): TcpOption {
  const w = o.wire;
  const n = o.node;
  if (w.kind !== "mptcp") return w;
  if (n.kind === "mpCapable" && w.subtype === "mpCapable") return inboundMpCapable(n, w, ctx);
  if (n.kind === "dss" && w.subtype === "dss") return inboundDss(n, w, n.fin, ctx);
  if (n.kind === "mpJoinSyn" && w.subtype === "mpJoinSyn") return inboundJoinSyn(n, w, ctx);
  if (n.kind === "mpJoinSynAck" && w.subtype === "mpJoinSynAck") return inboundJoinSynAck(n, w, ctx);
  if (n.kind === "mpJoinAck" && w.subtype === "mpJoinAck") return inboundJoinAck(n, w, ctx);
  if (n.kind === "addAddress" && w.subtype === "addAddr") return inboundAddAddr(n, w, ctx);
  if (n.kind === "mpFastclose" && w.subtype === "mpFastclose") return inboundFastclose(n, w, ctx);
  if (n.kind === "mpFail" && w.subtype === "mpFail") return inboundMpFail(n, w, ctx);
  return w;
}

/**
 * The expected form of an outbound MPTCP option given the live one (already mapped into script
 * space by `mapOutboundMptcp`), and the fields to skip (§8.9). Subtype mismatches are left to the
 * matcher.
 */
export function expectedOutboundMptcp(o: ScriptOption, live: MptcpOption, ctx: MptcpEvalContext): ExpectedMptcp {
  const w = o.wire;
  const n = o.node;
  const plain: ExpectedMptcp = { expected: w.kind === "mptcp" ? w : live, wild: new Set(o.wild) };
  if (w.kind !== "mptcp" || w.subtype !== live.subtype) return plain;
  if (n.kind === "mpCapable" && w.subtype === "mpCapable" && live.subtype === "mpCapable") return outboundMpCapable(n, w, live, o.wild, ctx);
  if (n.kind === "dss" && w.subtype === "dss") return outboundDss(n, w, o.wild, ctx);
  if (n.kind === "mpJoinSyn" && w.subtype === "mpJoinSyn" && live.subtype === "mpJoinSyn") return outboundJoinSyn(n, w, live, o.wild, ctx);
  if (n.kind === "mpJoinSynAck" && w.subtype === "mpJoinSynAck" && live.subtype === "mpJoinSynAck") return outboundJoinSynAck(n, w, live, o.wild, ctx);
  if (n.kind === "mpJoinAck" && w.subtype === "mpJoinAck") return outboundJoinAck(n, w, ctx);
  if (n.kind === "addAddress" && w.subtype === "addAddr" && live.subtype === "addAddr") return outboundAddAddr(n, w, live, o.wild, ctx);
  if (n.kind === "mpFastclose" && w.subtype === "mpFastclose" && live.subtype === "mpFastclose") return outboundFastclose(n, w, live, ctx);
  if (n.kind === "mpFail" && w.subtype === "mpFail") return outboundMpFail(n, w, o.wild, ctx);
  return plain;
}
