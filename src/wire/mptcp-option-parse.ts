/**
 * The MPTCP option decoder (TCP kind 30, RFC 8684 §3), reading one option in place at an offset
 * of a larger array (the TCP option area) so that the per-packet parse allocates no view for it.
 * Internal to src/wire: the public entry is `parseMptcpOption` in mptcp-options.ts. Layouts:
 * rfc8684.md §4.0.
 *
 * Total: bytes it does not recognise become `{subtype: "unknown"}` so that emit(parse(b)) = b.
 */
import { getU16, getU32, getU64, sub } from "./bytes.ts";
import { DSS_FLAG, MPTCP_SUBTYPE, dssLength } from "./mptcp-option-layout.ts";
import type {
  AddAddrOption, DssOption, MpCapableOption, MptcpOption, UnknownMptcpOption,
} from "./mptcp-options.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Adds `reserved` only when non-zero, so parse output is canonical. */
function rsv<T extends object>(o: T, reserved: number): T {
  return reserved === 0 ? o : { ...o, reserved };
}

function unknown(a: Uint8Array, s: number, len: number): UnknownMptcpOption {
  return { kind: "mptcp", subtype: "unknown", data: sub(a, s + 2, s + len) };
}

/**
 * Decodes the kind-30 option at `a[s..s+len)` (kind, length, body; `len` is its length byte, and
 * the caller has checked that it fits in `a`). Never fails: anything unrecognised is `unknown`.
 */
export function parseMptcpOptionAt(a: Uint8Array, s: number, len: number): MptcpOption {
  if (len < 3) return unknown(a, s, len);
  const code = (a[s + 2] as number) >> 4;
  const nib = (a[s + 2] as number) & 0xf;
  switch (code) {
    case MPTCP_SUBTYPE.mpCapable: return parseMpCapable(a, s, len, nib);
    case MPTCP_SUBTYPE.mpJoin: return parseMpJoin(a, s, len, nib);
    case MPTCP_SUBTYPE.dss: return parseDss(a, s, len, nib);
    case MPTCP_SUBTYPE.addAddr: return parseAddAddr(a, s, len, nib);
    case MPTCP_SUBTYPE.removeAddr:
      return rsv({ kind: "mptcp", subtype: "removeAddr", addressIds: Array.from(sub(a, s + 3, s + len)) }, nib);
    case MPTCP_SUBTYPE.mpPrio:
      if (len === 3) return rsv({ kind: "mptcp", subtype: "mpPrio", backup: (nib & 1) === 1 }, nib >> 1);
      if (len === 4) return rsv({ kind: "mptcp", subtype: "mpPrio", backup: (nib & 1) === 1, addressId: a[s + 3] as number }, nib >> 1);
      return unknown(a, s, len);
    case MPTCP_SUBTYPE.mpFail:
      if (len !== 12) return unknown(a, s, len);
      return rsv({ kind: "mptcp", subtype: "mpFail", dsn: getU64(a, s + 4) }, (nib << 8) | (a[s + 3] as number));
    case MPTCP_SUBTYPE.mpFastclose:
      if (len !== 12) return unknown(a, s, len);
      return rsv({ kind: "mptcp", subtype: "mpFastclose", receiversKey: getU64(a, s + 4) }, (nib << 8) | (a[s + 3] as number));
    case MPTCP_SUBTYPE.mpTcpRst:
      if (len !== 4) return unknown(a, s, len);
      return { kind: "mptcp", subtype: "mpTcpRst", flags: nib, reason: a[s + 3] as number };
    default:
      return unknown(a, s, len);
  }
}

function parseMpCapable(a: Uint8Array, s: number, len: number, version: number): MptcpOption {
  if (len !== 4 && len !== 12 && len !== 20 && len !== 22 && len !== 24) return unknown(a, s, len);
  const o: Mutable<MpCapableOption> = { kind: "mptcp", subtype: "mpCapable", version, flags: a[s + 3] as number };
  if (len >= 12) o.sendersKey = getU64(a, s + 4);
  if (len >= 20) o.receiversKey = getU64(a, s + 12);
  if (len >= 22) o.dataLevelLength = getU16(a, s + 20);
  if (len === 24) o.checksum = getU16(a, s + 22);
  return o;
}

function parseMpJoin(a: Uint8Array, s: number, len: number, nib: number): MptcpOption {
  const backup = (nib & 1) === 1;
  switch (len) {
    case 12:
      return rsv({ kind: "mptcp", subtype: "mpJoinSyn", backup, addressId: a[s + 3] as number, receiversToken: getU32(a, s + 4), sendersRandom: getU32(a, s + 8) }, nib >> 1);
    case 16:
      return rsv({ kind: "mptcp", subtype: "mpJoinSynAck", backup, addressId: a[s + 3] as number, sendersHmac: getU64(a, s + 4), sendersRandom: getU32(a, s + 12) }, nib >> 1);
    case 24:
      return rsv({ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: sub(a, s + 4, s + 24) }, (nib << 8) | (a[s + 3] as number));
    default:
      return unknown(a, s, len);
  }
}

function parseDss(a: Uint8Array, s: number, len: number, nib: number): MptcpOption {
  if (len < 4) return unknown(a, s, len);
  const f = a[s + 3] as number;
  const hasMap = (f & DSS_FLAG.M) !== 0;
  const plain = dssLength(f, false);
  const withCs = hasMap && len === plain + 2;
  if (len !== plain && !withCs) return unknown(a, s, len);
  const dataAck64 = (f & DSS_FLAG.a) !== 0;
  const dsn64 = (f & DSS_FLAG.m) !== 0;
  const o: Mutable<DssOption> = { kind: "mptcp", subtype: "dss", dataFin: (f & DSS_FLAG.F) !== 0, dataAck64, dsn64 };
  let i = s + 4;
  if (f & DSS_FLAG.A) {
    o.dataAck = dataAck64 ? getU64(a, i) : BigInt(getU32(a, i));
    i += dataAck64 ? 8 : 4;
  }
  if (hasMap) {
    const dsn = dsn64 ? getU64(a, i) : BigInt(getU32(a, i));
    i += dsn64 ? 8 : 4;
    o.mapping = withCs
      ? { dsn, subflowSeq: getU32(a, i), dataLevelLength: getU16(a, i + 4), checksum: getU16(a, i + 6) }
      : { dsn, subflowSeq: getU32(a, i), dataLevelLength: getU16(a, i + 4) };
  }
  const reserved = (nib << 3) | (f >> 5);
  if (reserved !== 0) o.reserved = reserved;
  return o;
}

function parseAddAddr(a: Uint8Array, s: number, len: number, nib: number): MptcpOption {
  // Lengths: v4 8/10/16/18, v6 20/22/28/30 (rfc8684.md §4.0): address, optional port, optional HMAC.
  const v6 = len >= 20;
  const alen = v6 ? 16 : 4;
  const rest = len - 4 - alen;
  if (rest !== 0 && rest !== 2 && rest !== 8 && rest !== 10) return unknown(a, s, len);
  const o: Mutable<AddAddrOption> = { kind: "mptcp", subtype: "addAddr", echo: (nib & 1) === 1, addressId: a[s + 3] as number, address: sub(a, s + 4, s + 4 + alen) };
  let i = s + 4 + alen;
  if (rest === 2 || rest === 10) {
    o.port = getU16(a, i);
    i += 2;
  }
  if (rest >= 8) o.hmac = getU64(a, i);
  if (nib >> 1 !== 0) o.reserved = nib >> 1;
  return o;
}
