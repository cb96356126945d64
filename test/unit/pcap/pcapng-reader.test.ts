import { expect } from "chai";
import fc from "fast-check";
import type { CaptureItem, CapturedPacket } from "../../../src/wire/pcap/captured-packet.ts";
import { detectCaptureFormat, readCapture } from "../../../src/wire/pcap/capture-format.ts";
import { readPcapng, timestamp } from "../../../src/wire/pcap/pcapng-reader.ts";
import { emitPcapngFile, emitPcapngInterface, emitPcapngPacket, emitPcapngSection, type PcapngWritePacket } from "../../../src/wire/pcap/pcapng-writer.ts";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

// Big-endian: SHB; IDB 0 Ethernet (µs); IDB 1 raw, if_name "v1", if_tsresol 9 (ns);
// an unknown block 0x0bad (skipped); EPB on if 1 at ts 1_000_000_002 ns; SPB of 2 bytes.
const BE_FILE = hex(`
  0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c
  00000001 00000014 0001 0000 00040000 00000014
  00000001 00000028 0065 0000 0000ffff 0002 0002 76310000 0009 0001 09000000 0000 0000 00000028
  00000bad 00000010 deadbeef 00000010
  00000006 00000024 00000001 00000000 3b9aca02 00000003 00000028 450000 00 00000024
  00000003 00000014 00000002 abcd0000 00000014`);

function packets(items: Iterable<CaptureItem>): CapturedPacket[] {
  return [...items].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
}
function errors(items: Iterable<CaptureItem>): string[] {
  return [...items].flatMap((i) => (i.kind === "error" ? [`${i.error.code}@${i.error.offset}`] : []));
}

describe("pcapng reader", () => {
  it("deconstructs a big-endian file with two interfaces, an unknown block, an EPB and an SPB", () => {
    expect(detectCaptureFormat(BE_FILE)).to.equal("pcapng");
    expect(errors(readPcapng(BE_FILE))).to.deep.equal([]);
    const [epb, spb] = packets(readPcapng(BE_FILE));
    expect(epb).to.include({ number: 1, interfaceId: 1, linkType: 101, tsSec: 1, tsNsec: 2, hasTimestamp: true, originalLength: 40 });
    expect([...(epb?.data ?? [])]).to.deep.equal([0x45, 0, 0]);
    expect(spb).to.include({ number: 2, interfaceId: 0, linkType: 1, hasTimestamp: false, originalLength: 2 });
    expect([...(spb?.data ?? [])]).to.deep.equal([0xab, 0xcd]);
  });
  it("is constructed byte for byte by the writer", () => {
    const file = new Uint8Array([
      ...emitPcapngSection(false),
      ...emitPcapngInterface({ linkType: 1 }, false),
      ...emitPcapngInterface({ linkType: 101, snapLen: 65535, name: "v1", tsResol: 9 }, false),
      ...hex("00000bad 00000010 deadbeef 00000010"),
      ...emitPcapngPacket({ interfaceId: 1, timestamp: 1_000_000_002n, data: hex("450000"), originalLength: 40 }, false),
      ...emitPcapngPacket({ interfaceId: 0, timestamp: 0n, data: hex("abcd"), simple: true }, false),
    ]);
    expect(Buffer.from(file).toString("hex")).to.equal(Buffer.from(BE_FILE).toString("hex"));
  });
  it("converts power-of-two and offset timestamps", () => {
    expect(timestamp({ unitsPerSecond: 1n << 10n, tsOffsetSec: 100 }, 0, 1024 + 512)).to.deep.equal([101, 500_000_000]);
    expect(timestamp({ unitsPerSecond: 1_000_000n, tsOffsetSec: 0 }, 0x5f, 0x12345678)).to.deep.equal([Math.floor((0x5f * 2 ** 32 + 0x12345678) / 1e6), ((0x5f * 2 ** 32 + 0x12345678) % 1e6) * 1000]);
    expect(timestamp({ unitsPerSecond: 1_000_000_000n, tsOffsetSec: 0 }, 0x17f00000, 7)).to.deep.equal([Number(((0x17f00000n << 32n) | 7n) / 1_000_000_000n), Number(((0x17f00000n << 32n) | 7n) % 1_000_000_000n)]);
  });
  it("starts over with a second section in the other byte order", () => {
    const a = emitPcapngFile([{ linkType: 1 }], [{ interfaceId: 0, timestamp: 5n, data: hex("01") }], true);
    const b = emitPcapngFile([{ linkType: 276 }, { linkType: 101 }], [{ interfaceId: 1, timestamp: 7n, data: hex("02") }], false);
    const got = packets(readPcapng(new Uint8Array([...a, ...b])));
    expect(got.map((p) => [p.number, p.linkType, p.interfaceId, p.tsNsec])).to.deep.equal([[1, 1, 0, 5000], [2, 101, 1, 7000]]);
  });
  it("reports a packet on an undescribed interface and keeps going", () => {
    const file = emitPcapngFile([{ linkType: 1 }], [
      { interfaceId: 3, timestamp: 1n, data: hex("01") },
      { interfaceId: 0, timestamp: 2n, data: hex("02") },
    ]);
    expect(errors(readPcapng(file))).to.deep.equal(["pcapng-unknown-interface@56"]);
    expect(packets(readPcapng(file)).map((p) => p.number)).to.deep.equal([2]);
  });
  it("reports a mismatched trailing length and still reads the block", () => {
    const file = emitPcapngFile([{ linkType: 1 }], [{ interfaceId: 0, timestamp: 1n, data: hex("01") }]);
    file[file.length - 1] = 0x99;
    expect(errors(readPcapng(file))).to.deep.equal([`pcapng-bad-block-length@${file.length - 4}`]);
    expect(packets(readPcapng(file))).to.have.length(1);
  });
  it("reports a captured length larger than its block", () => {
    const file = emitPcapngFile([{ linkType: 1 }], [{ interfaceId: 0, timestamp: 1n, data: hex("01") }]);
    file[48 + 20] = 0x40;
    expect(errors(readPcapng(file))).to.deep.equal(["pcapng-bad-block-length@68"]);
  });
  it("stops at a truncated block, a bad byte order or a block before any section", () => {
    const file = emitPcapngFile([{ linkType: 1 }], [{ interfaceId: 0, timestamp: 1n, data: hex("01020304") }]);
    expect(errors(readPcapng(file.subarray(0, file.length - 3)))).to.deep.equal(["pcapng-truncated-block@48"]);
    expect(errors(readPcapng(file.subarray(0, 50)))).to.deep.equal(["pcapng-truncated-block@48"]);
    const badOrder = file.slice();
    badOrder[8] = 0;
    expect(errors(readPcapng(badOrder))).to.deep.equal(["pcapng-bad-byte-order@8"]);
    expect(errors(readPcapng(file.subarray(28)))).to.deep.equal(["pcapng-no-section@0"]);
  });
  it("reports an option that overruns its block and keeps the interface", () => {
    const file = emitPcapngFile([{ linkType: 1, name: "eth0" }], [{ interfaceId: 0, timestamp: 1n, data: hex("01") }]);
    file[28 + 16 + 3] = 0xff;
    expect(errors(readPcapng(file))).to.deep.equal(["pcapng-bad-option@44"]);
    expect(packets(readPcapng(file))).to.have.length(1);
  });
});

const packetArb = fc.record({
  interfaceId: fc.integer({ min: 0, max: 2 }),
  timestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  data: fc.uint8Array({ maxLength: 70 }),
});

describe("pcapng round trip", () => {
  it("parse(emit(packets)) gives the packets back on three interfaces, both byte orders", () => {
    const resols = [6, 9, 0x83];
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 8 }), fc.boolean(), (pkts: PcapngWritePacket[], le) => {
        const ifaces = resols.map((r, i) => ({ linkType: [1, 101, 276][i] ?? 1, tsResol: r, name: `if${i}` }));
        const file = emitPcapngFile(ifaces, pkts, le);
        const items = [...readPcapng(file)];
        expect(errors(items)).to.deep.equal([]);
        const units = [1_000_000n, 1_000_000_000n, 8n];
        expect(packets(items).map((p) => [p.interfaceId, p.tsSec, p.tsNsec, [...p.data]])).to.deep.equal(
          pkts.map((p) => {
            const u = units[p.interfaceId] ?? 1n;
            return [p.interfaceId, Number(p.timestamp / u), Number(((p.timestamp % u) * 1_000_000_000n) / u), [...p.data]];
          }),
        );
      }),
    );
  });
  it("never throws on damaged files", () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }), fc.nat(), (pkts, flips, cut) => {
        const file = emitPcapngFile([{ linkType: 1 }, { linkType: 113 }, { linkType: 101, tsResol: 9 }], pkts);
        for (const [at, v] of flips) file[at % file.length] = v;
        void [...readCapture(file.subarray(0, cut % (file.length + 1)))];
      }),
    );
  });
});
