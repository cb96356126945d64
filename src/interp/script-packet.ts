/**
 * A packet line evaluated into script-space data (pkt-language.md §3.1–§3.2, §4): flags, seq
 * range, ack, window, urgent pointer, IP info and TCP options as wire option values, with the
 * wildcards (`mss *`, omitted `win`, `<...>`) remembered for the matcher.
 *
 * No mapping happens here: values are as written. packet-build.ts maps them to live space for
 * injection; matcher.ts maps live packets into this space.
 */
import type * as ast from "../script/ast.ts";
import type { Span } from "../script/span.ts";
import { type SeqNum, seqNum } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import type { TcpOption } from "../wire/tcp-options.ts";
import { type ValueEnv, ScriptFault, hexCookie } from "./values.ts";
import { scriptMptcpOption } from "./mptcp-options-eval.ts";

/** ECN codepoints (RFC 3168 §5). */
export const ECN = { noecn: 0, ect1: 1, ect0: 2, ce: 3 } as const;

/** IP-level expectations / settings of a packet line. */
export interface ScriptIpInfo {
  /** ECN codepoint, `"ect01"` (ECT(0) or ECT(1)), or null when unspecified. */
  readonly ecn: number | "ect01" | null;
  /** The whole TOS byte when `tos` is written. */
  readonly tos: number | null;
  readonly ttl: number | null;
  readonly flowLabel: number | null;
}

/** One evaluated TCP option plus the names of wildcarded fields. */
export interface ScriptOption {
  /** The wire value (wildcarded fields are 0). */
  readonly wire: TcpOption;
  /** Field names given as `*` (skipped by the matcher). */
  readonly wild: ReadonlySet<string>;
  /** The AST node, for MPTCP completion and spans. */
  readonly node: ast.TcpOption;
}

/** A TCP packet line in script space. */
export interface ScriptTcpPacket {
  readonly direction: "inbound" | "outbound";
  readonly ip: ScriptIpInfo;
  /** {@link TCP_FLAG} bits. */
  readonly flags: number;
  /** True when the flags used an AccECN digit (the matcher compares `tcp_ace`). */
  readonly ace: boolean;
  readonly seq: SeqNum;
  readonly payloadLen: number;
  readonly ack: SeqNum;
  /** null = omitted (outbound: unchecked). */
  readonly window: number | null;
  readonly urgent: number;
  /** null = `<...>` (options unchecked). */
  readonly options: readonly ScriptOption[] | null;
  /** Explicit ports of a G tuple (`8080 > 40000`), else null. */
  readonly srcPort: number | null;
  readonly dstPort: number | null;
  readonly span: Span;
  readonly node: ast.Packet;
  /** The run's value environment (MPTCP completion evaluates option nodes with it, §8). */
  readonly env: ValueEnv;
}

/** Parses `S.`, `P.`, `SEW`, `S.5`, `-` into flag bits and whether an ACE digit was used (§3.2). */
export function parseTcpFlags(f: ast.TcpFlags): { flags: number; ace: boolean } {
  const letters: Readonly<Record<string, number>> = {
    F: TCP_FLAG.FIN, S: TCP_FLAG.SYN, R: TCP_FLAG.RST, P: TCP_FLAG.PSH, ".": TCP_FLAG.ACK,
    U: TCP_FLAG.URG, E: TCP_FLAG.ECE, W: TCP_FLAG.CWR, A: TCP_FLAG.AE,
  };
  let flags = 0;
  let ace = false;
  if (f.text === "-") return { flags, ace };
  for (const c of f.text) {
    if (c >= "0" && c <= "7") {
      if (ace || flags & (TCP_FLAG.ECE | TCP_FLAG.CWR | TCP_FLAG.AE)) throw new ScriptFault("Conflicting TCP flag", f.span);
      const d = Number(c);
      ace = true;
      if (d & 1) flags |= TCP_FLAG.ECE;
      if (d & 2) flags |= TCP_FLAG.CWR;
      if (d & 4) flags |= TCP_FLAG.AE;
      continue;
    }
    const bit = letters[c];
    if (bit === undefined) throw new ScriptFault(`Invalid TCP flag: '${c}'`, f.span);
    flags |= bit;
  }
  return { flags, ace };
}

function ipInfo(info: ast.IpInfo | null, env: ValueEnv): ScriptIpInfo {
  let ecn: ScriptIpInfo["ecn"] = null;
  let tos: number | null = null;
  let ttl: number | null = null;
  let flowLabel: number | null = null;
  for (const it of info?.items ?? []) {
    if (it.kind === "ecn") ecn = it.codepoint === "ect01" ? "ect01" : ECN[it.codepoint];
    else if (it.kind === "tos") tos = Number(env.num(it.value)) & 0xff;
    else if (it.kind === "ttl") ttl = Number(env.num(it.value));
    else flowLabel = Number(env.num(it.value)) & 0xfffff;
  }
  return { ecn, tos, ttl, flowLabel };
}

function u32(v: bigint, what: string, span: Span): number {
  if (v < -(1n << 31n) || v > 0xffffffffn) throw new ScriptFault(`${what} out of range`, span);
  return Number(BigInt.asUintN(32, v));
}

/** Evaluates a TCP packet line (`node.body.kind === "tcp"`) into script space. */
export function scriptTcpPacket(node: ast.Packet, seg: ast.TcpSegment, env: ValueEnv): ScriptTcpPacket {
  const { flags, ace } = parseTcpFlags(seg.flags);
  const start = env.num(seg.seq.start);
  const end = env.num(seg.seq.end);
  const len = env.num(seg.seq.length);
  if (len < 0n || len > 0xffffn || BigInt.asUintN(32, start + len) !== BigInt.asUintN(32, end)) {
    throw new ScriptFault("inconsistent TCP sequence numbers and payload size", seg.seq.span);
  }
  const window = seg.win === null ? null : Number(env.num(seg.win)) & 0xffff;
  if (node.direction === "inbound" && window === null) throw new ScriptFault("window must be specified for inbound packets", seg.span);
  const src = seg.tuple?.src;
  const dst = seg.tuple?.dst;
  const port = (e: ast.Endpoint | null | undefined): number | null =>
    e?.kind === "port" || e?.kind === "hostPort" ? Number(env.num(e.port)) : null;
  let options: ScriptOption[] | null;
  if (seg.options === null) options = [];
  else if (seg.options.kind === "anyOptions") {
    if (node.direction === "inbound") throw new ScriptFault("<...> is only allowed on outbound packets", seg.options.span);
    options = null;
  } else options = seg.options.options.map((o) => scriptOption(o, env));
  return {
    direction: node.direction, ip: ipInfo(node.ipInfo, env), flags, ace,
    seq: seqNum(u32(start, "sequence number", seg.seq.span)), payloadLen: Number(len),
    ack: seqNum(seg.ack === null ? 0 : u32(env.num(seg.ack), "ack", seg.ack.span)),
    window, urgent: seg.urg === null ? 0 : Number(env.num(seg.urg)) & 0xffff, options,
    srcPort: port(src), dstPort: port(dst), span: node.span, node, env,
  };
}

/** Evaluates one option (§4). */
export function scriptOption(o: ast.TcpOption, env: ValueEnv): ScriptOption {
  const wild = new Set<string>();
  const val = (v: ast.OptValue, name: string): number => {
    const x = env.opt(v);
    if (x === null) {
      wild.add(name);
      return 0;
    }
    return Number(BigInt.asUintN(32, x));
  };
  const make = (wire: TcpOption): ScriptOption => ({ wire, wild, node: o });
  switch (o.kind) {
    case "nop": return make({ kind: "nop" });
    case "eol": return make({ kind: "eol" });
    case "sackOK": return make({ kind: "sackPermitted" });
    case "mss": return make({ kind: "mss", mss: val(o.value, "mss") });
    case "wscale": return make({ kind: "wscale", shift: val(o.value, "wscale") });
    case "sack":
      return make({ kind: "sack", blocks: o.blocks.map((b, i) => ({ left: seqNum(val(b.left, `sack${i}`)), right: seqNum(val(b.right, `sack${i}`)) })) });
    case "timestamp": return make({ kind: "timestamps", tsVal: val(o.val, "val"), tsEcr: val(o.ecr, "ecr") });
    case "fastOpen":
    case "fastOpenExp":
    case "md5": {
      const cookie = o.cookie === null ? new Uint8Array(0) : hexCookie(env.word(o.cookie), o.span);
      if (o.kind === "md5") return make({ kind: "md5", digest: cookie });
      return make({ kind: o.kind, cookie });
    }
    case "accEcn": {
      const order = o.fields[0]?.name === "e1b" ? 1 : 0;
      return make({ kind: "accEcn", order, counters: o.fields.map((f) => val(f.value, f.name) & 0xffffff) });
    }
    default: {
      const m = scriptMptcpOption(o, env, wild);
      return make(m);
    }
  }
}
