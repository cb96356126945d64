/**
 * TCP options: EOL, NOP, MSS, window scale (RFC 7323 §2), SACK-permitted and SACK (RFC 2018),
 * timestamps (RFC 7323 §3), TCP-MD5 (RFC 2385, kind 19), TCP Fast Open (RFC 7413, kind 34, and
 * the experimental kind 254 with magic 0xF989), AccECN (kinds 172/174), MPTCP (kind 30, see
 * mptcp-options.ts), and unknown kinds kept byte-exact.
 *
 * A known kind with an unexpected length is kept as `unknown` (byte-exact, never an error); only a
 * length byte below 2 or running past the option area makes `parseTcpOptions` fail.
 */
import { getU16, getU24, getU32, setU16, setU24, setU32, sub } from "./bytes.ts";
import { parseMptcpOptionAt } from "./mptcp-option-parse.ts";
import { type MptcpOption, MPTCP_KIND, emitMptcpOption, mptcpOptionLen, parseMptcpOption } from "./mptcp-options.ts";
import { type Result, err, ok } from "./result.ts";
import { type SeqNum } from "./seq.ts";

/** TCP option kind numbers (IANA "TCP Option Kind Numbers"). */
export const TCP_OPTION_KIND = {
  eol: 0, nop: 1, mss: 2, wscale: 3, sackPermitted: 4, sack: 5, timestamps: 8, md5: 19,
  mptcp: MPTCP_KIND, fastOpen: 34, accEcn0: 172, accEcn1: 174, experimental: 254,
} as const;

/** The magic number of the experimental TFO option (RFC 6994 ExID, kind 254). */
export const TFO_EXP_MAGIC = 0xf989;

/** One SACK block: left edge (first sequence number) and right edge (one past the last). */
export interface SackBlock {
  readonly left: SeqNum;
  readonly right: SeqNum;
}

/** One TCP option; MPTCP options (`kind: "mptcp"`) are spelled out in mptcp-options.ts. */
export type TcpOption =
  /** End of option list; `trailing` holds the bytes after it up to the end of the area (omitted when none). */
  | { readonly kind: "eol"; readonly trailing?: Uint8Array }
  | { readonly kind: "nop" }
  | { readonly kind: "mss"; readonly mss: number }
  | { readonly kind: "wscale"; readonly shift: number }
  | { readonly kind: "sackPermitted" }
  | { readonly kind: "sack"; readonly blocks: readonly SackBlock[] }
  | { readonly kind: "timestamps"; readonly tsVal: number; readonly tsEcr: number }
  | { readonly kind: "md5"; readonly digest: Uint8Array }
  /** TFO (kind 34); an empty cookie is a cookie request. */
  | { readonly kind: "fastOpen"; readonly cookie: Uint8Array }
  /** Experimental TFO (kind 254, magic 0xF989). */
  | { readonly kind: "fastOpenExp"; readonly cookie: Uint8Array }
  /** AccECN: `order` 0 is kind 172 (EE0B, ECEB, EE1B), 1 is kind 174 (EE1B, ECEB, EE0B); 0–3 24-bit counters. */
  | { readonly kind: "accEcn"; readonly order: 0 | 1; readonly counters: readonly number[] }
  | MptcpOption
  /** Any other option: `type` is the kind byte, `data` the bytes after the length byte. */
  | { readonly kind: "unknown"; readonly type: number; readonly data: Uint8Array };

/** The option with the given `kind` discriminant. */
export type TcpOptionOf<K extends TcpOption["kind"]> = Extract<TcpOption, { kind: K }>;

/** The one NOP value parse returns (reprs are read-only, so sharing it is safe). */
const NOP: TcpOption = { kind: "nop" };

function unknownOption(o: Uint8Array): TcpOption {
  return { kind: "unknown", type: o[0] as number, data: sub(o, 2) };
}

/** Decodes one option `o` (kind, length and body, `o.length` = its length byte); never fails. */
function parseOne(o: Uint8Array): TcpOption {
  const kind = o[0] as number;
  const len = o.length;
  switch (kind) {
    case TCP_OPTION_KIND.mss: return len === 4 ? { kind: "mss", mss: getU16(o, 2) } : unknownOption(o);
    case TCP_OPTION_KIND.wscale: return len === 3 ? { kind: "wscale", shift: o[2] as number } : unknownOption(o);
    case TCP_OPTION_KIND.sackPermitted: return len === 2 ? { kind: "sackPermitted" } : unknownOption(o);
    case TCP_OPTION_KIND.sack: {
      if ((len - 2) % 8 !== 0) return unknownOption(o);
      const blocks: SackBlock[] = [];
      for (let i = 2; i < len; i += 8) blocks.push({ left: getU32(o, i) as SeqNum, right: getU32(o, i + 4) as SeqNum });
      return { kind: "sack", blocks };
    }
    case TCP_OPTION_KIND.timestamps:
      return len === 10 ? { kind: "timestamps", tsVal: getU32(o, 2), tsEcr: getU32(o, 6) } : unknownOption(o);
    case TCP_OPTION_KIND.md5: return len === 18 ? { kind: "md5", digest: sub(o, 2) } : unknownOption(o);
    case TCP_OPTION_KIND.mptcp: return parseMptcpOption(o);
    case TCP_OPTION_KIND.fastOpen: return { kind: "fastOpen", cookie: sub(o, 2) };
    case TCP_OPTION_KIND.experimental:
      return len >= 4 && getU16(o, 2) === TFO_EXP_MAGIC ? { kind: "fastOpenExp", cookie: sub(o, 4) } : unknownOption(o);
    case TCP_OPTION_KIND.accEcn0:
    case TCP_OPTION_KIND.accEcn1: {
      if ((len - 2) % 3 !== 0) return unknownOption(o);
      const counters: number[] = [];
      for (let i = 2; i < len; i += 3) counters.push(getU24(o, i));
      return { kind: "accEcn", order: kind === TCP_OPTION_KIND.accEcn0 ? 0 : 1, counters };
    }
    default: return unknownOption(o);
  }
}

/** Decodes the three most common fixed-size options in place, without a subarray. */
function parseFixed(a: Uint8Array, i: number, kind: number, len: number): TcpOption | undefined {
  if (kind === TCP_OPTION_KIND.timestamps && len === 10) return { kind: "timestamps", tsVal: getU32(a, i + 2), tsEcr: getU32(a, i + 6) };
  if (kind === TCP_OPTION_KIND.mss && len === 4) return { kind: "mss", mss: getU16(a, i + 2) };
  if (kind === TCP_OPTION_KIND.wscale && len === 3) return { kind: "wscale", shift: a[i + 2] as number };
  if (kind === TCP_OPTION_KIND.sackPermitted && len === 2) return { kind: "sackPermitted" };
  return undefined;
}

/**
 * Decodes a TCP option area: `area[start..end)`, by default the whole array (the bytes between the
 * fixed header and the data offset). Fails with `bad-option` when a length byte is below 2 or runs
 * past the area; the error offset is an index into `area`.
 */
export function parseTcpOptions(area: Uint8Array, start = 0, end = area.length): Result<TcpOption[]> {
  const out: TcpOption[] = [];
  let i = start;
  while (i < end) {
    const kind = area[i] as number;
    if (kind === TCP_OPTION_KIND.eol) {
      // RFC 9293 §3.1: "End of Option List ... is used at the end of all options".
      out.push(i + 1 < end ? { kind: "eol", trailing: sub(area, i + 1, end) } : { kind: "eol" });
      return ok(out);
    }
    if (kind === TCP_OPTION_KIND.nop) {
      out.push(NOP);
      i++;
      continue;
    }
    if (i + 1 >= end) return err("bad-option", i, "tcp.option.length");
    const len = area[i + 1] as number;
    if (len < 2 || i + len > end) return err("bad-option", i + 1, "tcp.option.length");
    // MPTCP options are read in place too (no view per option: one per packet in a bulk transfer).
    out.push(kind === MPTCP_KIND ? parseMptcpOptionAt(area, i, len) : (parseFixed(area, i, kind, len) ?? parseOne(sub(area, i, i + len))));
    i += len;
  }
  return ok(out);
}

/** The encoded length of one option in bytes. */
export function tcpOptionLen(o: TcpOption): number {
  switch (o.kind) {
    case "eol": return 1 + (o.trailing?.length ?? 0);
    case "nop": return 1;
    case "mss": return 4;
    case "wscale": return 3;
    case "sackPermitted": return 2;
    case "sack": return 2 + 8 * o.blocks.length;
    case "timestamps": return 10;
    case "md5": return 2 + o.digest.length;
    case "fastOpen": return 2 + o.cookie.length;
    case "fastOpenExp": return 4 + o.cookie.length;
    case "accEcn": return 2 + 3 * o.counters.length;
    case "mptcp": return mptcpOptionLen(o);
    case "unknown": return 2 + o.data.length;
  }
}

/** The total encoded length of `opts`, without padding. */
export function tcpOptionsLen(opts: readonly TcpOption[]): number {
  let n = 0;
  for (const o of opts) n += tcpOptionLen(o);
  return n;
}

function head(buf: Uint8Array, at: number, len: number, kind: number): void {
  buf[at] = kind;
  buf[at + 1] = len;
}

/** Writes one option at `buf[at..]`; returns the bytes written (= {@link tcpOptionLen}). */
export function emitTcpOption(o: TcpOption, buf: Uint8Array, at: number): number {
  const len = tcpOptionLen(o);
  switch (o.kind) {
    case "eol":
      buf[at] = 0;
      if (o.trailing) buf.set(o.trailing, at + 1);
      break;
    case "nop": buf[at] = 1; break;
    case "mss": head(buf, at, len, TCP_OPTION_KIND.mss); setU16(buf, at + 2, o.mss); break;
    case "wscale": head(buf, at, len, TCP_OPTION_KIND.wscale); buf[at + 2] = o.shift; break;
    case "sackPermitted": head(buf, at, len, TCP_OPTION_KIND.sackPermitted); break;
    case "sack":
      head(buf, at, len, TCP_OPTION_KIND.sack);
      for (let k = 0; k < o.blocks.length; k++) {
        const blk = o.blocks[k] as SackBlock;
        setU32(buf, at + 2 + 8 * k, blk.left);
        setU32(buf, at + 6 + 8 * k, blk.right);
      }
      break;
    case "timestamps": head(buf, at, len, TCP_OPTION_KIND.timestamps); setU32(buf, at + 2, o.tsVal); setU32(buf, at + 6, o.tsEcr); break;
    case "md5": head(buf, at, len, TCP_OPTION_KIND.md5); buf.set(o.digest, at + 2); break;
    case "fastOpen": head(buf, at, len, TCP_OPTION_KIND.fastOpen); buf.set(o.cookie, at + 2); break;
    case "fastOpenExp": head(buf, at, len, TCP_OPTION_KIND.experimental); setU16(buf, at + 2, TFO_EXP_MAGIC); buf.set(o.cookie, at + 4); break;
    case "accEcn":
      head(buf, at, len, o.order === 0 ? TCP_OPTION_KIND.accEcn0 : TCP_OPTION_KIND.accEcn1);
      for (let k = 0; k < o.counters.length; k++) setU24(buf, at + 2 + 3 * k, o.counters[k] as number);
      break;
    case "mptcp": return emitMptcpOption(o, buf, at);
    case "unknown": head(buf, at, len, o.type); buf.set(o.data, at + 2); break;
  }
  return len;
}

/** Writes all options from `buf[at..]`; returns the bytes written (no padding is added). */
export function emitTcpOptions(opts: readonly TcpOption[], buf: Uint8Array, at: number): number {
  let i = at;
  for (const o of opts) i += emitTcpOption(o, buf, i);
  return i - at;
}

/** Finds the first option of a kind, e.g. `findTcpOption(opts, "timestamps")?.tsVal`. */
export function findTcpOption<K extends TcpOption["kind"]>(opts: readonly TcpOption[], kind: K): TcpOptionOf<K> | undefined {
  for (const o of opts) if (o.kind === kind) return o as TcpOptionOf<K>;
  return undefined;
}
