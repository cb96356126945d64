/**
 * The MPTCP option, TCP kind 30 (RFC 8684 §3): every subtype 0x0–0x8 in every length variant,
 * with unknown subtypes and unexpected lengths kept byte-exact. Layouts: rfc8684.md §4.0.
 *
 * `parseMptcpOption` is total: bytes it does not recognise become `{subtype: "unknown"}` so that
 * emit(parse(b)) = b for any option. 64-bit keys, DSNs, Data ACKs and HMACs are `bigint`.
 */
import { setU16, setU32, setU64, sub } from "./bytes.ts";
import { DSS_FLAG, MPTCP_KIND, MPTCP_SUBTYPE, dssLength } from "./mptcp-option-layout.ts";
import { parseMptcpOptionAt } from "./mptcp-option-parse.ts";

export { DSS_FLAG, MPC_FLAG, MPTCP_KIND, MPTCP_SUBTYPE, MP_TCPRST_TRANSIENT, dssLength } from "./mptcp-option-layout.ts";

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

/**
 * Decodes one whole kind-30 option `b` (kind, length, body; `b.length` equals the length byte).
 * Never fails: anything unrecognised is returned as `unknown`.
 */
export function parseMptcpOption(b: Uint8Array): MptcpOption {
  return parseMptcpOptionAt(b, 0, b.length);
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
