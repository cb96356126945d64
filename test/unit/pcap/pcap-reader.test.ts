import { expect } from "chai";
import fc from "fast-check";
import type { CaptureItem, CapturedPacket } from "../../../src/wire/pcap/captured-packet.ts";
import { detectCaptureFormat, readCapture } from "../../../src/wire/pcap/capture-format.ts";
import { parsePcapFileHeader, readPcap } from "../../../src/wire/pcap/pcap-reader.ts";
import { emitPcapFile, type PcapWriteRecord } from "../../../src/wire/pcap/pcap-writer.ts";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

// A little-endian µs file with one raw-IP record: ts 1.000002, 4 bytes captured of 60.
const LE_US = hex(`
  d4c3b2a1 0200 0400 00000000 00000000 ffff0000 65000000
  01000000 02000000 04000000 3c000000 45000028`);
// The same in big-endian, nanosecond magic, ts 1.000000002.
const BE_NS = hex(`
  a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065
  00000001 00000002 00000004 0000003c 45000028`);

function packets(items: Iterable<CaptureItem>): CapturedPacket[] {
  return [...items].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
}
function errors(items: Iterable<CaptureItem>): string[] {
  return [...items].flatMap((i) => (i.kind === "error" ? [`${i.error.code}@${i.error.offset}`] : []));
}

describe("pcap reader", () => {
  it("deconstructs a little-endian microsecond file", () => {
    const header = parsePcapFileHeader(LE_US);
    expect(header).to.deep.equal({ ok: true, value: { littleEndian: true, precision: "us", versionMajor: 2, versionMinor: 4, snapLen: 65535, linkType: 101 } });
    const [p] = packets(readPcap(LE_US));
    expect(p).to.include({ number: 1, fileOffset: 24, dataOffset: 40, linkType: 101, tsSec: 1, tsNsec: 2000, originalLength: 60 });
    expect([...(p?.data ?? [])]).to.deep.equal([0x45, 0, 0, 0x28]);
  });
  it("deconstructs a big-endian nanosecond file", () => {
    const [p] = packets(readPcap(BE_NS));
    expect(p).to.include({ tsSec: 1, tsNsec: 2, linkType: 101, originalLength: 60 });
    expect(detectCaptureFormat(BE_NS)).to.equal("pcap-ns");
    expect(detectCaptureFormat(LE_US)).to.equal("pcap");
  });
  it("drops the FCS bits of the link-type word", () => {
    const bytes = LE_US.slice();
    bytes[23] = 0x10;
    expect(parsePcapFileHeader(bytes)).to.have.nested.property("value.linkType", 101);
  });
  it("reports a bad magic at offset 0", () => {
    expect(errors(readPcap(hex("0badf00d".padEnd(48, "0"))))).to.deep.equal(["pcap-bad-magic@0"]);
  });
  it("reports a truncated file header", () => {
    expect(errors(readPcap(LE_US.subarray(0, 10)))).to.deep.equal(["pcap-truncated-header@0"]);
  });
  it("reports a truncated record after the good ones", () => {
    const two = new Uint8Array([...LE_US, ...LE_US.subarray(24, 24 + 18)]);
    expect(packets(readPcap(two))).to.have.length(1);
    expect(errors(readPcap(two))).to.deep.equal(["pcap-truncated-record@60"]);
    expect(errors(readPcap(new Uint8Array([...LE_US, 1, 2, 3])))).to.deep.equal(["pcap-truncated-record@44"]);
  });
  it("reports an implausible captured length", () => {
    const bad = LE_US.slice();
    bad[24 + 11] = 0x7f;
    expect(errors(readPcap(bad))).to.deep.equal(["pcap-bad-record-length@32"]);
  });
  it("reads through readCapture by magic", () => {
    expect(packets(readCapture(BE_NS))).to.have.length(1);
  });
});

const recordArb = fc.record({
  tsSec: fc.integer({ min: 0, max: 0xffffffff }),
  tsNsec: fc.integer({ min: 0, max: 999_999_999 }),
  data: fc.uint8Array({ maxLength: 80 }),
  originalLength: fc.integer({ min: 0, max: 0xffffffff }),
});

describe("pcap writer", () => {
  it("constructs the fixture bytes", () => {
    const rec: PcapWriteRecord = { tsSec: 1, tsNsec: 2000, data: hex("45000028"), originalLength: 60 };
    expect(emitPcapFile({ linkType: 101, snapLen: 65535 }, [rec])).to.deep.equal(LE_US);
    const ns: PcapWriteRecord = { ...rec, tsNsec: 2 };
    expect(emitPcapFile({ linkType: 101, snapLen: 65535, precision: "ns", littleEndian: false }, [ns])).to.deep.equal(BE_NS);
  });
  it("round-trips any records in both precisions and byte orders", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 8 }), fc.constantFrom("us" as const, "ns" as const), fc.boolean(), (recs, precision, littleEndian) => {
        const file = emitPcapFile({ linkType: 1, precision, littleEndian }, recs);
        const back = packets(readPcap(file));
        expect(errors(readPcap(file))).to.deep.equal([]);
        expect(back.map((p) => ({ tsSec: p.tsSec, tsNsec: p.tsNsec, data: [...p.data], originalLength: p.originalLength }))).to.deep.equal(
          recs.map((r) => ({ tsSec: r.tsSec, tsNsec: precision === "ns" ? r.tsNsec : Math.floor(r.tsNsec / 1000) * 1000, data: [...r.data], originalLength: r.originalLength })),
        );
      }),
    );
  });
  it("never throws on arbitrary or damaged bytes", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.nat(255))), fc.nat(), (recs, flips, cut) => {
        const file = emitPcapFile({ linkType: 1 }, recs);
        for (const [at, v] of flips) if (file.length) file[at % file.length] = v;
        const items = [...readPcap(file.subarray(0, file.length ? cut % (file.length + 1) : 0))];
        expect(items.filter((i) => i.kind === "error").length).to.be.at.most(1);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void [...readCapture(bytes)]));
  });
});
