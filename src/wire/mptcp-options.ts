/**
 * The MPTCP option, TCP kind 30 (RFC 8684 §3): every subtype 0x0–0x8 in every length variant,
 * with unknown subtypes and unexpected lengths kept byte-exact. Layouts: rfc8684.md §4.0.
 *
 * `parseMptcpOption` is total: bytes it does not recognise become `{subtype: "unknown"}` so that
 * emit(parse(b)) = b for any option. 64-bit keys, DSNs, Data ACKs and HMACs are `bigint`.
 */
import { getU16, getU32, getU64, setU16, setU32, setU64, sub } from "./bytes.ts";

/** TCP option kind of every MPTCP option. */
export const MPTCP_KIND = 30;

/** Subtype numbers (RFC 8684 §8, IANA "MPTCP Option Subtypes"). */
export const MPTCP_SUBTYPE = {
  mpCapable: 0x0, mpJoin: 0x1, dss: 0x2, addAddr: 0x3, removeAddr: 0x4,
  mpPrio: 0x5, mpFail: 0x6, mpFastclose: 0x7, mpTcpRst: 0x8,
} as const;

/** MP_CAPABLE flag bits (RFC 8684 §3.1): A checksum required, B extensibility, C no join to this address, H HMAC-SHA256. */
export const MPC_FLAG = { A: 0x80, B: 0x40, C: 0x20, D: 0x10, E: 0x08, F: 0x04, G: 0x02, H: 0x01 } as const;

/** DSS flag bits (RFC 8684 §3.3): F DATA_FIN, m 8-octet DSN, M mapping present, a 8-octet Data ACK, A Data ACK present. */
export const DSS_FLAG = { F: 0x10, m: 0x08, M: 0x04, a: 0x02, A: 0x01 } as const;

/** MP_TCPRST flag T (RFC 8684 §3.6): "transient error". */
export const MP_TCPRST_TRANSIENT = 0x1;

/** MP_CAPABLE (length 4 SYN, 12 SYN/ACK or v0 SYN, 20 third ACK, 22 ACK+data, 24 with checksum). */
export interface MpCapableOption {
  readonly kind: "mptcp"; readonly subtype: "mpCapable";
  readonly version: number; readonly flags: number;
  readonly sendersKey?: bigint; readonly receiversKey?: bigint;
  readonly dataLevelLength?: number; readonly checksum?: number;
}
/** MP_JOIN on a SYN, length 12 (RFC 8684 §3.2). */
export interface MpJoinSynOption {
  readonly kind: "mptcp"; readonly subtype: "mpJoinSyn";
  readonly backup: boolean; readonly addressId: number;
  readonly receiversToken: number; readonly sendersRandom: number; readonly reserved?: number;
}
/** MP_JOIN on a SYN/ACK, length 16: the leftmost 64 bits of the HMAC. */
export interface MpJoinSynAckOption {
  readonly kind: "mptcp"; readonly subtype: "mpJoinSynAck";
  readonly backup: boolean; readonly addressId: number;
  readonly sendersHmac: bigint; readonly sendersRandom: number; readonly reserved?: number;
}
/** MP_JOIN on the third ACK, length 24: the leftmost 160 bits of the HMAC (20 bytes). */
export interface MpJoinAckOption {
  readonly kind: "mptcp"; readonly subtype: "mpJoinAck";
  readonly sendersHmac: Uint8Array; readonly reserved?: number;
}
/** A DSS mapping: DSN (4 or 8 octets on the wire, per `dsn64`), relative SSN, DLL, optional checksum. */
export interface DssMapping {
  readonly dsn: bigint; readonly subflowSeq: number; readonly dataLevelLength: number; readonly checksum?: number;
}
/** DSS (RFC 8684 §3.3). The width flags are kept even without the field, for byte-exactness. */
export interface DssOption {
  readonly kind: "mptcp"; readonly subtype: "dss";
  readonly dataFin: boolean; readonly dataAck64: boolean; readonly dsn64: boolean;
  readonly dataAck?: bigint; readonly mapping?: DssMapping; readonly reserved?: number;
}
/** ADD_ADDR (RFC 8684 §3.4.1): the IP version is inferred from the length; `hmac` present iff the length says so. */
export interface AddAddrOption {
  readonly kind: "mptcp"; readonly subtype: "addAddr";
  readonly echo: boolean; readonly addressId: number; readonly address: Uint8Array;
  readonly port?: number; readonly hmac?: bigint; readonly reserved?: number;
}
/** REMOVE_ADDR (RFC 8684 §3.4.2), address IDs in wire order. */
export interface RemoveAddrOption {
  readonly kind: "mptcp"; readonly subtype: "removeAddr"; readonly addressIds: readonly number[]; readonly reserved?: number;
}
/** MP_PRIO (RFC 8684 §3.3.8), length 3; RFC 6824's length-4 form carries an address ID. */
export interface MpPrioOption {
  readonly kind: "mptcp"; readonly subtype: "mpPrio"; readonly backup: boolean; readonly addressId?: number; readonly reserved?: number;
}
/** MP_FAIL (RFC 8684 §3.7), length 12, with the full 64-bit DSN. */
export interface MpFailOption {
  readonly kind: "mptcp"; readonly subtype: "mpFail"; readonly dsn: bigint; readonly reserved?: number;
}
/** MP_FASTCLOSE (RFC 8684 §3.5), length 12, with the option receiver's key. */
export interface MpFastcloseOption {
  readonly kind: "mptcp"; readonly subtype: "mpFastclose"; readonly receiversKey: bigint; readonly reserved?: number;
}
/** MP_TCPRST (RFC 8684 §3.6), length 4: flags U V W T (low nibble of byte 2) and a reason code. */
export interface MpTcpRstOption {
  readonly kind: "mptcp"; readonly subtype: "mpTcpRst"; readonly flags: number; readonly reason: number;
}
/** Any other kind-30 option, or a known subtype with an unexpected length: bytes after kind and length. */
export interface UnknownMptcpOption {
  readonly kind: "mptcp"; readonly subtype: "unknown"; readonly data: Uint8Array;
}

/** Every MPTCP option, discriminated by `subtype`. */
export type MptcpOption =
  | MpCapableOption | MpJoinSynOption | MpJoinSynAckOption | MpJoinAckOption | DssOption | AddAddrOption
  | RemoveAddrOption | MpPrioOption | MpFailOption | MpFastcloseOption | MpTcpRstOption | UnknownMptcpOption;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Adds `reserved` only when non-zero, so parse output is canonical. */
function rsv<T extends object>(o: T, reserved: number): T {
  return reserved === 0 ? o : { ...o, reserved };
}

function unknown(b: Uint8Array): UnknownMptcpOption {
  return { kind: "mptcp", subtype: "unknown", data: sub(b, 2) };
}

/**
 * Decodes one whole kind-30 option `b` (kind, length, body; `b.length` equals the length byte).
 * Never fails: anything unrecognised is returned as `unknown`.
 */
export function parseMptcpOption(b: Uint8Array): MptcpOption {
  const len = b.length;
  if (len < 3) return unknown(b);
  const code = (b[2] as number) >> 4;
  const nib = (b[2] as number) & 0xf;
  switch (code) {
    case MPTCP_SUBTYPE.mpCapable: return parseMpCapable(b, nib);
    case MPTCP_SUBTYPE.mpJoin: return parseMpJoin(b, nib);
    case MPTCP_SUBTYPE.dss: return parseDss(b, nib);
    case MPTCP_SUBTYPE.addAddr: return parseAddAddr(b, nib);
    case MPTCP_SUBTYPE.removeAddr:
      return rsv({ kind: "mptcp", subtype: "removeAddr", addressIds: Array.from(sub(b, 3)) }, nib);
    case MPTCP_SUBTYPE.mpPrio:
      if (len === 3) return rsv({ kind: "mptcp", subtype: "mpPrio", backup: (nib & 1) === 1 }, nib >> 1);
      if (len === 4) return rsv({ kind: "mptcp", subtype: "mpPrio", backup: (nib & 1) === 1, addressId: b[3] as number }, nib >> 1);
      return unknown(b);
    case MPTCP_SUBTYPE.mpFail:
      if (len !== 12) return unknown(b);
      return rsv({ kind: "mptcp", subtype: "mpFail", dsn: getU64(b, 4) }, (nib << 8) | (b[3] as number));
    case MPTCP_SUBTYPE.mpFastclose:
      if (len !== 12) return unknown(b);
      return rsv({ kind: "mptcp", subtype: "mpFastclose", receiversKey: getU64(b, 4) }, (nib << 8) | (b[3] as number));
    case MPTCP_SUBTYPE.mpTcpRst:
      if (len !== 4) return unknown(b);
      return { kind: "mptcp", subtype: "mpTcpRst", flags: nib, reason: b[3] as number };
    default:
      return unknown(b);
  }
}

function parseMpCapable(b: Uint8Array, version: number): MptcpOption {
  const len = b.length;
  if (len !== 4 && len !== 12 && len !== 20 && len !== 22 && len !== 24) return unknown(b);
  const o: Mutable<MpCapableOption> = { kind: "mptcp", subtype: "mpCapable", version, flags: b[3] as number };
  if (len >= 12) o.sendersKey = getU64(b, 4);
  if (len >= 20) o.receiversKey = getU64(b, 12);
  if (len >= 22) o.dataLevelLength = getU16(b, 20);
  if (len === 24) o.checksum = getU16(b, 22);
  return o;
}

function parseMpJoin(b: Uint8Array, nib: number): MptcpOption {
  const backup = (nib & 1) === 1;
  switch (b.length) {
    case 12:
      return rsv({ kind: "mptcp", subtype: "mpJoinSyn", backup, addressId: b[3] as number, receiversToken: getU32(b, 4), sendersRandom: getU32(b, 8) }, nib >> 1);
    case 16:
      return rsv({ kind: "mptcp", subtype: "mpJoinSynAck", backup, addressId: b[3] as number, sendersHmac: getU64(b, 4), sendersRandom: getU32(b, 12) }, nib >> 1);
    case 24:
      return rsv({ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: sub(b, 4, 24) }, (nib << 8) | (b[3] as number));
    default:
      return unknown(b);
  }
}

/** The DSS option length for its flags (RFC 8684 §3.3), without or with the 2-byte checksum. */
export function dssLength(flags: number, withChecksum: boolean): number {
  let n = 4;
  if (flags & DSS_FLAG.A) n += flags & DSS_FLAG.a ? 8 : 4;
  if (flags & DSS_FLAG.M) n += (flags & DSS_FLAG.m ? 8 : 4) + 6 + (withChecksum ? 2 : 0);
  return n;
}

function parseDss(b: Uint8Array, nib: number): MptcpOption {
  if (b.length < 4) return unknown(b);
  const f = b[3] as number;
  const hasMap = (f & DSS_FLAG.M) !== 0;
  const plain = dssLength(f, false);
  const withCs = hasMap && b.length === plain + 2;
  if (b.length !== plain && !withCs) return unknown(b);
  const dataAck64 = (f & DSS_FLAG.a) !== 0;
  const dsn64 = (f & DSS_FLAG.m) !== 0;
  const o: Mutable<DssOption> = { kind: "mptcp", subtype: "dss", dataFin: (f & DSS_FLAG.F) !== 0, dataAck64, dsn64 };
  let i = 4;
  if (f & DSS_FLAG.A) {
    o.dataAck = dataAck64 ? getU64(b, i) : BigInt(getU32(b, i));
    i += dataAck64 ? 8 : 4;
  }
  if (hasMap) {
    const dsn = dsn64 ? getU64(b, i) : BigInt(getU32(b, i));
    i += dsn64 ? 8 : 4;
    o.mapping = withCs
      ? { dsn, subflowSeq: getU32(b, i), dataLevelLength: getU16(b, i + 4), checksum: getU16(b, i + 6) }
      : { dsn, subflowSeq: getU32(b, i), dataLevelLength: getU16(b, i + 4) };
  }
  const reserved = (nib << 3) | (f >> 5);
  if (reserved !== 0) o.reserved = reserved;
  return o;
}

function parseAddAddr(b: Uint8Array, nib: number): MptcpOption {
  const len = b.length;
  // Lengths: v4 8/10/16/18, v6 20/22/28/30 (rfc8684.md §4.0): address, optional port, optional HMAC.
  const v6 = len >= 20;
  const alen = v6 ? 16 : 4;
  const rest = len - 4 - alen;
  if (rest !== 0 && rest !== 2 && rest !== 8 && rest !== 10) return unknown(b);
  const o: Mutable<AddAddrOption> = { kind: "mptcp", subtype: "addAddr", echo: (nib & 1) === 1, addressId: b[3] as number, address: sub(b, 4, 4 + alen) };
  let i = 4 + alen;
  if (rest === 2 || rest === 10) {
    o.port = getU16(b, i);
    i += 2;
  }
  if (rest >= 8) o.hmac = getU64(b, i);
  if (nib >> 1 !== 0) o.reserved = nib >> 1;
  return o;
}

/** The encoded length of `o` in bytes, kind and length bytes included. */
export function mptcpOptionLen(o: MptcpOption): number {
  switch (o.subtype) {
    case "mpCapable":
      if (o.checksum !== undefined) return 24;
      if (o.dataLevelLength !== undefined) return 22;
      if (o.receiversKey !== undefined) return 20;
      return o.sendersKey !== undefined ? 12 : 4;
    case "mpJoinSyn": return 12;
    case "mpJoinSynAck": return 16;
    case "mpJoinAck": return 24;
    case "dss": return dssLength(dssFlags(o), o.mapping?.checksum !== undefined);
    case "addAddr": return 4 + o.address.length + (o.port !== undefined ? 2 : 0) + (o.hmac !== undefined ? 8 : 0);
    case "removeAddr": return 3 + o.addressIds.length;
    case "mpPrio": return o.addressId !== undefined ? 4 : 3;
    case "mpFail": case "mpFastclose": return 12;
    case "mpTcpRst": return 4;
    case "unknown": return 2 + o.data.length;
  }
}

/** The DSS flags byte (low 5 bits) implied by `o`. */
export function dssFlags(o: DssOption): number {
  return (o.dataFin ? DSS_FLAG.F : 0) | (o.dsn64 ? DSS_FLAG.m : 0) | (o.mapping ? DSS_FLAG.M : 0)
    | (o.dataAck64 ? DSS_FLAG.a : 0) | (o.dataAck !== undefined ? DSS_FLAG.A : 0);
}

function head(buf: Uint8Array, at: number, code: number, nib: number, b3: number): void {
  buf[at + 2] = (code << 4) | (nib & 0xf);
  buf[at + 3] = b3 & 0xff;
}

/**
 * Writes `o` at `buf[at..]` and returns the number of bytes written (= {@link mptcpOptionLen}).
 * Fields a length variant needs but `o` lacks (e.g. a checksum without a DLL) are written as 0.
 */
export function emitMptcpOption(o: MptcpOption, buf: Uint8Array, at: number): number {
  const len = mptcpOptionLen(o);
  buf[at] = MPTCP_KIND;
  buf[at + 1] = len;
  const r = "reserved" in o ? (o.reserved ?? 0) : 0;
  switch (o.subtype) {
    case "mpCapable":
      head(buf, at, MPTCP_SUBTYPE.mpCapable, o.version, o.flags);
      if (len >= 12) setU64(buf, at + 4, o.sendersKey ?? 0n);
      if (len >= 20) setU64(buf, at + 12, o.receiversKey ?? 0n);
      if (len >= 22) setU16(buf, at + 20, o.dataLevelLength ?? 0);
      if (len === 24) setU16(buf, at + 22, o.checksum ?? 0);
      break;
    case "mpJoinSyn":
      head(buf, at, MPTCP_SUBTYPE.mpJoin, (r << 1) | (o.backup ? 1 : 0), o.addressId);
      setU32(buf, at + 4, o.receiversToken);
      setU32(buf, at + 8, o.sendersRandom);
      break;
    case "mpJoinSynAck":
      head(buf, at, MPTCP_SUBTYPE.mpJoin, (r << 1) | (o.backup ? 1 : 0), o.addressId);
      setU64(buf, at + 4, o.sendersHmac);
      setU32(buf, at + 12, o.sendersRandom);
      break;
    case "mpJoinAck":
      head(buf, at, MPTCP_SUBTYPE.mpJoin, r >> 8, r);
      buf.fill(0, at + 4, at + 24);
      buf.set(sub(o.sendersHmac, 0, 20), at + 4);
      break;
    case "dss":
      emitDss(o, buf, at, r);
      break;
    case "addAddr": {
      head(buf, at, MPTCP_SUBTYPE.addAddr, (r << 1) | (o.echo ? 1 : 0), o.addressId);
      buf.set(o.address, at + 4);
      let i = at + 4 + o.address.length;
      if (o.port !== undefined) setU16(buf, i, o.port), (i += 2);
      if (o.hmac !== undefined) setU64(buf, i, o.hmac);
      break;
    }
    case "removeAddr":
      buf[at + 2] = (MPTCP_SUBTYPE.removeAddr << 4) | (r & 0xf);
      buf.set(o.addressIds, at + 3);
      break;
    case "mpPrio":
      buf[at + 2] = (MPTCP_SUBTYPE.mpPrio << 4) | ((r << 1) & 0xe) | (o.backup ? 1 : 0);
      if (o.addressId !== undefined) buf[at + 3] = o.addressId;
      break;
    case "mpFail":
      head(buf, at, MPTCP_SUBTYPE.mpFail, r >> 8, r);
      setU64(buf, at + 4, o.dsn);
      break;
    case "mpFastclose":
      head(buf, at, MPTCP_SUBTYPE.mpFastclose, r >> 8, r);
      setU64(buf, at + 4, o.receiversKey);
      break;
    case "mpTcpRst":
      head(buf, at, MPTCP_SUBTYPE.mpTcpRst, o.flags, o.reason);
      break;
    case "unknown":
      buf.set(o.data, at + 2);
      break;
  }
  return len;
}

function emitDss(o: DssOption, buf: Uint8Array, at: number, r: number): void {
  buf[at + 2] = (MPTCP_SUBTYPE.dss << 4) | ((r >> 3) & 0xf);
  buf[at + 3] = ((r & 0x7) << 5) | dssFlags(o);
  let i = at + 4;
  if (o.dataAck !== undefined) {
    if (o.dataAck64) setU64(buf, i, o.dataAck), (i += 8);
    else setU32(buf, i, Number(o.dataAck & 0xffffffffn)), (i += 4);
  }
  const m = o.mapping;
  if (!m) return;
  if (o.dsn64) setU64(buf, i, m.dsn), (i += 8);
  else setU32(buf, i, Number(m.dsn & 0xffffffffn)), (i += 4);
  setU32(buf, i, m.subflowSeq);
  setU16(buf, i + 4, m.dataLevelLength);
  if (m.checksum !== undefined) setU16(buf, i + 6, m.checksum);
}
