import { expect } from "chai";
import fc from "fast-check";
import { stripLinkLayer } from "../../../src/wire/pcap/link-layer.ts";

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const IP4 = "45000014 00000000 40060000 0a000001 0a000002";
const IP6 = "60000000 00000640";

function strip(linkType: number, bytes: string) {
  const r = stripLinkLayer(linkType, hex(bytes));
  if (!r.ok) return { error: `${r.error.code}@${r.error.offset}` };
  const { payload, ...rest } = r.value;
  return { ...rest, payload: Buffer.from(payload).toString("hex") };
}

describe("link-layer strippers", () => {
  it("strips Ethernet II", () => {
    expect(strip(1, `020000000001 020000000002 0800 ${IP4}`)).to.deep.equal({ etherType: 0x800, payloadOffset: 14, vlanIds: [], payload: IP4.replace(/ /g, "") });
  });
  it("strips stacked 802.1ad and 802.1Q tags", () => {
    expect(strip(1, `020000000001 020000000002 88a8 0064 8100 2005 86dd ${IP6}`)).to.include({ etherType: 0x86dd, payloadOffset: 22 }).and.to.have.deep.property("vlanIds", [100, 5]);
  });
  it("gives 802.3 length frames ethertype 0 and ARP its own", () => {
    expect(strip(1, "ffffffffffff 020000000002 002e aaaa03")).to.include({ etherType: 0, payloadOffset: 14 });
    expect(strip(1, "ffffffffffff 020000000002 0806 0001")).to.include({ etherType: 0x806 });
  });
  it("strips Linux cooked v1 and v2", () => {
    expect(strip(113, `0004 0001 0006 020000000001 0000 0800 ${IP4}`)).to.include({ etherType: 0x800, payloadOffset: 16, sllPacketType: 4 });
    expect(strip(276, `86dd 0000 00000007 0001 00 06 020000000001 0000 ${IP6}`)).to.include({ etherType: 0x86dd, payloadOffset: 20, sllPacketType: 0, ifIndex: 7 });
  });
  it("takes the IP version of raw frames from the first nibble", () => {
    expect(strip(101, IP4)).to.include({ etherType: 0x800, payloadOffset: 0 });
    expect(strip(101, IP6)).to.include({ etherType: 0x86dd });
    expect(strip(12, IP6)).to.include({ etherType: 0x86dd });
    expect(strip(228, IP4)).to.include({ etherType: 0x800 });
    expect(strip(229, IP6)).to.include({ etherType: 0x86dd });
    expect(strip(101, "20")).to.deep.equal({ error: "link-unsupported@0" });
  });
  it("reads BSD loopback families in either byte order", () => {
    expect(strip(0, `02000000 ${IP4}`)).to.include({ etherType: 0x800, payloadOffset: 4 });
    expect(strip(0, `0000001e ${IP6}`)).to.include({ etherType: 0x86dd });
  });
  it("reports truncated headers at the end of the frame, and unknown link types", () => {
    expect(strip(1, "0200000000010200")).to.deep.equal({ error: "link-truncated@8" });
    expect(strip(1, "020000000001 020000000002 8100 00")).to.deep.equal({ error: "link-truncated@15" });
    expect(strip(113, "0004")).to.deep.equal({ error: "link-truncated@2" });
    expect(strip(276, "86dd")).to.deep.equal({ error: "link-truncated@2" });
    expect(strip(101, "")).to.deep.equal({ error: "link-truncated@0" });
    expect(strip(147, IP4)).to.deep.equal({ error: "link-unsupported@0" });
  });
  it("never throws and keeps the payload inside the frame", () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 12, 101, 113, 228, 229, 276, 9999), fc.uint8Array({ maxLength: 40 }), (lt, bytes) => {
        const r = stripLinkLayer(lt, bytes);
        if (r.ok) expect(r.value.payloadOffset + r.value.payload.length).to.equal(bytes.length);
      }),
    );
  });
});
