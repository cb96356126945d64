/**
 * Data-level mapping of DSS options (pkt-language.md §8.6; RFC 8684 §3.3, §3.3.1, §3.3.2): DSN and
 * Data ACK relative to the IDSNs, in 4- and 8-byte forms, the subflow sequence number, the data-level
 * length with DATA_FIN, and the DSS checksum.
 *
 * Script values are relative: inbound `dack=V` → IDSN(Kk)+V and `dsn=V` → IDSN(Kp)+V; outbound
 * `dack=V` ← live − IDSN(Kp) and `dsn=V` ← live − IDSN(Kk); 4-byte fields keep the low 32 bits.
 * V = 0 is the literal 0 (the fork's rule).
 */
import type * as ast from "../script/ast.ts";
import type { Span } from "../script/span.ts";
import { dssChecksum } from "../wire/checksum.ts";
import { type MptcpVersion, mptcpIdsn } from "../wire/mptcp-crypto.ts";
import type { DssMapping, DssOption, MpCapableOption, MpFailOption, MptcpOption } from "../wire/mptcp-options.ts";
import type { TcpRepr } from "../wire/tcp.ts";
import type { ExpectedMptcp } from "./mptcp-keys.ts";
import { type MptcpConnState, type MptcpEvalContext, hostOrderKey } from "./mptcp-state.ts";
import { type Mismatch, fieldMismatch } from "./mismatch.ts";
import { ScriptFault } from "./values.ts";

const mask = (width: 4 | 8, v: bigint): bigint => BigInt.asUintN(width * 8, v);

/** The absolute value of a hashed form: `trunc_r64_hmac(VAR)` = IDSN(VAR), `_sha1/_sha256(N)` hash N's host-order bytes. */
function hashed(v: ast.HashCall, ctx: MptcpEvalContext): bigint {
  const arg = v.args[0];
  if (arg === undefined) throw new ScriptFault(`${v.fn} needs an argument`, v.span);
  if (v.fn === "trunc_r64_hmac") {
    const name = arg.kind === "ident" ? arg.name : String(arg.value);
    const k = ctx.run.key(name);
    if (k === undefined) throw new ScriptFault(`MPTCP key '${name}' is not known yet`, arg.span);
    return mptcpIdsn(k, ctx.conn.version);
  }
  if (v.fn === "trunc_r64_hmac_sha1") return mptcpIdsn(hostOrderKey(ctx.env.num(arg)), 0);
  if (v.fn === "trunc_r64_hmac_sha256") return mptcpIdsn(hostOrderKey(ctx.env.num(arg)), 1);
  throw new ScriptFault(`unsupported DSS value '${v.fn}'`, v.span);
}

/**
 * A DSS number in absolute (live) space: `base + V`, `0` literal, or a hashed form; `null` for
 * `*` or a bare `dack8`/`dsn8` (callers fill those in).
 */
export function absoluteDssValue(n: ast.DssNumber, base: bigint | null, ctx: MptcpEvalContext): bigint | null {
  const v = n.value;
  if (v === null || v.kind === "wildcard") return null;
  if (v.kind === "hashCall") return mask(n.width, hashed(v, ctx));
  if (v.kind === "plus") {
    const b = v.base.kind === "hashCall" ? hashed(v.base, ctx) : ctx.env.num(v.base);
    return mask(n.width, b + ctx.env.num(v.addend));
  }
  const rel = ctx.env.num(v);
  if (rel === 0n) return 0n;
  if (base === null) throw new ScriptFault("relative DSS value before the MPTCP keys are known", n.span, "mptcp dss");
  return mask(n.width, base + rel);
}

/** The data the kernel sent so far, as a Data ACK for it (IDSN(Kk) + 1 + bytes, incl. DATA_FIN). */
function kernelDataEnd(conn: MptcpConnState): bigint | null {
  return conn.kernelDataEnd ?? (conn.kernelIdsn() === null ? null : (conn.kernelIdsn() as bigint) + 1n);
}

/** The next DSN of the script side's data (IDSN(Kp) + 1 + what was injected). */
function peerDataNext(conn: MptcpConnState): bigint | null {
  return conn.peerDataNext ?? (conn.peerIdsn() === null ? null : (conn.peerIdsn() as bigint) + 1n);
}

/** An inbound DSS in live space: relative values resolved, omitted ones filled, checksum computed (§8.6). */
export function inboundDss(o: ast.Dss, wire: DssOption, fin: boolean, ctx: MptcpEvalContext): DssOption {
  const conn = ctx.conn;
  let out: DssOption = wire;
  if (o.dataAck !== null) {
    const v = absoluteDssValue(o.dataAck, conn.kernelIdsn(), ctx) ?? kernelDataEnd(conn);
    if (v === null) throw new ScriptFault("DSS Data ACK before the kernel's MPTCP key is known", o.dataAck.span, "mptcp dss");
    out = { ...out, dataAck: mask(o.dataAck.width, v) };
  }
  if (o.dataSeq === null || wire.mapping === undefined) return out;
  const dsn = absoluteDssValue(o.dataSeq, conn.peerIdsn(), ctx) ?? peerDataNext(conn);
  if (dsn === null) throw new ScriptFault("DSS DSN before the script side's MPTCP key is known", o.dataSeq.span, "mptcp dss");
  const ssn = o.subflowSeq === null || o.subflowSeq.kind === "wildcard" ? ctx.seq : Number(BigInt.asUintN(32, ctx.env.num(o.subflowSeq)));
  const dll = o.dataLevelLength === null || o.dataLevelLength.kind === "wildcard" ? ctx.payloadLen + (fin ? 1 : 0) : wire.mapping.dataLevelLength;
  const full = o.dataSeq.width === 8 ? dsn : expandDsn(dsn, peerDataNext(conn));
  let mapping: DssMapping = { dsn: mask(o.dataSeq.width, dsn), subflowSeq: ssn >>> 0, dataLevelLength: dll };
  // RFC 8684 §3.3.1: the checksum covers the pseudo-header (64-bit DSN, SSN, DLL, zero) and the data.
  if (wire.mapping.checksum !== undefined) {
    const written = o.checksum !== null && o.checksum.kind !== "noChecksum" && o.checksum.kind !== "wildcard";
    const cs = written ? wire.mapping.checksum : dssChecksum(full, ssn >>> 0, dll, new Uint8Array(ctx.payloadLen));
    mapping = { ...mapping, checksum: cs };
  }
  const end = full + BigInt(dll);
  if (conn.peerDataNext === null || end > conn.peerDataNext) conn.peerDataNext = end;
  return { ...out, mapping };
}

/** A 32-bit DSN widened next to a 64-bit reference (RFC 8684 §3.3.1 "implicit" upper bits). */
export function expandDsn(low: bigint, ref: bigint | null): bigint {
  if (ref === null) return low;
  const hi = ref & ~0xffffffffn;
  const cands = [hi - 0x100000000n + low, hi + low, hi + 0x100000000n + low];
  let best = hi + low;
  for (const c of cands) if (c >= 0n && (c - ref < 0n ? ref - c : c - ref) < (best - ref < 0n ? ref - best : best - ref)) best = c;
  return BigInt.asUintN(64, best);
}

/**
 * Live → script space (§8.6 outbound): Data ACK − IDSN(Kp), DSN − IDSN(Kk), per width; an
 * MP_FAIL's DSN names the script side's data, so it is − IDSN(Kp). For dumps and matching.
 */
export function mapOutboundDss(o: MptcpOption, conn: MptcpConnState): MptcpOption {
  if (o.subtype === "mpFail") {
    const kp = conn.peerIdsn();
    return kp === null || o.dsn === 0n ? o : { ...o, dsn: mask(8, o.dsn - kp) };
  }
  if (o.subtype !== "dss") return o;
  let out: DssOption = o;
  const kp = conn.peerIdsn();
  const kk = conn.kernelIdsn();
  if (o.dataAck !== undefined && kp !== null && o.dataAck !== 0n) out = { ...out, dataAck: mask(o.dataAck64 ? 8 : 4, o.dataAck - kp) };
  if (o.mapping !== undefined && kk !== null && o.mapping.dsn !== 0n) {
    out = { ...out, mapping: { ...o.mapping, dsn: mask(o.dsn64 ? 8 : 4, o.mapping.dsn - kk) } };
  }
  return out;
}

/** The expected outbound DSS in script space; omitted fields are wildcards (§8.6). */
export function outboundDss(o: ast.Dss, wire: DssOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  const w = new Set(wild);
  let expected: DssOption = wire;
  const rel = (n: ast.DssNumber, base: bigint | null): bigint | null => {
    const v = n.value;
    if (v === null || v.kind === "wildcard") return null;
    if (v.kind === "int" || v.kind === "ident") return mask(n.width, ctx.env.num(v));
    const abs = absoluteDssValue(n, base, ctx) as bigint;
    return base === null ? abs : mask(n.width, abs - base);
  };
  if (o.dataAck !== null) {
    const v = rel(o.dataAck, ctx.conn.peerIdsn());
    if (v === null) w.add(`dack${o.dataAck.width}`);
    else expected = { ...expected, dataAck: v };
  }
  if (o.dataSeq !== null && expected.mapping !== undefined) {
    const v = rel(o.dataSeq, ctx.conn.kernelIdsn());
    if (v === null) w.add(`dsn${o.dataSeq.width}`);
    else expected = { ...expected, mapping: { ...expected.mapping, dsn: v } };
  }
  return { expected, wild: w };
}

/**
 * MP_FAIL's DSN (RFC 8684 §3.7: "the 64-bit Data Sequence Number of the start of the failed
 * mapping"), relative like a DSS DSN of the side whose data failed: inbound (the kernel's data)
 * `dsn8=V` → IDSN(Kk)+V, outbound (the script's data) live − IDSN(Kp). mptcpdrill extension:
 * the fork sends the value as written.
 */
export function inboundMpFail(o: ast.MpFail, wire: MpFailOption, ctx: MptcpEvalContext): MpFailOption {
  const v = o.dataSeq === null ? null : absoluteDssValue(o.dataSeq, ctx.conn.kernelIdsn(), ctx);
  return v === null ? wire : { ...wire, dsn: v };
}

/** The expected outbound MP_FAIL in script space (see {@link inboundMpFail}); no DSN = wildcard. */
export function outboundMpFail(o: ast.MpFail, wire: MpFailOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  const n = o.dataSeq;
  const v = n?.value;
  if (n === null || v === null || v === undefined || v.kind === "wildcard" || v.kind === "int" || v.kind === "ident") return { expected: wire, wild: new Set(wild) };
  const base = ctx.conn.peerIdsn();
  const abs = absoluteDssValue(n, base, ctx) as bigint;
  const w = new Set(wild);
  w.delete("dsn8");
  return { expected: { ...wire, dsn: base === null ? abs : mask(8, abs - base) }, wild: w };
}

/**
 * Records the kernel's data end from an outbound (live, absolute) DSS and verifies its checksum
 * when checksums are in use and the whole mapping is in this packet (RFC 8684 §3.3.1).
 */
export function checkOutboundDss(live: DssOption, payload: Uint8Array, conn: MptcpConnState, span: Span): Mismatch | null {
  const m = live.mapping;
  if (m === undefined) return null;
  const full = live.dsn64 ? m.dsn : expandDsn(m.dsn, kernelDataEnd(conn));
  const end = full + BigInt(m.dataLevelLength);
  if (conn.kernelDataEnd === null || end > conn.kernelDataEnd) conn.kernelDataEnd = end;
  if (!conn.checksums || m.checksum === undefined) return null;
  const dataLen = m.dataLevelLength - (live.dataFin ? 1 : 0);
  if (dataLen !== payload.length) return null;
  const want = dssChecksum(full, m.subflowSeq, m.dataLevelLength, payload);
  return want === m.checksum ? null : fieldMismatch("mptcp dss checksum", want, m.checksum, span);
}

/**
 * The checksum of MP_CAPABLE's data (RFC 8684 §3.1: "Checksum (2) if A was negotiated"): the DSS
 * checksum (§3.3.1) over the pseudo-header {DSN = IDSN(sender's key) + 1, SSN = 1, DLL, 0} and the data.
 */
export function mpcDataChecksum(sendersKey: bigint, version: MptcpVersion, dataLevelLength: number, payload: Uint8Array): number {
  return dssChecksum(mptcpIdsn(sendersKey, version) + 1n, 1, dataLevelLength, payload);
}

/**
 * Records the kernel's data end from an outbound (live) MP_CAPABLE with data and verifies its
 * checksum when present and the whole mapping is in this packet; `verify` is false for `cksum=*`.
 */
export function checkOutboundMpc(live: MpCapableOption, payload: Uint8Array, conn: MptcpConnState, verify: boolean, span: Span): Mismatch | null {
  const dll = live.dataLevelLength;
  const key = live.sendersKey;
  if (dll === undefined || key === undefined) return null;
  const end = mptcpIdsn(key, conn.version) + 1n + BigInt(dll);
  if (conn.kernelDataEnd === null || end > conn.kernelDataEnd) conn.kernelDataEnd = end;
  if (!verify || live.checksum === undefined || dll !== payload.length) return null;
  const want = mpcDataChecksum(key, conn.version, dll, payload);
  return want === live.checksum ? null : fieldMismatch("mptcp mpcapable checksum", want, live.checksum, span);
}

function mappingOf(tcp: TcpRepr): { m: DssMapping; fin: boolean } | null {
  for (const o of tcp.options) if (o.kind === "mptcp" && o.subtype === "dss" && o.mapping !== undefined) return { m: o.mapping, fin: o.dataFin };
  return null;
}

/**
 * Whether a first outbound segment may be aggregated with later ones (§3.5 step 2): not when its
 * DSS mapping ends inside it, since a following segment then carries another mapping that
 * aggregation would drop.
 */
export function mptcpMayAggregate(first: TcpRepr, payloadLen: number): boolean {
  const f = mappingOf(first);
  return f === null || f.m.dataLevelLength - (f.fin ? 1 : 0) > payloadLen;
}

/** A later segment whose DSS mapping differs from the first's cannot join the aggregate (mappings would mix). */
export function mptcpAggregateMismatch(first: TcpRepr, next: TcpRepr, span: Span): Mismatch | null {
  const a = mappingOf(first);
  const b = mappingOf(next);
  if (a === null || b === null) return null;
  if (a.m.dsn === b.m.dsn && a.m.subflowSeq === b.m.subflowSeq && a.m.dataLevelLength === b.m.dataLevelLength) return null;
  return fieldMismatch("mptcp dss dsn8", a.m.dsn, b.m.dsn, span);
}
