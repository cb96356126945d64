/**
 * MPTCP keys in packet lines (pkt-language.md §8.1, §8.2, §8.4, §8.8; RFC 8684 §3.1, §3.5):
 * key variables (`key[skey]`, `key[ckey=2, skey]`), the MP_CAPABLE key exchange that learns the
 * kernel's key Kk and sets the script's key Kp, and MP_FASTCLOSE's receiver key.
 *
 * Inbound options get their keys written in; outbound ones become an expected option (bound
 * variables compared, unbound ones bound to the live value) for the matcher.
 */
import type * as ast from "../script/ast.ts";
import type { MpCapableOption, MpFastcloseOption, MptcpOption } from "../wire/mptcp-options.ts";
import { mptcpIdsn } from "../wire/mptcp-crypto.ts";
import { MPC_FLAG } from "../wire/mptcp-options.ts";
import { mpcDataChecksum } from "./mptcp-dss.ts";
import { type MptcpEvalContext, hostOrderKey } from "./mptcp-state.ts";
import { ScriptFault } from "./values.ts";

/** An expected outbound MPTCP option and the fields the matcher skips. */
export interface ExpectedMptcp {
  readonly expected: MptcpOption;
  readonly wild: Set<string>;
}

/**
 * The wire value of a key variable: an assignment (`ckey=2`, host order, §8.1) binds and wins;
 * else the bound value; `undefined` when unbound. `ckey=*` counts as unassigned.
 */
export function resolveKey(v: ast.MptcpVar, ctx: MptcpEvalContext): bigint | undefined {
  if (v.value !== null && v.value.kind !== "wildcard") {
    const wire = hostOrderKey(ctx.env.num(v.value));
    ctx.run.bindKey(v.name, wire);
    return wire;
  }
  return ctx.run.key(v.name);
}

/** A key variable an inbound option needs: bound, or a fresh random key bound now (§8.2). */
function inboundKey(v: ast.MptcpVar, ctx: MptcpEvalContext): bigint {
  const k = resolveKey(v, ctx);
  if (k !== undefined) return k;
  const r = ctx.run.randomKey();
  ctx.run.bindKey(v.name, r);
  return r;
}

function noteFlags(flags: number, version: number, ctx: MptcpEvalContext): void {
  // RFC 8684 §3.1: "If either host requires the use of checksums, checksums MUST be used."
  if (flags & MPC_FLAG.A) ctx.conn.checksums = true;
  if (version === 0) ctx.conn.version = 0;
}

/**
 * An inbound MP_CAPABLE (§8.4): `key[a]` carries Kp (assigned, bound, else random); `key[a, b]`
 * carries sender a and receiver b as written. Kp is set from the first key the script sends.
 */
export function inboundMpCapable(o: ast.MpCapable, wire: MpCapableOption, ctx: MptcpEvalContext): MpCapableOption {
  noteFlags(wire.flags, wire.version, ctx);
  return inboundMpcData(o, inboundMpcKeys(o, wire, ctx), ctx);
}

/**
 * The data part of an inbound MP_CAPABLE (`mpcdatalen N`): the script's data starts at DSN
 * IDSN(Kp)+1, and with checksums negotiated the 24-byte form carries the DSS checksum, computed
 * unless `cksum=V` is written (`cksum=*` is computed too, negotiated or not).
 */
function inboundMpcData(o: ast.MpCapable, wire: MpCapableOption, ctx: MptcpEvalContext): MpCapableOption {
  const dll = wire.dataLevelLength;
  if (dll === undefined) return wire;
  const key = wire.sendersKey ?? ctx.conn.peerKey;
  if (key === null) throw new ScriptFault("MP_CAPABLE with data needs the script side's MPTCP key", o.span, "mptcp mpcapable key");
  const first = mptcpIdsn(key, ctx.conn.version) + 1n;
  const end = first + BigInt(dll);
  if (ctx.conn.peerDataNext === null || end > ctx.conn.peerDataNext) ctx.conn.peerDataNext = end;
  const compute = o.checksum === null ? ctx.conn.checksums : o.checksum.kind === "wildcard";
  return compute ? { ...wire, checksum: mpcDataChecksum(key, ctx.conn.version, dll, new Uint8Array(ctx.payloadLen)) } : wire;
}

function inboundMpcKeys(o: ast.MpCapable, wire: MpCapableOption, ctx: MptcpEvalContext): MpCapableOption {
  const [k1, k2] = o.keys;
  if (k1 === undefined) return wire;
  const sender = inboundKey(k1, ctx);
  if (ctx.conn.peerKey === null || k2 === undefined) ctx.conn.peerKey = sender;
  if (k2 === undefined) return { ...wire, sendersKey: sender };
  const receiver = resolveKey(k2, ctx) ?? ctx.conn.kernelKey;
  if (receiver === null) throw new ScriptFault(`MPTCP key '${k2.name}' is not known yet`, k2.span, "mptcp mpcapable rkey");
  return { ...wire, sendersKey: sender, receiversKey: receiver };
}

/**
 * An outbound MP_CAPABLE (§8.4, §8.9): the first key is the kernel's (Kk, learnt here), the
 * second the receiver's; a bound variable is compared, an unbound one binds to the live key.
 */
export function outboundMpCapable(o: ast.MpCapable, wire: MpCapableOption, live: MpCapableOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  noteFlags(live.flags, live.version, ctx);
  const w = new Set(wild);
  w.delete("key");
  let expected: MpCapableOption = wire;
  const [k1, k2] = o.keys;
  if (live.sendersKey !== undefined && ctx.conn.kernelKey === null) ctx.conn.kernelKey = live.sendersKey;
  const pick = (v: ast.MptcpVar, liveKey: bigint | undefined, field: string): bigint | undefined => {
    const bound = resolveKey(v, ctx);
    if (bound !== undefined) return bound;
    w.add(field);
    if (liveKey !== undefined) ctx.run.bindKey(v.name, liveKey);
    return liveKey;
  };
  if (k1 !== undefined) {
    const k = pick(k1, live.sendersKey, "key");
    if (k !== undefined) expected = { ...expected, sendersKey: k };
  }
  if (k2 !== undefined) {
    const k = pick(k2, live.receiversKey, "rkey");
    if (k !== undefined) expected = { ...expected, receiversKey: k };
  }
  // An omitted or `*` checksum is not compared here: the matcher verifies the live one (§8.9).
  if (o.checksum === null || o.checksum.kind === "wildcard") w.add("checksum");
  return { expected, wild: w };
}

/**
 * MP_FASTCLOSE's key (§8.8). Without a variable: inbound Kk, outbound copied from live. With one:
 * the variable's value read in host order (+ addend), sent big-endian (`ckey=42` sends 42).
 */
export function fastcloseKey(o: ast.MpFastclose, ctx: MptcpEvalContext): bigint | null {
  if (o.key === null) return null;
  const wire = resolveKey(o.key, ctx);
  if (wire === undefined) throw new ScriptFault(`MPTCP key '${o.key.name}' is not known yet`, o.key.span, "mptcp mp_fastclose key");
  const add = o.addend === null ? 0n : ctx.env.num(o.addend);
  return BigInt.asUintN(64, hostOrderKey(wire) + add);
}

/** An inbound MP_FASTCLOSE: the receiver's key is Kk unless a variable names another (§8.8). */
export function inboundFastclose(o: ast.MpFastclose, wire: MpFastcloseOption, ctx: MptcpEvalContext): MpFastcloseOption {
  const k = fastcloseKey(o, ctx) ?? ctx.conn.kernelKey;
  if (k === null) throw new ScriptFault("MP_FASTCLOSE needs the kernel's MPTCP key, which is not known yet", o.span, "mptcp mp_fastclose key");
  return { ...wire, receiversKey: k };
}

/** An outbound MP_FASTCLOSE: carries Kp (RFC 8684 §3.5); a variable form is compared, none is a wildcard. */
export function outboundFastclose(o: ast.MpFastclose, wire: MpFastcloseOption, live: MpFastcloseOption, ctx: MptcpEvalContext): ExpectedMptcp {
  const k = fastcloseKey(o, ctx);
  if (k === null) return { expected: live, wild: new Set(["key"]) };
  return { expected: { ...wire, receiversKey: k }, wild: new Set() };
}
