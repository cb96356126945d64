/**
 * MPTCP option layout constants (RFC 8684 §3, §8): the TCP kind, subtype numbers, flag bits and
 * the DSS length rule. Shared by the codec (mptcp-options.ts, which re-exports all of them) and the
 * in-place parser (mptcp-option-parse.ts); import them from mptcp-options.ts.
 */

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

/** The DSS option length for its flags (RFC 8684 §3.3), without or with the 2-byte checksum. */
export function dssLength(flags: number, withChecksum: boolean): number {
  let n = 4;
  if (flags & DSS_FLAG.A) n += flags & DSS_FLAG.a ? 8 : 4;
  if (flags & DSS_FLAG.M) n += (flags & DSS_FLAG.m ? 8 : 4) + 6 + (withChecksum ? 2 : 0);
  return n;
}
