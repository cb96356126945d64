/**
 * Wire codec throughput: parsePacket and emitPacket over a generated mix of small MPTCP packets
 * (SYN/MP_CAPABLE, MP_JOIN, DSS data with and without checksum, DSS acks, ADD_ADDR, plain ACKs,
 * IPv4 and IPv6), beside a baseline measured in the same run over the same bytes: a Buffer copy
 * plus compare per packet. Prints packets/s, MB/s and the ratio to the baseline.
 */
import { parseIpAddress } from "../../src/wire/address.ts";
import type { MptcpOption } from "../../src/wire/mptcp-options.ts";
import { type IpRepr, type PacketRepr, emitPacketInto, emitPacket, packetBufferLen, parsePacket } from "../../src/wire/packet.ts";
import { seqNum } from "../../src/wire/seq.ts";
import type { TcpOption } from "../../src/wire/tcp-options.ts";

const N = 20_000;
const ROUNDS = 10;

const V4A = parseIpAddress("192.0.2.1") as Uint8Array;
const V4B = parseIpAddress("198.51.100.2") as Uint8Array;
const V6A = parseIpAddress("2001:db8::1") as Uint8Array;
const V6B = parseIpAddress("2001:db8::2") as Uint8Array;

function ipOf(i: number): IpRepr {
  return i % 5 === 4
    ? { kind: "ipv6", trafficClass: 0, flowLabel: i & 0xfffff, hopLimit: 64, nextHeader: 6, src: V6A, dst: V6B, extensions: [] }
    : { kind: "ipv4", tos: 0, identification: i & 0xffff, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src: V4A, dst: V4B, options: new Uint8Array(0) };
}

const ts = (i: number): TcpOption => ({ kind: "timestamps", tsVal: i, tsEcr: i - 1 });
const nop: TcpOption = { kind: "nop" };
const mp = (o: MptcpOption): TcpOption => o;

/** The options and payload length of packet `i` of the mix. */
function shape(i: number): [number, TcpOption[], number] {
  const dsn = 0x886540e5dce77f71n + BigInt(i * 100);
  switch (i % 8) {
    case 0: return [0x02, [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, ts(i), nop, { kind: "wscale", shift: 7 }, mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 1 })], 0];
    case 1: return [0x12, [{ kind: "mss", mss: 1460 }, nop, nop, ts(i), nop, { kind: "wscale", shift: 7 }, mp({ kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 1, sendersHmac: BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn, sendersRandom: i })], 0];
    case 2: case 3: return [0x18, [nop, nop, ts(i), mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: true, dataAck: 0xf5a101d3d29d6f73n, mapping: { dsn, subflowSeq: i * 100 + 1, dataLevelLength: 100 } }), nop, nop], 100];
    case 4: return [0x18, [mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: false, dsn64: true, dataAck: 1n, mapping: { dsn, subflowSeq: 1, dataLevelLength: 64, checksum: 0x1234 } })], 64];
    case 5: return [0x10, [nop, nop, ts(i), mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: dsn })], 0];
    case 6: return [0x10, [mp({ kind: "mptcp", subtype: "addAddr", echo: false, addressId: 2, address: V4B, hmac: 0x2aa9f86fca966bfbn })], 0];
    default: return [0x10, [nop, nop, ts(i)], 0];
  }
}

/** The bench mix: N encoded packets. */
export function mix(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < N; i++) {
    const [flags, options, plen] = shape(i);
    const repr: PacketRepr = {
      encaps: [], ip: ipOf(i), payload: new Uint8Array(plen),
      l4: { kind: "tcp", srcPort: 40000, dstPort: 80, seq: seqNum(i * 100), ack: seqNum(i), flags, window: 502, urgent: 0, options },
    };
    out.push(emitPacket(repr));
  }
  return out;
}

/** Best-of-rounds seconds for one pass of `fn` over the mix. */
function time(fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

export default {
  title: "wire codecs: parsePacket / emitPacket over a small-packet MPTCP mix",
  async run(log: (line: string) => void): Promise<void> {
    const pkts = mix();
    const bytes = pkts.reduce((n, p) => n + p.length, 0);
    const scratch = new Uint8Array(2048);
    let sink = 0;
    const base = time(() => {
      for (const p of pkts) {
        const c = Buffer.from(p);
        sink += c.compare(p);
      }
    });
    // Timed before any repr is kept: once thousands of reprs survive (the `kept` line and the
    // emit input below), V8 pretenures the repr allocation sites and every later parse pays for
    // promoting its short-lived views. `decode` and the interpreter drop each repr at once.
    const parse = time(() => {
      for (const p of pkts) if (parsePacket(p).ok) sink++;
    });
    let parsed: PacketRepr[] = [];
    const parseKept = time(() => {
      parsed = pkts.map((p) => {
        const r = parsePacket(p);
        if (!r.ok) throw new Error(`bench mix does not parse: ${JSON.stringify(r.error)}`);
        return r.value;
      });
    });
    const emit = time(() => {
      for (const r of parsed) sink += emitPacketInto(r, scratch, 0);
    });
    const emitAlloc = time(() => {
      for (const r of parsed) sink += emitPacket(r).length;
    });
    const line = (name: string, s: number): string =>
      `${name.padEnd(34)} ${(N / s / 1e6).toFixed(2)} M packets/s  ${(bytes / s / 1e6).toFixed(0).padStart(5)} MB/s  ${(s / base).toFixed(1)}x baseline time`;
    log(`${N} packets, ${bytes} bytes (avg ${(bytes / N).toFixed(0)} B), best of ${ROUNDS} rounds`);
    log(line("baseline Buffer.from + compare", base));
    log(line("parsePacket (reprs dropped)", parse));
    log(line("parsePacket (all reprs kept)", parseKept));
    log(line("emitPacketInto (reused buffer)", emit));
    log(line("emitPacket (new buffer)", emitAlloc));
    log(`(checksum ${sink % 7}; packetBufferLen of #0 = ${packetBufferLen(parsed[0] as PacketRepr)})`);
  },
};
