/**
 * Decode throughput: a ~100 MB Ethernet pcap of an MPTCP bulk transfer (data segments with DSS
 * mappings and checksums, DSS acks, a few SYNs with MP_CAPABLE / MP_JOIN) is read (1) by our
 * classic reader over the whole file + parsePacket, (2) by our reader in 4 MiB pieces (decode's
 * default) + parsePacket, (3) through the whole `mptcpdrill decode` text path, (4) through
 * `mptcpdrill verify`, and (5) by `tshark -r FILE` into /dev/null. Prints packets/s,
 * MB/s and the tshark/ours time ratio (goal ≥ 5x). The decode and tshark are each run
 * MPD_BENCH_DECODE_RUNS times (default 3) and their medians compared, wall and CPU time (ours:
 * this process incl. GC threads; tshark: the child's user+sys): on a shared machine one run of
 * either swings by 2x. The capture lives in a temp dir, removed after.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { readCaptureFile } from "../../src/cli/pcap-source.ts";
import { parseIpAddress } from "../../src/wire/address.ts";
import { dssChecksum } from "../../src/wire/checksum.ts";
import { mptcpIdsn, mptcpToken } from "../../src/wire/mptcp-crypto.ts";
import type { MptcpOption } from "../../src/wire/mptcp-options.ts";
import type { CaptureItem } from "../../src/wire/pcap/captured-packet.ts";
import { emitPacket, parsePacket, type PacketRepr } from "../../src/wire/packet.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { readPcap } from "../../src/wire/pcap/pcap-reader.ts";
import { emitPcapFileHeader, emitPcapRecord, pcapRecordBufferLen, type PcapWriteRecord } from "../../src/wire/pcap/pcap-writer.ts";
import { seqNum } from "../../src/wire/seq.ts";
import type { TcpOption } from "../../src/wire/tcp-options.ts";

// The server port is 5600, not 80: on port 80 tshark reassembles the payload as one endless HTTP
// request, which is quadratic and would make the ratio meaningless.
const TARGET_BYTES = Number(process.env["MPD_BENCH_DECODE_MB"] ?? 100) * 1024 * 1024;
const ETH_HEADER = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
const C = parseIpAddress("192.0.2.1") as Uint8Array;
const S = parseIpAddress("198.51.100.2") as Uint8Array;
const KEY_C = 0x0123456789abcdefn;
const KEY_S = 0xfedcba9876543210n;

function segment(fromClient: boolean, flags: number, seq: number, ack: number, options: TcpOption[], payload: number): Uint8Array {
  const repr: PacketRepr = {
    encaps: [],
    ip: { kind: "ipv4", tos: 0, identification: 0, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src: fromClient ? C : S, dst: fromClient ? S : C, options: new Uint8Array(0) },
    l4: { kind: "tcp", srcPort: fromClient ? 40000 : 5600, dstPort: fromClient ? 5600 : 40000, seq: seqNum(seq), ack: seqNum(ack), flags, window: 502, urgent: 0, options },
    payload: new Uint8Array(payload).fill(0x6d),
  };
  const ip = emitPacket(repr);
  const frame = new Uint8Array(ETH_HEADER.length + ip.length);
  frame.set(ETH_HEADER);
  frame.set(ip, ETH_HEADER.length);
  return frame;
}

/** The frame with its TCP source port changed (IPv4 behind Ethernet; checksums are not checked here). */
function withSourcePort(frame: Uint8Array, port: number): Uint8Array {
  const out = frame.slice();
  const tcp = ETH_HEADER.length + ((out[ETH_HEADER.length] as number) & 0xf) * 4;
  out[tcp] = port >> 8;
  out[tcp + 1] = port & 0xff;
  return out;
}

const mp = (o: object): TcpOption => ({ kind: "mptcp", ...o }) as unknown as TcpOption;
const ts = (v: number): TcpOption => ({ kind: "timestamps", tsVal: v, tsEcr: v - 1 });

/** The handshake, then data/ack pairs until the file reaches TARGET_BYTES. */
/** Writes the bench capture to `path`. */
export function buildCapture(path: string): { packets: number; bytes: number } {
  const frames: Uint8Array[] = [
    segment(true, 0x02, 100, 0, [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, ts(1), { kind: "nop" }, { kind: "wscale", shift: 7 }, mp({ subtype: "mpCapable", version: 1, flags: 0x81 })], 0),
    segment(false, 0x12, 900, 101, [{ kind: "mss", mss: 1460 }, { kind: "nop" }, { kind: "wscale", shift: 7 }, ts(2), mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_S })], 0),
    segment(true, 0x10, 101, 901, [ts(3), mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_C, receiversKey: KEY_S })], 0),
    // The join SYN comes from another port: on the initial subflow's 4-tuple it would be a new
    // connection reusing the ports, and every later segment would be judged against its ISN.
    segment(true, 0x02, 5000, 0, [ts(4), mp({ subtype: "mpJoinSyn", backup: false, addressId: 1, receiversToken: mptcpToken(KEY_S), sendersRandom: 7 })], 0),
  ];
  frames[3] = withSourcePort(frames[3] as Uint8Array, 40001);
  // DSNs and Data ACKs are the keys' (RFC 8684 §3.1: the first data byte is IDSN + 1), so that
  // verify measures its checking path on a conforming capture, not one violation per packet.
  const idsnC = mptcpIdsn(KEY_C);
  const idsnS = mptcpIdsn(KEY_S);
  const payload = new Uint8Array(1400).fill(0x6d);
  let bytes = 24;
  const records: PcapWriteRecord[] = [];
  const push = (data: Uint8Array, i: number): void => {
    records.push({ tsSec: 1_700_000_000 + Math.floor(i / 100_000), tsNsec: (i % 100_000) * 10_000, data });
    bytes += pcapRecordBufferLen(records[records.length - 1] as PcapWriteRecord);
  };
  frames.forEach(push);
  for (let i = 0, seq = 101, dsn = idsnC + 1n; bytes < TARGET_BYTES; i++, seq += 1400, dsn += 1400n) {
    const dss: Partial<MptcpOption> = { subtype: "dss", dataFin: false, dataAck64: false, dsn64: true, dataAck: (idsnS + 1n) & 0xffffffffn, mapping: { dsn, subflowSeq: seq - 100, dataLevelLength: 1400, checksum: dssChecksum(dsn, seq - 100, 1400, payload) } };
    push(segment(true, 0x18, seq, 901, [{ kind: "nop" }, { kind: "nop" }, ts(i), mp(dss)], 1400), records.length);
    push(segment(false, 0x10, 901, seq + 1400, [{ kind: "nop" }, { kind: "nop" }, ts(i), mp({ subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: dsn + 1400n })], 0), records.length);
  }
  const out = new Uint8Array(bytes);
  const options = { linkType: 1 };
  out.set(emitPcapFileHeader(options));
  let at = 24;
  for (const r of records) at = emitPcapRecord(r, options, out, at);
  writeFileSync(path, out);
  return { packets: records.length, bytes };
}

const RUNS = Math.max(1, Number(process.env["MPD_BENCH_DECODE_RUNS"] ?? 3));

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Wall and CPU seconds of one `tshark -r file` (CPU from the shell's `times` for its children). */
function tsharkOnce(file: string): { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", `tshark -r '${file}' ${process.env["MPD_TSHARK_ARGS"] ?? ""} > /dev/null 2>&1 || exit 1; times`], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error("tshark failed (is it installed?)");
  // `times` prints the shell's own user/sys, then its children's: "0m1.180s 0m0.130s".
  const child = (r.stdout.trim().split("\n")[1] ?? "").match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpu = child ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]) : NaN;
  return { wall, cpu };
}

function timed(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function timedAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function parseAll(bytes: Uint8Array): number {
  let n = 0;
  for (const item of readPcap(bytes)) {
    if (item.kind !== "packet") continue;
    const link = stripLinkLayer(item.packet.linkType, item.packet.data);
    if (link.ok && parsePacket(link.value.payload).ok) n++;
  }
  return n;
}

/** A CLI I/O whose stdout only counts characters. */
function nullIo(cwd: string): CliIo & { chars: () => number } {
  let chars = 0;
  const sink = { write: (t: string): void => void (chars += t.length), isTTY: false };
  return { stdout: sink, stderr: sink, env: {}, cwd, fs, chars: () => chars };
}

export default {
  title: "decode: pcap reader + parsePacket + decode text vs tshark",
  async run(log: (line: string) => void): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "mpd-bench-decode-"));
    try {
      const file = join(dir, "bulk.pcap");
      const { packets, bytes } = buildCapture(file);
      const mb = bytes / 1e6;
      log(`capture: ${packets} packets, ${mb.toFixed(1)} MB (Ethernet, MPTCP DSS with checksums)`);
      const rate = (label: string, s: number): void => log(`${label.padEnd(38)} ${s.toFixed(2)} s  ${(packets / s / 1e3).toFixed(0)} kpkt/s  ${(mb / s).toFixed(0)} MB/s`);
      const data = new Uint8Array(readFileSync(file));
      let parsed = 0;
      const tOwn = timed(() => void (parsed = parseAll(data)));
      if (parsed !== packets) throw new Error(`parsed ${parsed} of ${packets} packets`);
      rate("own reader + parsePacket", tOwn);
      const onItem = (item: CaptureItem): void => {
        if (item.kind === "packet") {
          const link = stripLinkLayer(item.packet.linkType, item.packet.data);
          if (link.ok) parsePacket(link.value.payload);
        }
      };
      const tPieces = await timedAsync(() => readCaptureFile(file, onItem, "own"));
      rate("own 4 MiB pieces + parsePacket", tPieces);
      const io = nullIo(dir);
      const decodeWall: number[] = [];
      const decodeCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const c0 = process.cpuUsage();
        decodeWall.push(await timedAsync(() => runCli(["decode", file], io)));
        const c = process.cpuUsage(c0);
        decodeCpu.push((c.user + c.system) / 1e6);
      }
      const tDecode = median(decodeWall);
      rate(`mptcpdrill decode (text), median/${RUNS}`, tDecode);
      log(`decode wrote ${(io.chars() / RUNS / 1e6).toFixed(0)} MB of .pkt text per run; runs ${decodeWall.map((t) => t.toFixed(2)).join(" ")} s, CPU median ${median(decodeCpu).toFixed(2)} s`);
      const verifyWall: number[] = [];
      const verifyCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const c0 = process.cpuUsage();
        verifyWall.push(await timedAsync(() => runCli(["verify", file], io)));
        const c = process.cpuUsage(c0);
        verifyCpu.push((c.user + c.system) / 1e6);
      }
      const tVerify = median(verifyWall);
      rate(`mptcpdrill verify, median/${RUNS}`, tVerify);
      log(`verify runs ${verifyWall.map((t) => t.toFixed(2)).join(" ")} s, CPU median ${median(verifyCpu).toFixed(2)} s`);
      const shark = Array.from({ length: RUNS }, () => tsharkOnce(file));
      const tTshark = median(shark.map((x) => x.wall));
      const cTshark = median(shark.map((x) => x.cpu));
      rate(`tshark -r FILE > /dev/null, median/${RUNS}`, tTshark);
      log(`tshark runs ${shark.map((x) => x.wall.toFixed(2)).join(" ")} s, CPU median ${cTshark.toFixed(2)} s`);
      log(`ratio tshark / ours: parse ${(tTshark / tOwn).toFixed(1)}x, streamed ${(tTshark / tPieces).toFixed(1)}x, decode text ${(tTshark / tDecode).toFixed(1)}x wall, ${(cTshark / median(decodeCpu)).toFixed(1)}x CPU, verify ${(tTshark / tVerify).toFixed(1)}x wall, ${(cTshark / median(verifyCpu)).toFixed(1)}x CPU (goal >= 5x)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
