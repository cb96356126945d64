// Checksums (RFC 1071, pseudo-headers, DSS) and the wrapping sequence-number helpers.
import { expect } from "chai";
import fc from "fast-check";
import { formatIpAddress, parseIpAddress } from "../../../src/wire/address.ts";
import { allZero, fromHex, setU16 } from "../../../src/wire/bytes.ts";
import { dssChecksum, finishChecksum, foldSum, internetChecksum, ipv4HeaderChecksum, l4Checksum, onesSum, pseudoHeaderSum } from "../../../src/wire/checksum.ts";
import { expandDataSeq32, seqAdd, seqDiff, seqInWindow, seqLe, seqLt, seqGt, seqNum, seqOffset, dataSeqLt } from "../../../src/wire/seq.ts";

describe("wire: checksums", () => {
  it("RFC 1071 §3 example sums to 0xddf2 (checksum 0x220d)", () => {
    const b = fromHex("0001f203f4f5f6f7") as Uint8Array;
    expect(finishChecksum(onesSum(b))).to.equal(~0xddf2 & 0xffff);
    expect(internetChecksum(b)).to.equal(0x220d);
  });

  it("the 32-bit word sum equals the 16-bit RFC 1071 sum at any offset, length and alignment", () => {
    const naive = (b: Uint8Array, start: number, end: number): number => {
      let sum = 0;
      for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
      return sum;
    };
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000, size: "max" }), fc.nat(7), fc.nat(), fc.nat(), (raw, shift, x, y) => {
      const b = raw.subarray(Math.min(shift, raw.length));
      const start = b.length === 0 ? 0 : x % b.length;
      const end = start + (b.length === start ? 0 : y % (b.length - start + 1));
      expect(finishChecksum(onesSum(b, start, end))).to.equal(finishChecksum(naive(b, start, end)));
    }), { numRuns: 2000 });
    const ones = new Uint8Array(65536).fill(0xff);
    expect(finishChecksum(onesSum(ones))).to.equal(0);
    expect(foldSum(onesSum(ones))).to.equal(0xffff);
  });

  it("allZero finds a single set byte at any offset, length and alignment", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), fc.nat(7), fc.nat(), fc.boolean(), (len, shift, at, set) => {
      const b = new Uint8Array(len + 8).subarray(shift, shift + len);
      if (set && len > 0) b[at % len] = 1 << (at % 8);
      expect(allZero(b)).to.equal(!(set && len > 0));
    }), { numRuns: 2000 });
  });

  it("pads an odd trailing byte with zero", () => {
    expect(internetChecksum(Uint8Array.of(0x12))).to.equal(~0x1200 & 0xffff);
  });

  it("IPv4 header checksum of a known header (0xb861, Wikipedia example)", () => {
    const h = fromHex("450000730000400040110000c0a80001c0a800c7") as Uint8Array;
    expect(ipv4HeaderChecksum(h)).to.equal(0xb861);
    setU16(h, 10, 0xb861);
    expect(internetChecksum(h)).to.equal(0);
    expect(ipv4HeaderChecksum(h)).to.equal(0xb861);
  });

  it("TCP over IPv4 and IPv6 pseudo-headers: a segment holding its checksum verifies to 0", () => {
    fc.assert(fc.property(fc.boolean(), fc.uint8Array({ minLength: 20, maxLength: 80 }), (v6, seg) => {
      const src = new Uint8Array(v6 ? 16 : 4).fill(1);
      const dst = new Uint8Array(v6 ? 16 : 4).fill(2);
      const cs = l4Checksum(src, dst, 6, seg, 16);
      const s = seg.slice();
      setU16(s, 16, cs);
      expect(finishChecksum(pseudoHeaderSum(src, dst, 6, s.length) + onesSum(s))).to.equal(0);
    }));
  });

  it("DSS checksum KAT (rfc8684.md §5.3): DSN 0x100000001, SSN 1, DLL 12, 'hello world!' = 0x6e01", () => {
    const payload = new TextEncoder().encode("hello world!");
    expect(dssChecksum(0x0000000100000001n, 1, 12, payload)).to.equal(0x6e01);
    // Re-summing with the checksum in place gives 0.
    const pseudo = fromHex("00000001000000010000000100" + "0c6e01") as Uint8Array;
    expect(finishChecksum(onesSum(pseudo) + onesSum(payload))).to.equal(0);
  });
});

describe("wire: sequence spaces", () => {
  it("wraps add/sub/diff modulo 2^32", () => {
    const a = seqNum(0xfffffff0);
    expect(seqAdd(a, 0x20)).to.equal(0x10);
    expect(seqDiff(seqNum(0x10), a)).to.equal(0x20);
    expect(seqOffset(seqNum(0x10), a)).to.equal(0x20);
    expect(seqLt(a, seqNum(0x10))).to.equal(true);
    expect(seqGt(seqNum(0x10), a)).to.equal(true);
    expect(seqLe(a, a)).to.equal(true);
    expect(seqInWindow(seqNum(5), a, seqNum(0x10))).to.equal(true);
    expect(seqInWindow(seqNum(0x10), a, seqNum(0x10))).to.equal(false);
  });

  it("seqLt is antisymmetric away from the 2^31 ambiguity", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (x, d) => {
      const a = seqNum(x);
      const b = seqAdd(a, d);
      expect(seqLt(a, b)).to.equal(true);
      expect(seqLt(b, a)).to.equal(false);
    }));
  });

  it("expands 32-bit DSNs near a 64-bit reference, across the 2^32 boundary", () => {
    expect(expandDataSeq32(0x10, 0x1fffffff0n)).to.equal(0x200000010n);
    expect(expandDataSeq32(0xfffffff0, 0x200000010n)).to.equal(0x1fffffff0n);
    expect(dataSeqLt(0xffffffffffffffffn, 1n)).to.equal(true);
  });

  it("IPv4/IPv6 address text round trip, RFC 5952 compression", () => {
    expect(formatIpAddress(parseIpAddress("2001:0db8:0:0:1:0:0:1") as Uint8Array)).to.equal("2001:db8::1:0:0:1");
    expect(formatIpAddress(parseIpAddress("::ffff:192.0.2.1") as Uint8Array)).to.equal("::ffff:c000:201");
    expect(formatIpAddress(parseIpAddress("192.0.2.1") as Uint8Array)).to.equal("192.0.2.1");
    expect(parseIpAddress("1::2::3")).to.equal(undefined);
    expect(parseIpAddress("256.1.1.1")).to.equal(undefined);
  });
});
