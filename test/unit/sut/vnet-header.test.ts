import { expect } from "chai";
import { emitPacket, packet, parseIpAddress } from "../../../src/wire/index.ts";
import {
  VNET_F_NEEDS_CSUM, VNET_GSO, VNET_HDR_LEN, completeChecksum, decodeOutboundFrame, emitVnetHeader,
  injectHeader, parseVnetHeader, pseudoHeaderChecksumForGso,
} from "../../../src/sut/kernel-tun/vnet-header.ts";

function tcpPacket(v6: boolean, payload = 0): Uint8Array {
  const src = parseIpAddress(v6 ? "2001:db8::1" : "192.0.2.1")!;
  const dst = parseIpAddress(v6 ? "fd3d::2" : "192.168.0.2")!;
  const ip = v6
    ? { kind: "ipv6" as const, trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 6, src, dst, extensions: [] }
    : { kind: "ipv4" as const, tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 6, src, dst, options: new Uint8Array() };
  const tcp = { kind: "tcp" as const, srcPort: 8080, dstPort: 40000, seq: 1000 as never, ack: 1 as never, flags: 0x18, window: 500, urgent: 0, options: [] };
  return emitPacket(packet(ip, tcp, new Uint8Array(payload).map((_, i) => i * 7)));
}

describe("sut/kernel-tun vnet header", () => {
  it("emits and parses the 10-byte header little endian", () => {
    const h = { flags: 1, gsoType: VNET_GSO.TCPV4 | VNET_GSO.ECN, hdrLen: 52, gsoSize: 1448, csumStart: 20, csumOffset: 16 };
    const buf = new Uint8Array(VNET_HDR_LEN);
    emitVnetHeader(h, buf);
    expect(Array.from(buf)).to.deep.equal([1, 0x81, 52, 0, 0xa8, 0x05, 20, 0, 16, 0]);
    expect(parseVnetHeader(buf)).to.deep.equal(h);
    expect(parseVnetHeader(buf.subarray(0, 9))).to.equal(null);
  });

  for (const v6 of [false, true]) {
    it(`completes a partial TCP checksum like a device (${v6 ? "IPv6" : "IPv4"}, odd payload)`, () => {
      const full = tcpPacket(v6, 33);
      const ipLen = v6 ? 40 : 20;
      const partial = full.slice();
      pseudoHeaderChecksumForGso(partial);
      expect(partial.subarray(ipLen + 16, ipLen + 18)).to.not.deep.equal(full.subarray(ipLen + 16, ipLen + 18));
      expect(completeChecksum(partial, ipLen, 16)).to.equal(true);
      expect(Array.from(partial)).to.deep.equal(Array.from(full));
    });
  }

  it("strips the header and reports GSO metadata on an outbound frame", () => {
    const pkt = tcpPacket(false, 3000);
    const partial = pkt.slice();
    pseudoHeaderChecksumForGso(partial);
    const frame = new Uint8Array(VNET_HDR_LEN + pkt.length);
    emitVnetHeader({ flags: VNET_F_NEEDS_CSUM, gsoType: VNET_GSO.TCPV4, hdrLen: 40, gsoSize: 1448, csumStart: 20, csumOffset: 16 }, frame);
    frame.set(partial, VNET_HDR_LEN);
    const out = decodeOutboundFrame(frame, 123);
    expect(out?.gso).to.deep.equal({ kind: "tcpv4", size: 1448, ecn: false });
    expect(out?.checksumCompleted).to.equal(true);
    expect(Array.from(out!.bytes)).to.deep.equal(Array.from(pkt));
    expect(out?.timestampUs).to.equal(123);
  });

  it("refuses checksum offsets outside the packet", () => {
    expect(completeChecksum(new Uint8Array(30), 20, 16)).to.equal(false);
  });

  it("builds plain and GSO inject headers", () => {
    const pkt = tcpPacket(true, 10);
    expect(injectHeader(pkt, undefined)).to.deep.equal({ flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 });
    expect(injectHeader(pkt, 1000)).to.deep.equal({ flags: VNET_F_NEEDS_CSUM, gsoType: VNET_GSO.TCPV6, hdrLen: 60, gsoSize: 1000, csumStart: 40, csumOffset: 16 });
  });
});
