// One-line `.pkt` dumps of a fixed set of packets, checked against test/golden/dumps.txt
// (rewrite with GOLDEN_UPDATE=1), plus the relative-value hook.
import { expect } from "chai";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { fromHex } from "../../../src/wire/bytes.ts";
import { type FormatContext, formatPacket } from "../../../src/wire/dump.ts";
import type { IcmpRepr } from "../../../src/wire/icmp.ts";
import type { Ipv4Repr } from "../../../src/wire/ipv4.ts";
import type { Ipv6Repr } from "../../../src/wire/ipv6.ts";
import type { MptcpOption } from "../../../src/wire/mptcp-options.ts";
import { type PacketRepr, emitPacket, packet, parsePacket } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import type { TcpRepr } from "../../../src/wire/tcp.ts";
import { expectGolden } from "../../support/golden.ts";

const ip = (s: string): Uint8Array => parseIpAddress(s) as Uint8Array;
const b = (h: string): Uint8Array => fromHex(h) as Uint8Array;
const V4: Ipv4Repr = { kind: "ipv4", tos: 0, identification: 0, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src: ip("192.0.2.1"), dst: ip("192.168.0.2"), options: new Uint8Array(0) };
const V6: Ipv6Repr = { kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 6, src: ip("2001:db8::1"), dst: ip("2001:db8::2"), extensions: [] };
const tcp = (flags: number, seq: number, ack: number, options: TcpOption[] = []): TcpRepr =>
  ({ kind: "tcp", srcPort: 8080, dstPort: 40000, seq: seqNum(seq), ack: seqNum(ack), flags, window: 65535, urgent: 0, options });
const mp = (o: MptcpOption): TcpOption => o;
const KA = 0x0102030405060708n;
const KB = 0x1112131415161718n;
const NOP: TcpOption = { kind: "nop" };
const zeros = (n: number): Uint8Array => new Uint8Array(n);

/** Name, packet, context: every dump shape the interpreter and decode print. */
const CASES: Array<[string, PacketRepr, FormatContext]> = [
  ["SYN with MP_CAPABLE v1, no key", packet(V4, tcp(0x02, 0, 0, [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 1, tsEcr: 0 }, NOP, { kind: "wscale", shift: 7 }, mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01 })])), { direction: "<" }],
  ["SYN/ACK with the server key", packet(V4, tcp(0x12, 0, 1, [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 1, tsEcr: 0 }, NOP, { kind: "wscale", shift: 7 }, mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: KA })])), { direction: ">" }],
  ["third ACK with both keys", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KB, receiversKey: KA })])), { direction: "<" }],
  ["MPC+data with DLL", packet(V4, tcp(0x18, 1, 1, [mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: KB, receiversKey: KA, dataLevelLength: 10 }), NOP, NOP]), zeros(10)), { direction: "<" }],
  ["DSS ack64 + map64, no checksum", packet(V4, tcp(0x18, 1, 11, [mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: true, dataAck: 0xf5a101d3d29d6f7cn, mapping: { dsn: 0x886540e5dce77f71n, subflowSeq: 1, dataLevelLength: 100 } }), NOP, NOP]), zeros(100)), {}],
  ["DSS relative to IDSN bases", packet(V4, tcp(0x18, 1000, 2000, [mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: true, dataAck: 0xf5a101d3d29d6f7cn, mapping: { dsn: 0x886540e5dce77f71n, subflowSeq: 1, dataLevelLength: 100 } }), NOP, NOP]), zeros(100)),
    { direction: ">", seqBase: seqNum(999), ackBase: seqNum(1999), dsnBase: 0x886540e5dce77f70n, dataAckBase: 0xf5a101d3d29d6f72n }],
  ["DATA_FIN with checksum", packet(V4, tcp(0x10, 101, 1, [mp({ kind: "mptcp", subtype: "dss", dataFin: true, dataAck64: false, dsn64: true, dataAck: 1n, mapping: { dsn: 101n, subflowSeq: 0, dataLevelLength: 1, checksum: 0x1234 } })])), {}],
  ["DSS Data ACK only", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: false, dsn64: false, dataAck: 1n })])), {}],
  ["MP_JOIN SYN", packet(V4, tcp(0x02, 0, 0, [mp({ kind: "mptcp", subtype: "mpJoinSyn", backup: true, addressId: 1, receiversToken: 0xcd04a475, sendersRandom: 42 })])), { direction: "<" }],
  ["MP_JOIN SYN/ACK", packet(V4, tcp(0x12, 0, 1, [mp({ kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 0, sendersHmac: 0x864b40428762fd06n, sendersRandom: 0xb1b2b3b4 })])), { direction: ">" }],
  ["MP_JOIN ACK", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: b("53037f2899475529844115fd07e665d23d3554fb") })])), { direction: "<" }],
  ["ADD_ADDR v4 HMAC", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address: ip("192.168.0.3"), hmac: 0x2aa9f86fca966bfbn })])), {}],
  ["ADD_ADDR v6 port echo", packet(V6, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "addAddr", echo: true, addressId: 2, address: ip("2001:db8::1"), port: 8080 }), NOP, NOP])), {}],
  ["REMOVE_ADDR and MP_PRIO", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "removeAddr", addressIds: [1, 2] }), mp({ kind: "mptcp", subtype: "mpPrio", backup: true }), NOP, NOP, NOP])), {}],
  ["MP_PRIO old form, MP_FAIL", packet(V4, tcp(0x10, 1, 1, [mp({ kind: "mptcp", subtype: "mpPrio", backup: false, addressId: 3 }), mp({ kind: "mptcp", subtype: "mpFail", dsn: 0x100000001n })])), {}],
  ["RST with MP_FASTCLOSE", packet(V4, tcp(0x14, 1, 1, [mp({ kind: "mptcp", subtype: "mpFastclose", receiversKey: KA })])), {}],
  ["RST with MP_TCPRST transient", packet(V4, tcp(0x14, 1, 1, [mp({ kind: "mptcp", subtype: "mpTcpRst", flags: 1, reason: 6 })])), { direction: ">" }],
  ["SACK, TFO, FOEXP, md5, AccECN, unknown", packet(V4, tcp(0x10, 1, 1, [{ kind: "sack", blocks: [{ left: seqNum(1001), right: seqNum(2001) }] }, { kind: "fastOpen", cookie: b("0011223344556677") }, { kind: "accEcn", order: 1, counters: [1, 2] }, { kind: "unknown", type: 99, data: b("dead") }])), { ackBase: seqNum(1) }],
  ["TFO request and experimental, md5", packet(V4, tcp(0x02, 0, 0, [{ kind: "fastOpen", cookie: zeros(0) }, { kind: "fastOpenExp", cookie: b("aabb") }, { kind: "md5", digest: zeros(16) }, NOP, NOP])), {}],
  ["ECN codepoint, urgent pointer, flags", packet({ ...V4, tos: 2 }, { ...tcp(0x10 | 0x20 | 0x08, 1, 1), urgent: 5 }, zeros(3)), { direction: "<" }],
  ["SYN with ECE+CWR+AE, tos and flowlabel", packet({ ...V6, trafficClass: 0xb9, flowLabel: 0x12345 }, tcp(0x1c2, 0, 0)), {}],
  ["tuple with addresses (IPv4 and IPv6)", packet(V4, tcp(0x11, 5, 6)), { tuple: "addresses" }],
  ["IPv6 tuple", packet(V6, tcp(0x11, 5, 6)), { tuple: "addresses", window: false }],
  ["UDP with ports", packet({ ...V4, protocol: 17 }, { kind: "udp", srcPort: 53, dstPort: 40000 }, zeros(20)), { tuple: "ports", direction: ">" }],
  ["ICMP port unreachable echoing UDP", packet({ ...V4, protocol: 1 }, icmpErr(4, 3, 3, 0, emitPacket(packet({ ...V4, protocol: 17 }, { kind: "udp", srcPort: 40000, dstPort: 53 }, zeros(12))).subarray(0, 28))), { direction: "<" }],
  ["ICMP frag_needed echoing TCP", packet({ ...V4, protocol: 1 }, icmpErr(4, 3, 4, 800, emitPacket(packet(V4, tcp(0x10, 12345, 1))).subarray(0, 28))), { direction: "<" }],
  ["ICMPv6 packet_too_big", packet({ ...V6, nextHeader: 58 }, icmpErr(6, 2, 0, 1280, emitPacket(packet(V6, tcp(0x10, 7, 1))).subarray(0, 48))), {}],
  ["ICMP echo request", packet({ ...V4, protocol: 1 }, { kind: "icmp", version: 4, type: 8, code: 0, body: { kind: "echo", identifier: 7, sequence: 1, data: zeros(8) } }), {}],
  ["GRE + MPLS encapsulation", { encaps: [{ ...V4, protocol: 47, src: ip("10.0.0.1"), dst: ip("10.0.0.2") }, { kind: "gre", flags: 0, protocol: 0x8847, hasChecksum: false }, { kind: "mpls", entries: [{ label: 16, tc: 0, bottom: true, ttl: 64 }] }], ip: V4, l4: tcp(0x10, 1, 1), payload: zeros(0) }, { direction: "<" }],
  ["GRE with key and checksum", { encaps: [{ ...V6, nextHeader: 47 }, { kind: "gre", flags: 0, protocol: 0x0800, hasChecksum: true, offset: 0, key: 9, sequence: 3 }], ip: V4, l4: tcp(0x10, 1, 1), payload: zeros(0) }, {}],
  ["other upper layer", packet({ ...V4, protocol: 132 }, { kind: "other", protocol: 132 }, zeros(16)), {}],
];

function icmpErr(version: 4 | 6, type: number, code: number, rest: number, invoking: Uint8Array): IcmpRepr {
  return { kind: "icmp", version, type, code, body: { kind: "error", rest, invoking } };
}

describe("wire: .pkt one-line dumps", () => {
  it("match test/golden/dumps.txt (through emit and parse)", () => {
    const lines = CASES.map(([name, p, ctx]) => {
      const parsed = parsePacket(emitPacket(p));
      if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.error)}`);
      return `# ${name}\n${formatPacket(parsed.value, ctx)}\n`;
    });
    expectGolden("dumps.txt", lines.join(""));
  });

  it("prints the task's example SYN/ACK exactly", () => {
    const p = packet(V4, tcp(0x12, 0, 0, [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 1, tsEcr: 0 }, NOP, { kind: "wscale", shift: 7 }, mp({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: 2n })]));
    expect(formatPacket(p)).to.equal("S. 0:0(0) ack 0 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,mpcapable v1 flags[flag_h] key[skey=0x0000000000000002]>");
  });

  it("relative seq/ack wrap modulo 2^32", () => {
    const p = packet(V4, tcp(0x10, 5, 3), zeros(10));
    expect(formatPacket(p, { seqBase: seqNum(0xfffffffe), ackBase: seqNum(4) })).to.equal(". 7:17(10) ack 4294967295 win 65535");
  });
});
