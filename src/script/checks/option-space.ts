/**
 * Pass `option-space`: the bytes of a `<…>` option list fit the TCP header, and option data
 * written as hex (`unknown K 0x…`, `mptcp_unknown 0x…`) is whole bytes (RFC 9293 §3.1-§3.2,
 * RFC 8684 §3 option layouts). Sizes are lower bounds: a define or `*` counts as its smallest
 * encoding, so only lists that cannot fit are reported.
 */
import type { HexBytes, TcpOption, TcpOptionList } from "../ast.ts";
import { error, type Diagnostic } from "../diagnostic.ts";
import { staticInt, walkNodes, type CheckOptions, type CheckPass } from "./pass.ts";

/**
 * RFC 9293 §3.1: "Data Offset (DOffset): 4 bits. The number of 32-bit words in the TCP header."
 * At most 15 words, 20 bytes of them the fixed header: 40 bytes remain for options.
 */
export const MAX_OPTION_BYTES = 40;

/** Bytes of a hex word (`FO` cookie, `md5` digest) when written as hex, else 0 (a define). */
function cookieBytes(cookie: { kind: "int"; text: string } | { kind: "ident"; name: string } | null): number {
  if (cookie === null) return 0;
  const text = cookie.kind === "int" ? cookie.text : cookie.name;
  return /^[0-9a-fA-F]+$/.test(text) ? Math.floor(text.length / 2) : 0;
}

const hexBytes = (h: HexBytes | null): number => (h === null ? 0 : Math.floor(h.text.length / 2));

/** The smallest number of bytes an MPTCP option form encodes to (RFC 8684 §3 figures). */
function mptcpBytes(o: TcpOption, options: CheckOptions): number {
  switch (o.kind) {
    case "mpCapable":
      if (o.checksum !== null) return 24;
      if (o.dataLength !== null) return 22;
      return o.noKey ? 4 : o.keys.length === 2 ? 20 : 12;
    case "mpCapableLegacy": return o.receiver === null ? 12 : 20;
    case "mpJoinSyn": return 12;
    case "mpJoinSynAck": return 16;
    case "mpJoinAck": return 24;
    case "dss": {
      // A `cksum=0` means no checksum (pkt-language.md §8.6); a define may be 0 too.
      const checksum = o.checksum !== null && o.checksum.kind !== "noChecksum" && (staticInt(o.checksum, options) ?? 0n) !== 0n;
      const mapping = o.dataSeq === null ? 0 : o.dataSeq.width + 6 + (checksum ? 2 : 0);
      return 4 + (o.dataAck?.width ?? 0) + mapping;
    }
    case "addAddress":
      return 4 + (o.address.init?.fn === "inet6_addr" ? 16 : 4) + (o.port === null ? 0 : 2) + (o.hmac === null ? 0 : 8);
    case "removeAddress": return 3 + o.addressIds.length;
    case "mpPrio": return o.addressId === null ? 3 : 4;
    case "mpFail":
    case "mpFastclose": return 12;
    case "mpReset": return 4;
    case "mptcpUnknown": return 2 + hexBytes(o.data);
    default: return 0;
  }
}

/** The smallest number of bytes one option encodes to. */
export function optionBytes(o: TcpOption, options: CheckOptions = {}): number {
  switch (o.kind) {
    case "nop":
    case "eol": return 1;
    case "sackOK": return 2;
    case "wscale": return 3;
    case "mss": return 4;
    case "sack": return 2 + 8 * o.blocks.length;
    case "timestamp": return 10;
    case "fastOpen": return 2 + cookieBytes(o.cookie);
    case "fastOpenExp": return 4 + cookieBytes(o.cookie);
    case "md5": return 18;
    case "accEcn": return 2 + 3 * o.fields.length;
    case "unknownOption": return 2 + hexBytes(o.data);
    default: return mptcpBytes(o, options);
  }
}

function listDiagnostics(list: TcpOptionList, options: CheckOptions): Diagnostic[] {
  const total = list.options.reduce((sum, o) => sum + optionBytes(o, options), 0);
  if (total <= MAX_OPTION_BYTES) return [];
  return [error("option-space", `TCP options take at least ${total} bytes, more than ${MAX_OPTION_BYTES}`, list.span, [
    "RFC 9293 §3.1: the 4-bit Data Offset limits the TCP header to 60 bytes, 40 of them options",
  ])];
}

function hexDiagnostics(h: HexBytes | null, name: string): Diagnostic[] {
  if (h === null || h.text.length % 2 === 0) return [];
  return [error("option-hex", `'${name}' data has an odd number of hex digits (${h.text.length})`, h.span, ["each byte is written as two hex digits"])];
}

/** The pass. */
export const optionSpace: CheckPass = {
  name: "option-space",
  run({ script, options, report }) {
    walkNodes(script.events, (node) => {
      const o = node as TcpOption | TcpOptionList;
      const found =
        o.kind === "optionList" ? listDiagnostics(o, options)
        : o.kind === "unknownOption" ? hexDiagnostics(o.data, "unknown")
        : o.kind === "mptcpUnknown" ? hexDiagnostics(o.data, "mptcp_unknown")
        : [];
      found.forEach(report);
    });
  },
};
