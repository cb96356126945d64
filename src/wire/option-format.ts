/**
 * TCP and MPTCP options in `.pkt` spelling (pkt-language.md §4 and §8.4–§8.8, the MPTCP fork's
 * dialect), for the one-line dumps.
 *
 * Where the script language has no literal for a value, the closest accepted form is used:
 * - keys print as hex integers in the assignment form: `key[skey=0x0123456789abcdef]`, the 64-bit
 *   key read big-endian from the wire. The 12-byte form names the sender `skey` (a SYN/ACK comes
 *   from the server); the 20/22-byte forms print `key[ckey=…, skey=…]` (sender, then receiver).
 * - MP_JOIN HMACs print as one hex integer: `sender_hmac=0x<16 hex>` (SYN/ACK, 64 bits) and
 *   `sender_hmac=0x<40 hex>` (third ACK, 160 bits); the fork only spells `auto` and functions.
 * - MP_FASTCLOSE prints the receiver's key as `mp_fastclose rkey=0x…`.
 * - Not spellable in the fork's grammar, printed anyway so nothing is hidden: the MP_CAPABLE
 *   checksum (`cksum=N` after `mpcdatalen`), versions above 1 (`v2`…), reserved bits
 *   (`rsv=N`), MP_TCPRST flags other than T (`flags 0xN`), unknown options
 *   (`unknown K 0x<hex>`, `mptcp_unknown 0x<hex>`).
 * - `remove_address address_id=[…]` lists IDs in wire order (the fork reverses script lists).
 */
import { formatIpAddress } from "./address.ts";
import { toHex } from "./bytes.ts";
import { type FormatContext, hexBig, rel32, rel64 } from "./format-context.ts";
import { type MptcpOption, MPC_FLAG, MP_TCPRST_TRANSIENT, type DssOption } from "./mptcp-options.ts";
import type { SackBlock, TcpOption } from "./tcp-options.ts";

/** `<opt,opt,…>` for a whole option list. */
export function formatTcpOptions(opts: readonly TcpOption[], ctx: FormatContext = {}): string {
  // A plain loop with one growing string: this runs once per packet in `decode`.
  let s = "<";
  for (let i = 0; i < opts.length; i++) s += (i === 0 ? "" : ",") + formatTcpOption(opts[i] as TcpOption, ctx);
  return s + ">";
}

/** One TCP option in `.pkt` spelling (`mss 1460`, `TS val 1 ecr 0`, `sack 1:2 3:4`, …). */
export function formatTcpOption(o: TcpOption, ctx: FormatContext = {}): string {
  switch (o.kind) {
    case "eol": return "eol";
    case "nop": return "nop";
    case "mss": return `mss ${o.mss}`;
    case "wscale": return `wscale ${o.shift}`;
    case "sackPermitted": return "sackOK";
    case "sack": return formatSack(o.blocks, ctx);
    case "timestamps": return `TS val ${o.tsVal} ecr ${o.tsEcr}`;
    case "md5": return `md5 ${toHex(o.digest)}`;
    case "fastOpen": return o.cookie.length === 0 ? "FO" : `FO ${toHex(o.cookie)}`;
    case "fastOpenExp": return o.cookie.length === 0 ? "FOEXP" : `FOEXP ${toHex(o.cookie)}`;
    case "accEcn": {
      const names = o.order === 0 ? ["e0b", "ceb", "e1b"] : ["e1b", "ceb", "e0b"];
      return ["ECN", ...o.counters.map((c, i) => `${names[i]} ${c}`)].join(" ");
    }
    case "mptcp": return formatMptcpOption(o, ctx);
    case "unknown": return o.data.length === 0 ? `unknown ${o.type}` : `unknown ${o.type} 0x${toHex(o.data)}`;
  }
}

/** `sack 1:2 3:4` (`sack` alone for no blocks), edges relative to `ctx.ackBase`. */
function formatSack(blocks: readonly SackBlock[], ctx: FormatContext): string {
  let s = "sack";
  for (const b of blocks) s += ` ${rel32(b.left, ctx.ackBase)}:${rel32(b.right, ctx.ackBase)}`;
  return s;
}

const MPC_FLAG_NAMES = Object.keys(MPC_FLAG) as readonly (keyof typeof MPC_FLAG)[];

/** `flags[flag_a, flag_h]` (or `flags[no_flags]`) for an MP_CAPABLE flags byte. */
export function formatMpCapableFlags(flags: number): string {
  let names = "";
  for (const k of MPC_FLAG_NAMES) if ((flags & MPC_FLAG[k]) !== 0) names += `${names === "" ? "" : ", "}flag_${k.toLowerCase()}`;
  return `flags[${names === "" ? "no_flags" : names}]`;
}

const key = (k: bigint): string => hexBig(k, 16);

/** Largest integer a double holds exactly (2^53 - 1), as a bigint. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * {@link rel64} in decimal. A relative DSN or Data ACK is usually small: below 2^53 it is printed
 * through a double, whose decimal conversion is about twice as fast as a bigint's (same digits).
 */
function rel64Text(v: bigint, base: bigint | undefined, width: 4 | 8): string {
  const d = rel64(v, base, width);
  return d <= MAX_EXACT ? String(Number(d)) : String(d);
}
const rsv = (o: { readonly reserved?: number }): string => (o.reserved ? ` rsv=${o.reserved}` : "");

/** One MPTCP option in the fork's `.pkt` spelling (see the module header for the literal forms). */
export function formatMptcpOption(o: MptcpOption, ctx: FormatContext = {}): string {
  switch (o.subtype) {
    case "mpCapable": {
      let s = `mpcapable v${o.version} ${formatMpCapableFlags(o.flags)}`;
      if (o.receiversKey !== undefined) s += ` key[ckey=${key(o.sendersKey ?? 0n)}, skey=${key(o.receiversKey)}]`;
      else if (o.sendersKey !== undefined) s += ` key[skey=${key(o.sendersKey)}]`;
      else s += " nokey";
      if (o.dataLevelLength !== undefined) s += ` mpcdatalen ${o.dataLevelLength}`;
      if (o.checksum !== undefined) s += ` cksum=${o.checksum}`;
      return s;
    }
    case "mpJoinSyn":
      return `mp_join_syn backup=${o.backup ? 1 : 0} address_id=${o.addressId} token=${hexBig(BigInt(o.receiversToken), 8)} rand=${o.sendersRandom}${rsv(o)}`;
    case "mpJoinSynAck":
      return `mp_join_syn_ack backup=${o.backup ? 1 : 0} address_id=${o.addressId} sender_hmac=${hexBig(o.sendersHmac, 16)} rand=${o.sendersRandom}${rsv(o)}`;
    case "mpJoinAck":
      return `mp_join_ack sender_hmac=0x${toHex(o.sendersHmac)}${rsv(o)}`;
    case "dss": return formatDss(o, ctx);
    case "addAddr": {
      const fn = o.address.length === 16 ? "inet6_addr" : "inet_addr";
      let s = `add_address address_id=${o.addressId} addr[a=${fn}("${formatIpAddress(o.address)}")]`;
      if (o.port !== undefined) s += ` port=${o.port}`;
      if (o.echo) s += " addr_echo";
      if (o.hmac !== undefined) s += ` hmac=${hexBig(o.hmac, 16)}`;
      return s + rsv(o);
    }
    case "removeAddr": return `remove_address address_id=[${o.addressIds.join(", ")}]${rsv(o)}`;
    case "mpPrio":
      return `mp_prio backup=${o.backup ? 1 : 0}${o.addressId !== undefined ? ` address_id=${o.addressId}` : ""}${rsv(o)}`;
    case "mpFail": return `mp_fail dsn8=${rel64Text(o.dsn, ctx.dsnBase, 8)}${rsv(o)}`;
    case "mpFastclose": return `mp_fastclose rkey=${key(o.receiversKey)}${rsv(o)}`;
    case "mpTcpRst": {
      const f = o.flags === 0 ? "" : o.flags === MP_TCPRST_TRANSIENT ? " flags[flag_t]" : ` flags 0x${o.flags.toString(16)}`;
      return `mp_reset ${o.reason}${f}`;
    }
    case "unknown": return `mptcp_unknown 0x${toHex(o.data)}`;
  }
}

/** `dss dack8=N dsn8=N ssn=N dll=N nocs|cksum=N fin` (pkt-language.md §8.6). */
function formatDss(o: DssOption, ctx: FormatContext): string {
  let s = "dss";
  if (o.dataAck !== undefined) s += o.dataAck64 ? ` dack8=${rel64Text(o.dataAck, ctx.dataAckBase, 8)}` : ` dack4=${rel64Text(o.dataAck, ctx.dataAckBase, 4)}`;
  const m = o.mapping;
  if (m) {
    s += o.dsn64 ? ` dsn8=${rel64Text(m.dsn, ctx.dsnBase, 8)}` : ` dsn4=${rel64Text(m.dsn, ctx.dsnBase, 4)}`;
    s += ` ssn=${m.subflowSeq} dll=${m.dataLevelLength}`;
    s += m.checksum === undefined ? " nocs" : ` cksum=${m.checksum}`;
  }
  if (o.dataFin) s += " fin";
  return s + rsv(o);
}
