/**
 * Test support: decode one captured frame with our own code (link layer from src/wire/pcap, IP
 * and TCP from src/wire) and compare the result with tshark's view of the same frame.
 */
import { formatIpAddress } from "../../src/wire/address.ts";
import { dssChecksum } from "../../src/wire/checksum.ts";
import type { MptcpOption } from "../../src/wire/mptcp-options.ts";
import type { CapturedPacket } from "../../src/wire/pcap/captured-packet.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { parsePacket } from "../../src/wire/packet.ts";
import { tcpBufferLen, type TcpRepr } from "../../src/wire/tcp.ts";
import { diffFields, mptcpOptionAsTshark, type TsharkTcpPacket } from "./tshark.ts";

/** A TCP packet as our code decodes it. */
export interface OurTcpPacket {
  readonly src: string;
  readonly dst: string;
  readonly tcp: TcpRepr;
  readonly headerLength: number;
  readonly payloadLength: number;
  readonly payload: Uint8Array;
}

/** Decodes a captured frame down to TCP with src/wire's parsePacket; undefined for anything that is not TCP. Throws on decode errors. */
export function decodeTcpFrame(frame: CapturedPacket): OurTcpPacket | undefined {
  const link = stripLinkLayer(frame.linkType, frame.data);
  if (!link.ok) throw new Error(`packet ${frame.number}: ${link.error.code}`);
  if (link.value.etherType !== 0x0800 && link.value.etherType !== 0x86dd) return undefined;
  const pkt = parsePacket(link.value.payload);
  if (!pkt.ok) throw new Error(`packet ${frame.number}: ${pkt.error.code} at ${pkt.error.offset} (${pkt.error.field})`);
  const { ip, l4, payload } = pkt.value;
  if (l4.kind !== "tcp") return undefined;
  return { src: formatIpAddress(ip.src), dst: formatIpAddress(ip.dst), tcp: l4, headerLength: tcpBufferLen(l4), payloadLength: payload.length, payload };
}

function headerDiffs(ours: OurTcpPacket, t: TsharkTcpPacket): string[] {
  const f = t.tcp;
  const pairs: [string, number | string, string | undefined][] = [
    ["ip.src", ours.src, t.ipSrc], ["ip.dst", ours.dst, t.ipDst],
    ["tcp.srcport", ours.tcp.srcPort, f["tcp.srcport"]], ["tcp.dstport", ours.tcp.dstPort, f["tcp.dstport"]],
    ["tcp.seq_raw", ours.tcp.seq, f["tcp.seq_raw"]], ["tcp.ack_raw", ours.tcp.ack, f["tcp.ack_raw"]],
    ["tcp.flags", ours.tcp.flags | ((ours.tcp.reserved ?? 0) << 9), f["tcp.flags"] === undefined ? undefined : String(Number(f["tcp.flags"]))],
    ["tcp.window_size_value", ours.tcp.window, f["tcp.window_size_value"]], ["tcp.len", ours.payloadLength, f["tcp.len"]],
    ["tcp.hdr_len", ours.headerLength, f["tcp.hdr_len"]], ["tcp.urgent_pointer", ours.tcp.urgent, f["tcp.urgent_pointer"]],
  ];
  return pairs.filter(([, a, b]) => String(a) !== b).map(([k, a, b]) => `${k}: ours ${a} vs tshark ${b}`);
}

function tcpOptionDiffs(ours: OurTcpPacket, t: TsharkTcpPacket): string[] {
  const want: Record<string, string> = {};
  const add = (k: string, v: string): void => void (want[k] = k in want ? `${want[k]},${v}` : v);
  for (const o of ours.tcp.options) {
    if (o.kind === "mss") add("tcp.options.mss_val", String(o.mss));
    else if (o.kind === "wscale") add("tcp.options.wscale.shift", String(o.shift));
    else if (o.kind === "timestamps") [add("tcp.options.timestamp.tsval", String(o.tsVal)), add("tcp.options.timestamp.tsecr", String(o.tsEcr))];
    else if (o.kind === "sack") for (const b of o.blocks) [add("tcp.options.sack_le", String(b.left)), add("tcp.options.sack_re", String(b.right))];
  }
  const out: string[] = [];
  for (const k of ["tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr", "tcp.options.sack_le", "tcp.options.sack_re"]) {
    if (want[k] !== t.options[k]) out.push(`${k}: ours ${want[k] ?? "(absent)"} vs tshark ${t.options[k] ?? "(absent)"}`);
  }
  const sackOk = ours.tcp.options.some((o) => o.kind === "sackPermitted");
  if (sackOk !== "tcp.options.sack_perm" in t.options) out.push(`sackOK: ours ${sackOk}`);
  return out;
}

/** The raw bytes of the i-th kind-30 option in tshark's `tcp.options` hex, by a naive TLV walk. */
function rawMptcpOption(raw: string, index: number): Uint8Array | undefined {
  const b = Uint8Array.from(raw.split(":").filter(Boolean).map((h) => parseInt(h, 16)));
  let seen = 0;
  for (let i = 0; i < b.length; ) {
    const kind = b[i] ?? 0;
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    const len = b[i + 1] ?? 0;
    if (len < 2) break;
    if (kind === 30 && seen++ === index) return b.subarray(i, i + len);
    i += len;
  }
  return undefined;
}

/**
 * tshark 4.0 does not print the DSS checksum field; for it we check the raw option bytes tshark
 * shows and, when the mapping covers exactly this segment, that the checksum verifies.
 */
function dssChecksumDiffs(o: MptcpOption, i: number, ours: OurTcpPacket, t: TsharkTcpPacket): string[] {
  if (o.subtype !== "dss" || o.mapping?.checksum === undefined) return [];
  const raw = rawMptcpOption(t.rawOptions, i);
  const wire = raw === undefined ? undefined : ((raw[raw.length - 2] ?? 0) << 8) | (raw[raw.length - 1] ?? 0);
  const out = wire === o.mapping.checksum ? [] : [`dss checksum: ours ${o.mapping.checksum} vs tshark raw ${wire}`];
  if (o.mapping.dataLevelLength === ours.payloadLength && ours.payloadLength > 0) {
    const computed = dssChecksum(o.mapping.dsn, o.mapping.subflowSeq, o.mapping.dataLevelLength, ours.payload);
    if (computed !== o.mapping.checksum) out.push(`dss checksum ${o.mapping.checksum} does not verify (computed ${computed})`);
  }
  return out;
}

/** Every difference between our decode of a frame and tshark's; [] when they agree. */
export function compareWithTshark(ours: OurTcpPacket | undefined, t: TsharkTcpPacket): string[] {
  if (ours === undefined) return ["tshark sees TCP, we do not"];
  const mptcp = ours.tcp.options.filter((o): o is MptcpOption => o.kind === "mptcp");
  const out = [...headerDiffs(ours, t), ...tcpOptionDiffs(ours, t)];
  if (mptcp.length !== t.mptcp.length) out.push(`mptcp option count: ours ${mptcp.length} vs tshark ${t.mptcp.length}`);
  mptcp.forEach((o, i) => {
    const theirs = t.mptcp[i] ?? {};
    out.push(...diffFields(mptcpOptionAsTshark(o), theirs, ["tcp.options.mptcp.checksum"]).map((d) => `mptcp[${i}] ${d}`));
    out.push(...dssChecksumDiffs(o, i, ours, t));
  });
  return out;
}
