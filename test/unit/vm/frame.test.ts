import { expect } from "chai";
import fc from "fast-check";
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from "../../../src/runner/vm/frame.ts";

describe("vm host-port framing", () => {
  it("round-trips messages with bigints, split at every byte", () => {
    const msgs = [{ type: "job", job: { id: 1, key: 0x0123456789abcdefn, s: "é" } }, "mptcpdrill-attach", { type: "done", id: 1 }];
    const bytes = Buffer.concat(msgs.map(encodeFrame));
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new FrameDecoder();
      const got = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      expect(got).to.deep.equal(msgs);
      expect(d.broken).to.equal(null);
    }
  });

  it("waits for the rest of a frame", () => {
    const d = new FrameDecoder();
    const f = encodeFrame({ a: 1 });
    expect(d.push(f.subarray(0, 3))).to.deep.equal([]);
    expect(d.push(f.subarray(3, 6))).to.deep.equal([]);
    expect(d.push(f.subarray(6))).to.deep.equal([{ a: 1 }]);
  });

  it("reports an oversized length and then decodes nothing", () => {
    const d = new FrameDecoder();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(d.push(head)).to.deep.equal([]);
    expect(d.broken).to.match(/exceeds the limit/);
    expect(d.push(encodeFrame(1))).to.deep.equal([]);
  });

  it("reports an undecodable body instead of throwing", () => {
    const d = new FrameDecoder();
    expect(d.push(Buffer.from([0, 0, 0, 2, 0xff, 0x0f]))).to.deep.equal([]);
    expect(d.broken).to.match(/undecodable frame/);
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      new FrameDecoder().push(b);
    }));
  });
});
