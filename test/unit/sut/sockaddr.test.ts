import { expect } from "chai";
import fc from "fast-check";
import {
  decodeSockaddr, encodeSockaddr, formatIpv6, parseIpv4, parseIpv6, sockaddrIn, sockaddrIn6, sockaddrV4Mapped,
} from "../../../src/sut/kernel-tun/sockaddr.ts";

describe("sut/kernel-tun sockaddr", () => {
  it("encodes sockaddr_in: family LE, port and address in network order", () => {
    const b = encodeSockaddr(sockaddrIn("192.168.0.2", 8080))!;
    expect(Array.from(b)).to.deep.equal([2, 0, 0x1f, 0x90, 192, 168, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeSockaddr(b, b.length)).to.deep.equal(sockaddrIn("192.168.0.2", 8080));
  });

  it("encodes v4-mapped sockaddr_in6 (28 bytes) and decodes it back", () => {
    const sa = sockaddrV4Mapped("192.0.2.1", 40000);
    const b = encodeSockaddr(sa)!;
    expect(b.length).to.equal(28);
    expect(Array.from(b.subarray(0, 4))).to.deep.equal([10, 0, 0x9c, 0x40]);
    expect(Array.from(b.subarray(8, 24))).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
    expect(decodeSockaddr(b, 28)).to.deep.equal(sa);
  });

  it("parses IPv6 text forms", () => {
    expect(Array.from(parseIpv6("::1")!)).to.deep.equal([...Array(15).fill(0), 1]);
    expect(formatIpv6(parseIpv6("2001:DB8::1")!)).to.equal("2001:db8::1");
    expect(formatIpv6(parseIpv6("fd3d:fa7b:d17d::0")!)).to.equal("fd3d:fa7b:d17d::");
    expect(formatIpv6(parseIpv6("::ffff:10.0.0.1")!)).to.equal("::ffff:10.0.0.1");
    expect(parseIpv6("1::2::3")).to.equal(null);
    expect(parseIpv6("1:2:3")).to.equal(null);
    expect(parseIpv4("256.1.1.1")).to.equal(null);
  });

  it("rejects an address of the wrong family", () => {
    expect(encodeSockaddr(sockaddrIn("::1", 1))).to.equal(null);
    expect(encodeSockaddr(sockaddrIn6("1.2.3.4", 1))).to.equal(null);
  });

  it("round-trips any 16 address bytes through format and parse", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      expect(Array.from(parseIpv6(formatIpv6(b))!)).to.deep.equal(Array.from(b));
    }));
  });
});
