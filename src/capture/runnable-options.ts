/**
 * TCP and MPTCP options of a runnable script line (pkt-language.md §4, §8.4–§8.8): what the
 * capture carried, rewritten so that the script survives a new run. Values the SUT chooses
 * afresh each run become wildcards or variables (its MSS and window scale, its key `skey`, its
 * join random and HMACs), values the script's side computes become `auto` (tokens, HMACs, DSS
 * checksums of injected packets), DSNs and Data ACKs are relative to each key's IDSN (RFC 8684
 * §3.1), and the peer's key is the captured one, in the script's host-order spelling.
 */
import { formatIpAddress } from "../wire/address.ts";
import { type FormatContext, rel64 } from "../wire/format-context.ts";
import { formatMpCapableFlags, formatTcpOption } from "../wire/option-format.ts";
import type { AddAddrOption, DssOption, MptcpOption } from "../wire/mptcp-options.ts";
import type { TcpOption } from "../wire/tcp-options.ts";

/** What the option text of one line depends on. */
export interface OptionContext {
  /** The SUT sent the packet (`>`): its own values are wildcards or variables. */
  readonly outbound: boolean;
  /** SEQ/ACK/DSN bases (FormatContext) for SACK edges, DSNs and Data ACKs. */
  readonly bases: FormatContext;
  /** DSS checksums were negotiated (RFC 8684 §3.3.1). */
  readonly checksums: boolean;
  /** The peer's (script side's) key as the script spells it (host order of the wire bytes). */
  readonly peerKeyLiteral: string;
  /** Which side of the MP_CAPABLE handshake the SUT is: the key variable names follow it. */
  readonly sutIsClient: boolean;
  /** The variable naming an announced address, by `address` text. */
  readonly addressVar: (address: string) => string;
}

/** A key as the script's `name=N` spells it: N is the host-order (little-endian) reading of the wire bytes (§8.1). */
export function keyLiteral(wireKey: bigint): string {
  let v = 0n;
  for (let i = 0n; i < 8n; i++) v |= ((wireKey >> (8n * i)) & 0xffn) << (8n * (7n - i));
  return `0x${v.toString(16).padStart(16, "0")}`;
}

/** `<opt, opt, …>` of a runnable line, or "" without options. */
export function runnableOptions(opts: readonly TcpOption[], cx: OptionContext): string {
  if (opts.length === 0) return "";
  return `<${opts.map((o) => runnableOption(o, cx)).join(", ")}>`;
}

function runnableOption(o: TcpOption, cx: OptionContext): string {
  if (o.kind === "mptcp") return mptcpText(o, cx);
  // The SUT's MSS and window scale depend on its device and memory: not part of the exchange.
  if (cx.outbound && (o.kind === "mss" || o.kind === "wscale")) return `${o.kind} *`;
  return formatTcpOption(o, cx.bases);
}

function mptcpText(o: MptcpOption, cx: OptionContext): string {
  // Variable names: the MP_CAPABLE SYN sender's key is `ckey`, the listener's `skey`; the SUT's
  // is bound from its packets, the peer's is assigned its captured value.
  const sutVar = cx.sutIsClient ? "ckey" : "skey";
  const peerVar = cx.sutIsClient ? "skey" : "ckey";
  const peerAssign = `${peerVar}=${cx.peerKeyLiteral}`;
  switch (o.subtype) {
    case "mpCapable": {
      let s = `mpcapable v${o.version} ${formatMpCapableFlags(o.flags)}`;
      if (o.sendersKey === undefined) s += " nokey";
      else if (o.receiversKey === undefined) s += ` key[${cx.outbound ? sutVar : peerAssign}]`;
      else if (cx.outbound || cx.sutIsClient) s += " key[ckey, skey]";
      else s += ` key[${peerAssign}, skey]`;
      if (o.dataLevelLength !== undefined) s += ` mpcdatalen ${o.dataLevelLength}`;
      return s;
    }
    case "mpJoinSyn":
      return `mp_join_syn backup=${o.backup ? 1 : 0} address_id=${o.addressId}${cx.outbound ? "" : ` token=auto rand=${o.sendersRandom}`}`;
    case "mpJoinSynAck":
      return `mp_join_syn_ack backup=${o.backup ? 1 : 0} address_id=${o.addressId} sender_hmac=auto${cx.outbound ? "" : ` rand=${o.sendersRandom}`}`;
    case "mpJoinAck":
      return "mp_join_ack sender_hmac=auto";
    case "dss": return dssText(o, cx);
    case "addAddr": return addAddrText(o, cx);
    case "mpFastclose": return "mp_fastclose";
    default: return formatTcpOption(o, cx.bases);
  }
}

/** DSS with relative DSN/Data ACK; checksums computed (inbound) or copied from live (outbound). */
function dssText(o: DssOption, cx: OptionContext): string {
  let s = "dss";
  const b = cx.bases;
  if (o.dataAck !== undefined) s += o.dataAck64 ? ` dack8=${rel64(o.dataAck, b.dataAckBase, 8)}` : ` dack4=${rel64(o.dataAck, b.dataAckBase, 4)}`;
  const m = o.mapping;
  if (m !== undefined) {
    s += o.dsn64 ? ` dsn8=${rel64(m.dsn, b.dsnBase, 8)}` : ` dsn4=${rel64(m.dsn, b.dsnBase, 4)}`;
    s += ` ssn=${m.subflowSeq} dll=${m.dataLevelLength}`;
    if (!cx.checksums) s += " nocs";
  } else s += " nocs";
  if (o.dataFin) s += " fin";
  return s;
}

function addAddrText(o: AddAddrOption, cx: OptionContext): string {
  let s = `add_address address_id=${o.addressId} addr[${cx.addressVar(formatIpAddress(o.address))}]`;
  if (o.port !== undefined) s += ` port=${o.port}`;
  s += o.echo ? " addr_echo" : " hmac=auto";
  return s;
}
