// IPv4, IPv6 (extension chain), UDP, ICMPv4/v6, GRE, MPLS and whole-packet fixtures:
// deconstruct, construct, parse, emit, truncated, malformed, keep-given-values.
import { expect } from "chai";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { fromHex, toHex } from "../../../src/wire/bytes.ts";
import { internetChecksum } from "../../../src/wire/checksum.ts";
import { type IcmpRepr, icmpMtu, parseIcmpInvoking } from "../../../src/wire/icmp.ts";
import { type Ipv4Repr, Ipv4View, parseIpv4 } from "../../../src/wire/ipv4.ts";
import { type Ipv6Repr, parseIpv6 } from "../../../src/wire/ipv6.ts";
import { parseMpls } from "../../../src/wire/mpls.ts";
import { type PacketRepr, emitPacket, packet, parsePacket, verifyChecksums } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import type { TcpRepr } from "../../../src/wire/tcp.ts";
import { parseUdp } from "../../../src/wire/udp.ts";

const b = (h: string): Uint8Array => fromHex(h.replace(/ /g, "")) as Uint8Array;
const ip = (s: string): Uint8Array => parseIpAddress(s) as Uint8Array;

const V4: Ipv4Repr = { kind: "ipv4", tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 255, protocol: 6, src: ip("192.0.2.1"), dst: ip("192.168.0.2"), options: new Uint8Array(0) };
const V6: Ipv6Repr = { kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 6, src: ip("2001:db8::1"), dst: ip("2001:db8::2"), extensions: [] };
const ACK: TcpRepr = { kind: "tcp", srcPort: 8080, dstPort: 40000, seq: seqNum(1), ack: seqNum(1), flags: 0x10, window: 256, urgent: 0, options: [] };

describe("wire: IPv4", () => {
  // Wikipedia's UDP/IPv4 example header, checksum 0xb861, total length 0x73.
  const HDR = b("4500 0073 0000 4000 4011 b861 c0a80001 c0a800c7");
  const pkt = new Uint8Array(0x73);
  pkt.set(HDR);

  it("deconstructs and parses the fixture", () => {
    const v = Ipv4View.checked(pkt);
    if (!v.ok) throw new Error("view");
    expect([v.value.headerLen, v.value.totalLength, v.value.flags, v.value.ttl, v.value.protocol]).to.deep.equal([20, 0x73, 2, 64, 17]);
    expect(v.value.checksumValid).to.equal(true);
    const r = parseIpv4(pkt);
    expect(r.ok && r.value.checksum).to.equal(0xb861);
  });

  it("keeps options as bytes and pads them on emit", () => {
    const r: Ipv4Repr = { ...V4, protocol: 253, options: b("94040000") };
    const bytes = emitPacket(packet(r, { kind: "other", protocol: 253 }, b("ab")));
    expect(bytes[0]).to.equal(0x46);
    const p = parsePacket(bytes);
    expect(p.ok && toHex((p.value.ip as Ipv4Repr).options)).to.equal("94040000");
  });

  it("truncated and malformed headers", () => {
    expect(parseIpv4(pkt.subarray(0, 19))).to.deep.equal({ ok: false, error: { code: "truncated", offset: 0, field: "ipv4.header" } });
    expect(parseIpv4(pkt.subarray(0, 0x72))).to.deep.equal({ ok: false, error: { code: "truncated", offset: 2, field: "ipv4.totalLength" } });
    const ihl = pkt.slice();
    ihl[0] = 0x44;
    expect(parseIpv4(ihl)).to.deep.equal({ ok: false, error: { code: "bad-length", offset: 0, field: "ipv4.ihl" } });
    const ver = pkt.slice();
    ver[0] = 0x55;
    expect(parsePacket(ver)).to.deep.equal({ ok: false, error: { code: "bad-version", offset: 0, field: "ip.version" } });
  });
});

describe("wire: IPv6 extension headers", () => {
  it("skips hop-by-hop, routing, destination options and an atomic fragment to TCP", () => {
    const exts = [
      { type: 0, data: b("00 01040000 0000") },
      { type: 43, data: b("00 00000000 0000") },
      { type: 44, data: b("00 0000 12345678") },
      { type: 60, data: b("01 00000000 0000" + "0000000000000000") },
    ];
    const r: PacketRepr = packet({ ...V6, extensions: exts }, { ...ACK }, b("0102"));
    const bytes = emitPacket(r);
    expect(bytes[6]).to.equal(0);
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error(JSON.stringify(p.error));
    expect(p.value.l4.kind).to.equal("tcp");
    expect((p.value.ip as Ipv6Repr).extensions.map((e) => e.type)).to.deep.equal([0, 43, 44, 60]);
    expect((p.value.ip as Ipv6Repr).nextHeader).to.equal(6);
    expect(toHex(p.value.payload)).to.equal("0102");
    expect(verifyChecksums(p.value)).to.deep.equal({ l4: true });
  });

  it("a non-first fragment has no upper-layer header", () => {
    const r = packet({ ...V6, extensions: [{ type: 44, data: b("00 0010 12345678") }] }, { kind: "other", protocol: 6 }, b("00112233"));
    const p = parsePacket(emitPacket(r));
    expect(p.ok && p.value.l4).to.deep.equal({ kind: "other", protocol: 6 });
  });

  it("an extension that runs past the payload is truncated", () => {
    const bytes = emitPacket(packet({ ...V6, extensions: [{ type: 0, data: b("00 01040000 0000") }] }, ACK));
    bytes[41] = 9;
    expect(parseIpv6(bytes)).to.deep.equal({ ok: false, error: { code: "truncated", offset: 41, field: "ipv6.extension.length" } });
  });
});

describe("wire: UDP and ICMP", () => {
  it("UDP: computed length and checksum, 0 sent as 0xffff, short length field malformed", () => {
    const bytes = emitPacket(packet({ ...V4, protocol: 17 }, { kind: "udp", srcPort: 53, dstPort: 40000 }, b("00000000")));
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error("parse");
    expect(p.value.l4).to.include({ kind: "udp", length: 12 });
    expect(verifyChecksums(p.value).l4).to.equal(true);
    const bad = bytes.slice(20);
    bad[5] = 4;
    expect(parseUdp(bad)).to.deep.equal({ ok: false, error: { code: "bad-length", offset: 4, field: "udp.length" } });
  });

  it("ICMPv4 frag_needed carries the next-hop MTU and the invoking IP + 8 bytes", () => {
    const inner = emitPacket(packet(V4, ACK)).subarray(0, 28);
    const icmp: IcmpRepr = { kind: "icmp", version: 4, type: 3, code: 4, body: { kind: "error", rest: 1400, invoking: inner } };
    const bytes = emitPacket(packet({ ...V4, protocol: 1 }, icmp));
    expect(internetChecksum(bytes, 20)).to.equal(0);
    const p = parsePacket(bytes);
    if (!p.ok || p.value.l4.kind !== "icmp") throw new Error("parse");
    expect(icmpMtu(p.value.l4)).to.equal(1400);
    const body = p.value.l4.body;
    if (body.kind !== "error") throw new Error("body");
    const inv = parseIcmpInvoking(body.invoking);
    expect(inv.ok && [inv.value.srcPort, inv.value.dstPort, inv.value.tcpSeq]).to.deep.equal([8080, 40000, 1]);
  });

  it("ICMPv6 packet_too_big MTU and echo over the IPv6 pseudo-header", () => {
    const ptb: IcmpRepr = { kind: "icmp", version: 6, type: 2, code: 0, body: { kind: "error", rest: 1280, invoking: new Uint8Array(48) } };
    const p1 = parsePacket(emitPacket(packet({ ...V6, nextHeader: 58 }, ptb)));
    expect(p1.ok && p1.value.l4.kind === "icmp" && icmpMtu(p1.value.l4)).to.equal(1280);
    const echo: IcmpRepr = { kind: "icmp", version: 6, type: 128, code: 0, body: { kind: "echo", identifier: 7, sequence: 9, data: b("abcd") } };
    const p2 = parsePacket(emitPacket(packet({ ...V6, nextHeader: 58 }, echo)));
    if (!p2.ok) throw new Error("parse");
    expect(p2.value.l4).to.deep.include({ body: { kind: "echo", identifier: 7, sequence: 9, data: b("abcd") } });
    expect(verifyChecksums(p2.value).l4).to.equal(true);
  });
});

describe("wire: encapsulation and whole packets", () => {
  it("IPv4 > GRE (checksum, key) > MPLS > IPv4 > TCP", () => {
    const r: PacketRepr = {
      encaps: [
        { ...V4, protocol: 47, src: ip("10.0.0.1"), dst: ip("10.0.0.2") },
        { kind: "gre", flags: 0, protocol: 0x8847, hasChecksum: true, offset: 0, key: 42 },
        { kind: "mpls", entries: [{ label: 16, tc: 0, bottom: false, ttl: 64 }, { label: 17, tc: 1, bottom: true, ttl: 63 }] },
      ],
      ip: V4, l4: ACK, payload: b("aa"),
    };
    const bytes = emitPacket(r);
    expect(internetChecksum(bytes, 20, 20 + 12 + 8 + 20 + 21)).to.equal(0);
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error(JSON.stringify(p.error));
    expect(p.value.encaps.map((e) => e.kind)).to.deep.equal(["ipv4", "gre", "mpls"]);
    expect(p.value.l4).to.include({ srcPort: 8080, dstPort: 40000 });
    expect(emitPacket(p.value, { keepChecksums: true, keepLengths: true })).to.deep.equal(bytes);
  });

  it("an MPLS stack without a bottom entry is truncated", () => {
    expect(parseMpls(b("00010000"))).to.deep.equal({ ok: false, error: { code: "truncated", offset: 4, field: "mpls.entry" } });
  });

  it("keeps given checksums and lengths for malformed packets, and offsets errors to the packet", () => {
    const r = packet({ ...V4, checksum: 0x1234, totalLength: 40 }, { ...ACK, checksum: 0xbeef, dataOffset: 4 });
    const bytes = emitPacket(r, { keepChecksums: true, keepLengths: true });
    expect(toHex(bytes.subarray(10, 12))).to.equal("1234");
    expect(toHex(bytes.subarray(36, 38))).to.equal("beef");
    expect(parsePacket(bytes)).to.deep.equal({ ok: false, error: { code: "bad-length", offset: 32, field: "tcp.dataOffset" } });
    const computed = emitPacket(r);
    const p = parsePacket(emitPacket({ ...r, l4: { ...ACK, checksum: 0xbeef } }, { keepChecksums: true }));
    expect(p.ok && verifyChecksums(p.value)).to.deep.equal({ ipv4Header: false, l4: false });
    expect(toHex(computed.subarray(10, 12))).to.not.equal("1234");
  });
});
