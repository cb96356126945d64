// verify never throws: random byte flips and length changes in a clean synthetic capture.
import fc from "fast-check";
import { expect } from "chai";
import { verifyCapture } from "../../../src/verify/index.ts";
import type { CaptureItem } from "../../../src/wire/pcap/captured-packet.ts";
import { ACK, C1, IDSN_C, IDSN_S, ISN_C, ISN_S, S1, Synth, addAddr, bytes, dss, handshake, join } from "./synth.ts";

function capture(): CaptureItem[] {
  const cap = new Synth();
  handshake(cap);
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 1, options: [addAddr()] });
  const p = bytes(200);
  cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p })], payload: p });
  join(cap);
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 201, options: [dss({ ack: IDSN_C + 201n, dsn: IDSN_S + 1n, ssn: 0, fin: true })] });
  return cap.items;
}

describe("verify: never throws", () => {
  it("on captures with flipped bytes and odd lengths", () => {
    const base = capture();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(0x7fffffff)), { minLength: 1, maxLength: 6 }), (edits) => {
        const items = base.map((i) => (i.kind === "packet" ? { ...i, packet: { ...i.packet, data: i.packet.data.slice() } } : i));
        for (const [which, at, x, len] of edits) {
          const item = items[which % items.length];
          if (item?.kind !== "packet") continue;
          const d = item.packet.data;
          d[at % d.length] = (d[at % d.length] as number) ^ x;
          if (x === 255) items[which % items.length] = { ...item, packet: { ...item.packet, originalLength: len, data: d.subarray(0, at % d.length) } };
        }
        const r = verifyCapture(items);
        expect(r.stats.packets).to.equal(items.length);
      }),
      { numRuns: 500 },
    );
  });
});
