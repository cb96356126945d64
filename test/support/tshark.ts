/**
 * Test support: tshark as an independent oracle. Runs `tshark -T json` with MPTCP analysis on,
 * flattens each TCP packet into plain string fields named as tshark names them, and maps our
 * own MPTCP option reprs (src/wire/mptcp-options.ts) onto the same field names, so that a test
 * can compare the two views field by field.
 */
import { execFileSync } from "node:child_process";
import type { MptcpOption } from "../../src/wire/mptcp-options.ts";

/** The tshark preferences every oracle run uses: absolute sequence numbers, MPTCP analysis on. */
export const TSHARK_PREFS = ["-o", "tcp.analyze_sequence_numbers:FALSE", "-o", "mptcp.analyze_mptcp:TRUE", "-o", "tcp.relative_sequence_numbers:FALSE"];

/** tshark's version line, or throws MPD-style when it is missing: oracle tests must fail, not skip. */
export function requireTshark(): string {
  try {
    return execFileSync("tshark", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0] ?? "";
  } catch {
    throw new Error("tshark is not installed: the oracle tests need it (apt-get install tshark)");
  }
}

/** One TCP packet as tshark sees it. Values are tshark's JSON strings. */
export interface TsharkTcpPacket {
  readonly frame: number;
  readonly ipSrc: string;
  readonly ipDst: string;
  /** Leaf fields of the TCP header (`tcp.srcport`, `tcp.seq_raw`, `tcp.flags`, `tcp.window_size_value`, `tcp.len`, …). */
  readonly tcp: Readonly<Record<string, string>>;
  /** Each kind-30 option in order, its tree flattened (`tcp.options.mptcp.subtype`, `mptcp.expected_token`, …). */
  readonly mptcp: readonly Readonly<Record<string, string>>[];
  /** Other TCP options, flattened per option kind name (`tcp.options.mss_val`, `tcp.options.wscale.shift`, …). */
  readonly options: Readonly<Record<string, string>>;
  /** The raw option bytes as tshark prints them (`01:01:08:0a:…`), or "" without options. */
  readonly rawOptions: string;
}

type Json = string | Json[] | { [k: string]: Json };

function flatten(node: Json, into: Record<string, string>): void {
  if (typeof node === "string") return;
  if (Array.isArray(node)) {
    for (const n of node) flatten(n, into);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === "string") into[k] = k in into ? `${into[k]},${v}` : v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) into[k] = v.join(",");
    else flatten(v, into);
  }
}

function asList(node: Json | undefined): Json[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

function tcpPacket(layers: Record<string, Json>): TsharkTcpPacket | undefined {
  const tcp = layers["tcp"] as Record<string, Json> | undefined;
  if (tcp === undefined) return undefined;
  const frame = layers["frame"] as Record<string, string>;
  const ip = (layers["ip"] ?? layers["ipv6"]) as Record<string, string> | undefined;
  const header: Record<string, string> = {};
  for (const [k, v] of Object.entries(tcp)) if (k !== "tcp.options_tree" && k !== "mptcp.analysis") flatten({ [k]: v }, header);
  const tree = (tcp["tcp.options_tree"] ?? {}) as Record<string, Json>;
  const mptcp = asList(tree["mptcp"]).map((o) => {
    const f: Record<string, string> = {};
    flatten(o, f);
    return f;
  });
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) if (k !== "mptcp") flatten({ [k]: v }, options);
  return {
    frame: Number(frame["frame.number"]),
    ipSrc: ip?.["ip.src"] ?? ip?.["ipv6.src"] ?? "",
    ipDst: ip?.["ip.dst"] ?? ip?.["ipv6.dst"] ?? "",
    tcp: header,
    mptcp,
    options,
    rawOptions: typeof tcp["tcp.options"] === "string" ? tcp["tcp.options"] : "",
  };
}

/** Runs tshark on `file` and returns every TCP packet (frame numbers are 1-based, as ours). */
export function tsharkTcpPackets(file: string): TsharkTcpPacket[] {
  const out = execFileSync("tshark", ["-r", file, ...TSHARK_PREFS, "-T", "json", "--no-duplicate-keys", "-J", "frame ip ipv6 tcp"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const docs = JSON.parse(out) as { _source: { layers: Record<string, Json> } }[];
  return docs.flatMap((d) => {
    const p = tcpPacket(d._source.layers);
    return p ? [p] : [];
  });
}

const dec = (v: bigint | number): string => v.toString(10);
const hex2 = (v: number): string => `0x${v.toString(16).padStart(2, "0")}`;
const colonHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
const bit = (b: boolean): string => (b ? "1" : "0");

function ipText(a: Uint8Array): string {
  if (a.length === 4) return Array.from(a).join(".");
  const words = Array.from({ length: 8 }, (_, i) => (((a[2 * i] ?? 0) << 8) | (a[2 * i + 1] ?? 0)).toString(16));
  return words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::").replace(/:::/, "::");
}

/**
 * Our option as tshark 4.0 names and prints its fields (decimal integers, `0x..` flag bytes,
 * colon-separated HMAC bytes). Only the fields both sides decode are listed.
 */
export function mptcpOptionAsTshark(o: MptcpOption): Record<string, string> {
  const f = (sub: number, rest: Record<string, string | undefined>): Record<string, string> => {
    const r: Record<string, string> = { "tcp.options.mptcp.subtype": dec(sub) };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) r[k.startsWith("mptcp.") || k.startsWith("tcp.") ? k : `tcp.options.mptcp.${k}`] = v;
    return r;
  };
  switch (o.subtype) {
    case "mpCapable":
      return f(0, {
        version: dec(o.version), flags: hex2(o.flags), "checksumreq.flags": bit((o.flags & 0x80) !== 0), "extensibility.flag": bit((o.flags & 0x40) !== 0),
        "nomoresubflows.flag": bit((o.flags & 0x20) !== 0), "sha256.flag": bit((o.flags & 0x01) !== 0),
        sendkey: o.sendersKey === undefined ? undefined : dec(o.sendersKey), recvkey: o.receiversKey === undefined ? undefined : dec(o.receiversKey),
        datalvllen: o.dataLevelLength === undefined ? undefined : dec(o.dataLevelLength), checksum: o.checksum === undefined ? undefined : `0x${o.checksum.toString(16).padStart(4, "0")}`,
      });
    case "mpJoinSyn":
      return f(1, { flags: hex2(0x10 | joinBits(o)), "backup.flag": bit(o.backup), addrid: dec(o.addressId), recvtok: dec(o.receiversToken), sendrand: dec(o.sendersRandom) });
    case "mpJoinSynAck":
      return f(1, { flags: hex2(0x10 | joinBits(o)), "backup.flag": bit(o.backup), addrid: dec(o.addressId), sendtrunchmac: dec(o.sendersHmac), sendrand: dec(o.sendersRandom) });
    case "mpJoinAck":
      return f(1, { sendhmac: colonHex(o.sendersHmac) });
    case "dss":
      return f(2, dssFields(o));
    case "addAddr":
      return f(3, {
        echo: dec(o.echo ? 1 : 0), addrid: dec(o.addressId), [o.address.length === 4 ? "ipv4" : "ipv6"]: ipText(o.address),
        port: o.port === undefined ? undefined : dec(o.port), addaddrtrunchmac: o.hmac === undefined ? undefined : dec(o.hmac),
      });
    case "removeAddr":
      return f(4, { "mptcp.rm_addr.count": dec(o.addressIds.length), addrid: o.addressIds.map(dec).join(",") });
    case "mpPrio":
      return f(5, { flags: hex2(0x50 | joinBits(o)), "backup.flag": bit(o.backup), addrid: o.addressId === undefined ? undefined : dec(o.addressId) });
    case "mpFail":
      return f(6, { rawdataseqno: dec(o.dsn) });
    case "mpFastclose":
      return f(7, { recvkey: dec(o.receiversKey) });
    case "mpTcpRst":
      return f(8, { flags: hex2(0x80 | o.flags), "flag_U.flag": bit((o.flags & 8) !== 0), "flag_V.flag": bit((o.flags & 4) !== 0), "flag_W.flag": bit((o.flags & 2) !== 0), "flag_T.flag": bit((o.flags & 1) !== 0), rst_reason: hex2(o.reason) });
    case "unknown":
      return { "tcp.option_len": dec(o.data.length + 2) };
  }
}

/** tshark prints byte 2 of an MP_JOIN SYN or SYN/ACK and of MP_PRIO (subtype nibble, reserved bits, B) as its flags. */
function joinBits(o: { readonly backup: boolean; readonly reserved?: number }): number {
  return (o.backup ? 1 : 0) | ((o.reserved ?? 0) << 1);
}

function dssFields(o: Extract<MptcpOption, { subtype: "dss" }>): Record<string, string | undefined> {
  const flags = (o.dataFin ? 0x10 : 0) | (o.dsn64 ? 0x08 : 0) | (o.mapping ? 0x04 : 0) | (o.dataAck64 ? 0x02 : 0) | (o.dataAck !== undefined ? 0x01 : 0);
  return {
    flags: hex2(flags), "datafin.flag": bit(o.dataFin), "dseqn8.flag": bit(o.dsn64), "dseqnpresent.flag": bit(o.mapping !== undefined),
    "dataack8.flag": bit(o.dataAck64), "dataackpresent.flag": bit(o.dataAck !== undefined),
    rawdataack: o.dataAck === undefined ? undefined : dec(o.dataAck),
    rawdataseqno: o.mapping ? dec(o.mapping.dsn) : undefined,
    subflowseqno: o.mapping ? dec(o.mapping.subflowSeq) : undefined,
    datalvllen: o.mapping ? dec(o.mapping.dataLevelLength) : undefined,
    checksum: o.mapping?.checksum === undefined ? undefined : `0x${o.mapping.checksum.toString(16).padStart(4, "0")}`,
  };
}

/**
 * Compares our fields with tshark's: every field on either side must be equal on the other,
 * except the fields listed in `tsharkOmits` (fields tshark 4.0 is known not to print), which
 * must then be absent on tshark's side. Returns a list of differences ("" when equal).
 */
export function diffFields(ours: Readonly<Record<string, string>>, theirs: Readonly<Record<string, string>>, tsharkOmits: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ours)) {
    if (tsharkOmits.includes(k) && !(k in theirs)) continue;
    if (theirs[k] !== v) out.push(`${k}: ours ${v} vs tshark ${theirs[k] ?? "(absent)"}`);
  }
  for (const k of Object.keys(theirs)) {
    if (k.startsWith("tcp.options.mptcp.") && !(k in ours) && !TSHARK_ONLY.includes(k)) out.push(`${k}: tshark ${theirs[k]} vs ours (absent)`);
  }
  return out;
}

/** tshark fields with no counterpart in our repr: raw flag bytes of MP_JOIN and reserved bits (ours keep them only when non-zero). */
export const TSHARK_ONLY: readonly string[] = ["tcp.options.mptcp.reserved", "tcp.options.mptcp.reserved.flag", "tcp.options.mptcp.ipver"];
