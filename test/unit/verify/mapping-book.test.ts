// MappingBook: repeats vs changed mappings, coverage, and payload assembly across segments.
import { expect } from "chai";
import { MappingBook, mappedDataLen } from "../../../src/verify/mapping-book.ts";

const m = (ssn: number, dsn: bigint, dll: number, fin = false, frame = 1) => ({ ssn, dsn, dll, fin, frame });

describe("verify: MappingBook", () => {
  it("tells a repeat from a change, and accepts an overlap with the same DSN offset", () => {
    const b = new MappingBook();
    expect(b.add(m(1, 100n, 10)).kind).to.equal("new");
    expect(b.add(m(1, 100n, 10, false, 2)).kind).to.equal("repeat");
    expect(b.add(m(1, 101n, 10)).kind).to.equal("conflict");
    expect(b.add(m(1, 100n, 12)).kind).to.equal("conflict");
    expect(b.add(m(5, 104n, 20)).kind).to.equal("new");
    expect(b.add(m(8, 200n, 4)).kind).to.equal("conflict");
    expect(b.add(m(11, 200n, 4)).kind).to.equal("conflict");
    expect(b.add(m(25, 124n, 4)).kind).to.equal("new");
  });

  it("covers a range only when mappings leave no gap; the DATA_FIN octet has no subflow byte", () => {
    const b = new MappingBook();
    b.add(m(1, 100n, 10));
    b.add(m(11, 110n, 6, true));
    expect(mappedDataLen(m(11, 110n, 6, true))).to.equal(5);
    expect(b.covers(1, 16)).to.equal(true);
    expect(b.covers(1, 17)).to.equal(false);
    expect(b.covers(0, 2)).to.equal(false);
  });

  it("assembles a mapping from segments in any order, once, and gives up at the end", () => {
    const b = new MappingBook();
    const e = m(1, 100n, 6);
    expect(b.expectPayload(e, 0xabcd, 7)).to.deep.equal([]);
    expect(b.expectPayload(e, 0xabcd, 8)).to.deep.equal([]);
    expect(b.feed(4, Uint8Array.of(4, 5, 6), false, 9)).to.deep.equal([]);
    const [done] = b.feed(1, Uint8Array.of(1, 2, 3), false, 7);
    expect(done?.frame).to.equal(7);
    expect(done?.frames).to.deep.equal([9, 7]);
    expect(done?.payload).to.deep.equal(Uint8Array.of(1, 2, 3, 4, 5, 6));
    b.expectPayload(m(7, 106n, 4), 1, 10);
    b.feed(7, Uint8Array.of(1), true, 10);
    expect(b.close().map((a) => a.payload)).to.deep.equal([{ skipped: "mapped payload not all in the capture" }]);
  });
});
