/**
 * MP_JOIN in packet lines (pkt-language.md §8.5; RFC 8684 §3.2): the token of the connection a
 * subflow joins, the nonces of both sides, the address ids and the truncated HMACs
 * HMAC(Key-sender ‖ Key-receiver, R-sender ‖ R-receiver) of the SYN/ACK (leftmost 64 bits) and
 * the third ACK (leftmost 160 bits). Inbound options are completed; outbound ones become an
 * expected option, with the kernel's random and address id recorded for later HMACs.
 */
import type * as ast from "../script/ast.ts";
import { getU64 } from "../wire/bytes.ts";
import { mpJoinAckHmac, mpJoinSynAckHmac, mptcpToken } from "../wire/mptcp-crypto.ts";
import type { MpJoinAckOption, MpJoinSynAckOption, MpJoinSynOption } from "../wire/mptcp-options.ts";
import type { ExpectedMptcp } from "./mptcp-keys.ts";
import type { MptcpEvalContext, MptcpRunState } from "./mptcp-state.ts";
import { ScriptFault, type ValueEnv } from "./values.ts";

function keyOf(arg: ast.NumValue | undefined, run: MptcpRunState, span: ast.HashCall["span"]): bigint {
  const name = arg === undefined ? "" : arg.kind === "ident" ? arg.name : String(arg.value);
  const k = run.key(name);
  if (k === undefined) throw new ScriptFault(`MPTCP key '${name}' is not known yet`, arg?.span ?? span);
  return k;
}

/** The token a `token=` form names: a number, `sha256_32(VAR)`/`sha1_32(VAR)`, or null for `auto`/`*`. */
export function scriptToken(t: ast.JoinToken, run: MptcpRunState, env: ValueEnv): number | null {
  if (t.kind === "auto" || t.kind === "wildcard") return null;
  if (t.kind === "hashCall") {
    if (t.fn !== "sha256_32" && t.fn !== "sha1_32") throw new ScriptFault(`unsupported token form '${t.fn}'`, t.span);
    return mptcpToken(keyOf(t.args[0], run, t.span), t.fn === "sha1_32" ? 0 : 1);
  }
  return Number(BigInt.asUintN(32, env.num(t)));
}

function keys(ctx: MptcpEvalContext, span: ast.JoinHmac["span"]): { kp: bigint; kk: bigint } {
  const { peerKey: kp, kernelKey: kk } = ctx.conn;
  if (kp === null || kk === null) throw new ScriptFault("MP_JOIN HMAC before both MPTCP keys are known", span);
  return { kp, kk };
}

/** The key pair of `trunc_l64_hmac(A B)` / `full_160_hmac(A B)`, or null for other forms. */
function hmacKeys(h: ast.JoinHmac, ctx: MptcpEvalContext): { k1: bigint; k2: bigint } | null {
  const v = h.value;
  if (v.kind !== "hashCall" || v.args.length !== 2) return null;
  return { k1: keyOf(v.args[0], ctx.run, v.span), k2: keyOf(v.args[1], ctx.run, v.span) };
}

function withRandoms(ctx: MptcpEvalContext, span: ast.JoinHmac["span"]): { rp: number; rk: number } {
  const sf = ctx.conn.subflow(ctx.mapping);
  if (sf.peerRandom === null || sf.kernelRandom === null) throw new ScriptFault("MP_JOIN HMAC before both nonces are known", span);
  return { rp: sf.peerRandom, rk: sf.kernelRandom };
}

/** Inbound MP_JOIN SYN: token, nonce (scripted or random), address id (scripted or the source address's). */
export function inboundJoinSyn(o: ast.MpJoinSyn, wire: MpJoinSynOption, ctx: MptcpEvalContext): MpJoinSynOption {
  const token = scriptToken(o.token, ctx.run, ctx.env) ?? ctx.conn.kernelToken();
  if (token === null) throw new ScriptFault("MP_JOIN token=auto before the kernel's MPTCP key is known", o.span);
  const rand = o.rand === null || o.rand.kind === "wildcard" ? ctx.run.randomNonce() : wire.sendersRandom;
  const id = o.addressId === null || o.addressId.kind !== "int" && o.addressId.kind !== "ident"
    ? ctx.run.peerAddressId(ctx.mapping.liveRemote?.ip ?? "") : wire.addressId;
  const sf = ctx.conn.subflow(ctx.mapping);
  sf.peerRandom = rand;
  sf.peerAddressId = id;
  return { ...wire, receiversToken: token >>> 0, sendersRandom: rand >>> 0, addressId: id };
}

/** A SYN/ACK HMAC written as a number (`N`, a define, `trunc_l64_hmac(N)`); null when it is to be computed. */
function literalHmac(v: ast.JoinHmac["value"], ctx: MptcpEvalContext): bigint | null {
  if (v.kind === "int" || v.kind === "ident") return ctx.env.num(v);
  if (v.kind === "hashCall" && v.args.length === 1) return ctx.env.num(v.args[0] as ast.NumValue);
  return null;
}

/** Inbound MP_JOIN SYN/ACK: nonce, id, HMAC(Kp ‖ Kk, Rp ‖ Rk) leftmost 64 bits (or as written). */
export function inboundJoinSynAck(o: ast.MpJoinSynAck, wire: MpJoinSynAckOption, ctx: MptcpEvalContext): MpJoinSynAckOption {
  const sf = ctx.conn.subflow(ctx.mapping);
  sf.peerRandom = o.rand === null || o.rand.kind === "wildcard" ? ctx.run.randomNonce() : wire.sendersRandom;
  const id = o.addressId === null || o.addressId.kind !== "int" && o.addressId.kind !== "ident"
    ? ctx.run.peerAddressId(ctx.mapping.liveRemote?.ip ?? "") : wire.addressId;
  sf.peerAddressId = id;
  let hmac = literalHmac(o.hmac.value, ctx);
  if (hmac === null) {
    const { rp, rk } = withRandoms(ctx, o.hmac.span);
    const pair = hmacKeys(o.hmac, ctx);
    const { kp, kk } = pair === null ? keys(ctx, o.hmac.span) : { kp: pair.k1, kk: pair.k2 };
    hmac = mpJoinSynAckHmac(kp, kk, rp, rk, ctx.conn.version);
  }
  return { ...wire, sendersRandom: sf.peerRandom >>> 0, addressId: id, sendersHmac: BigInt.asUintN(64, hmac) };
}

/** Inbound MP_JOIN third ACK: HMAC(Kp ‖ Kk, Rp ‖ Rk) leftmost 160 bits, or with `(A B)` keys. */
export function inboundJoinAck(o: ast.MpJoinAck, wire: MpJoinAckOption, ctx: MptcpEvalContext): MpJoinAckOption {
  const v = o.hmac.value;
  if (v.kind === "int" || v.kind === "ident" || v.kind === "wildcard") throw new ScriptFault("mp_join_ack needs sender_hmac=auto or a 160-bit HMAC form", o.hmac.span);
  const { rp, rk } = withRandoms(ctx, o.hmac.span);
  const pair = hmacKeys(o.hmac, ctx);
  const { kp, kk } = pair === null ? keys(ctx, o.hmac.span) : { kp: pair.k1, kk: pair.k2 };
  return { ...wire, sendersHmac: mpJoinAckHmac(kp, kk, rp, rk, ctx.conn.version) };
}

/** Outbound MP_JOIN SYN: id, backup, token (scripted, else token(Kp)), random (scripted or live). */
export function outboundJoinSyn(o: ast.MpJoinSyn, wire: MpJoinSynOption, live: MpJoinSynOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  const w = new Set(wild);
  const sf = ctx.conn.subflow(ctx.mapping);
  sf.kernelRandom = live.sendersRandom;
  sf.kernelAddressId = live.addressId;
  w.delete("token");
  const token = scriptToken(o.token, ctx.run, ctx.env) ?? (ctx.conn.peerKey === null ? null : mptcpToken(ctx.conn.peerKey, ctx.conn.version));
  if (token === null) w.add("token");
  return { expected: { ...wire, receiversToken: token ?? 0 }, wild: w };
}

/** Outbound MP_JOIN SYN/ACK: id and random from live, HMAC(Kk ‖ Kp, Rk ‖ Rp) and backup compared. */
export function outboundJoinSynAck(o: ast.MpJoinSynAck, wire: MpJoinSynAckOption, live: MpJoinSynAckOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  const w = new Set(wild);
  w.delete("hmac");
  const sf = ctx.conn.subflow(ctx.mapping);
  sf.kernelRandom = live.sendersRandom;
  sf.kernelAddressId = live.addressId;
  w.add("address_id");
  w.add("rand");
  const v = o.hmac.value;
  if (v.kind === "wildcard") return { expected: live, wild: new Set(["hmac", "address_id", "rand", "backup"]) };
  let hmac = literalHmac(v, ctx);
  if (hmac === null) {
    const { rp, rk } = withRandoms(ctx, o.hmac.span);
    const pair = hmacKeys(o.hmac, ctx);
    const { kp, kk } = pair === null ? keys(ctx, o.hmac.span) : { kp: pair.k2, kk: pair.k1 };
    hmac = mpJoinSynAckHmac(kk, kp, rk, rp, ctx.conn.version);
  }
  return { expected: { ...wire, sendersHmac: BigInt.asUintN(64, hmac) }, wild: w };
}

/** Outbound MP_JOIN third ACK: the 160-bit HMAC(Kk ‖ Kp, Rk ‖ Rp). */
export function outboundJoinAck(o: ast.MpJoinAck, wire: MpJoinAckOption, ctx: MptcpEvalContext): ExpectedMptcp {
  if (o.hmac.value.kind === "wildcard") return { expected: wire, wild: new Set(["hmac"]) };
  const { rp, rk } = withRandoms(ctx, o.hmac.span);
  const pair = hmacKeys(o.hmac, ctx);
  const { kp, kk } = pair === null ? keys(ctx, o.hmac.span) : { kp: pair.k2, kk: pair.k1 };
  return { expected: { ...wire, sendersHmac: mpJoinAckHmac(kk, kp, rk, rp, ctx.conn.version) }, wild: new Set() };
}

/** A 160-bit HMAC as one number, for field messages. */
export function hmac160(b: Uint8Array): bigint {
  return b.length < 20 ? 0n : (getU64(b, 0) << 96n) | (getU64(b, 8) << 32n) | BigInt(((b[16] as number) << 24 | (b[17] as number) << 16 | (b[18] as number) << 8 | (b[19] as number)) >>> 0);
}
