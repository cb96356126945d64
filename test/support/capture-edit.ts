/**
 * Test support: one field of one packet of a capture changed, the capture written back (classic
 * pcap, ns). Used to show that `decode --runnable` scripts and `verify` see a one-packet edit.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { CapturedPacket } from "../../src/wire/pcap/captured-packet.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";

/** A TCP segment of a frame, as byte offsets into the frame's data. */
export interface TcpBytes {
  readonly frame: CapturedPacket;
  readonly data: Uint8Array;
  /** Offset of the TCP header in `data`. */
  readonly tcp: number;
  readonly srcIp: string;
  readonly flags: number;
  readonly payloadLen: number;
  /** Offsets of MPTCP options (kind 30) in `data`, with their subtype. */
  readonly mptcp: readonly { readonly at: number; readonly subtype: number }[];
}

/** The TCP segments of a capture (IPv4 only, as the capture labs make them). */
export function tcpSegments(frames: readonly CapturedPacket[]): TcpBytes[] {
  const out: TcpBytes[] = [];
  for (const f of frames) {
    const link = stripLinkLayer(f.linkType, f.data);
    if (!link.ok) continue;
    const ip = link.value.payloadOffset;
    const d = f.data;
    if ((d[ip] as number) >> 4 !== 4 || d[ip + 9] !== 6) continue;
    const ihl = ((d[ip] as number) & 0xf) * 4;
    const total = ((d[ip + 2] as number) << 8) | (d[ip + 3] as number);
    const tcp = ip + ihl;
    const doff = ((d[tcp + 12] as number) >> 4) * 4;
    const mptcp: { at: number; subtype: number }[] = [];
    for (let at = tcp + 20; at < tcp + doff;) {
      const kind = d[at] as number;
      if (kind === 0) break;
      if (kind === 1) {
        at++;
        continue;
      }
      const len = d[at + 1] as number;
      if (len < 2) break;
      if (kind === 30) mptcp.push({ at, subtype: (d[at + 2] as number) >> 4 });
      at += len;
    }
    out.push({ frame: f, data: d, tcp, srcIp: `${d[ip + 12]}.${d[ip + 13]}.${d[ip + 14]}.${d[ip + 15]}`, flags: d[tcp + 13] as number, payloadLen: total - ihl - doff, mptcp });
  }
  return out;
}

/** Reads the frames of a capture file. */
export function readFrames(path: string): CapturedPacket[] {
  return [...readCapture(new Uint8Array(readFileSync(path)))].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
}

/** Adds `delta` to the big-endian unsigned field of `len` bytes at `at` (wrapping). */
export function addToField(data: Uint8Array, at: number, len: number, delta: bigint): void {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(data[at + i] as number);
  v = BigInt.asUintN(len * 8, v + delta);
  for (let i = len - 1; i >= 0; i--) {
    data[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Offset and width of a DSS option's Data ACK (RFC 8684 §3.3, Figure 9), if it has one. */
export function dssDataAck(data: Uint8Array, at: number): { at: number; len: 4 | 8 } | undefined {
  const flags = data[at + 3] as number;
  if ((flags & 0x01) === 0) return undefined;
  return { at: at + 4, len: (flags & 0x02) !== 0 ? 8 : 4 };
}

/** Writes `frames` to `path` with `edit` applied to a copy of `victim`'s bytes. */
export function writeEdited(path: string, frames: readonly CapturedPacket[], victim: CapturedPacket, edit: (data: Uint8Array) => void): void {
  const data = victim.data.slice();
  edit(data);
  const records = frames.map((f) => ({ tsSec: f.tsSec, tsNsec: f.tsNsec, originalLength: f.originalLength, data: f === victim ? data : f.data }));
  writeFileSync(path, emitPcapFile({ linkType: victim.linkType, precision: "ns" }, records));
}

/** Offsets of a DSS option's fields (RFC 8684 §3.3, Figure 9); absent ones are undefined. */
export function dssFields(data: Uint8Array, at: number): { dack?: { at: number; len: 4 | 8 }; dsn?: { at: number; len: 4 | 8 }; ssn?: number; dll?: number; checksum?: number } {
  const len = data[at + 1] as number;
  const flags = data[at + 3] as number;
  let p = at + 4;
  const out: ReturnType<typeof dssFields> = {};
  if (flags & 0x01) {
    const w = flags & 0x02 ? 8 : 4;
    out.dack = { at: p, len: w };
    p += w;
  }
  if (flags & 0x04) {
    const w = flags & 0x08 ? 8 : 4;
    out.dsn = { at: p, len: w };
    p += w;
    out.ssn = p;
    out.dll = p + 4;
    if (p + 8 <= at + len) out.checksum = p + 6;
  }
  return out;
}
