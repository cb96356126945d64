import { expect } from "chai";
import fc from "fast-check";
import { matchOutbound } from "../../../src/interp/matcher.ts";
import { completeInboundMptcp } from "../../../src/interp/mptcp-complete.ts";
import { mpcDataChecksum } from "../../../src/interp/mptcp-dss.ts";
import type { ScriptOption } from "../../../src/interp/script-packet.ts";
import { mptcpOptionLen, type MptcpOption } from "../../../src/wire/mptcp-options.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG } from "../../../src/wire/tcp.ts";
import { pkt } from "./helpers.ts";
import { KK, KP, established, evalCtx, liveOut, matchCtx, naiveIdsn } from "./mptcp-fixtures.ts";

/** RFC 8684 §3.3.1 by hand: 16-bit one's complement of the one's complement sum of the pseudo-header and data. */
function naiveChecksum(dsn: bigint, ssn: number, dll: number, data: Uint8Array): number {
  const b = Buffer.alloc(16 + data.length + (data.length & 1));
  b.writeBigUInt64BE(dsn, 0);
  b.writeUInt32BE(ssn, 8);
  b.writeUInt16BE(dll, 12);
  b.set(data, 16);
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An outbound MP_CAPABLE with data (the kernel as initiator: sender Kk, receiver Kp). */
function mpcData(dll: number, checksum: number): MptcpOption {
  return { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KK, receiversKey: KP, dataLevelLength: dll, checksum };
}

describe("interp/mptcp MP_CAPABLE with data and checksum (RFC 8684 §3.1)", () => {
  it("the checksum is the DSS checksum over {IDSN(key)+1, SSN 1, DLL, 0} and the data", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(KK, KP), (data, key) =>
      mpcDataChecksum(key, 1, data.length, data) === naiveChecksum(BigInt.asUintN(64, naiveIdsn(key) + 1n), 1, data.length, data)));
  });

  it("ckey=2 with 10 zero bytes gives 0x457f (the value kernel 6.18 accepted in mpc-07 listener)", () => {
    expect(mpcDataChecksum(KP, 1, 10, new Uint8Array(10))).to.equal(0x457f);
  });

  it("inbound mpcdatalen with checksums negotiated: the 24-byte form, checksum computed, data sequence advanced", () => {
    const { c, run } = established();
    c.mptcp!.checksums = true;
    const sp = pkt("+0 < P. 1:11(10) ack 1 win 256 <mpcapable v1 flags[flag_h] key[ckey=2, skey] mpcdatalen 10>");
    const o = completeInboundMptcp(sp.options![0] as ScriptOption, evalCtx(sp, c, run));
    expect(o).to.deep.include({ subtype: "mpCapable", sendersKey: KP, receiversKey: KK, dataLevelLength: 10, checksum: 0x457f });
    expect(o.kind === "mptcp" ? mptcpOptionLen(o) : 0).to.equal(24);
    expect(c.mptcp!.peerDataNext).to.equal(naiveIdsn(KP) + 11n);
  });

  it("inbound: no checksum without negotiation; cksum=V is sent as written; cksum=* is computed", () => {
    const { c, run } = established();
    const plain = pkt("+0 < P. 1:11(10) ack 1 win 256 <mpcapable v1 flags[flag_h] key[ckey=2, skey] mpcdatalen 10>");
    const o = completeInboundMptcp(plain.options![0] as ScriptOption, evalCtx(plain, c, run));
    expect(o.kind === "mptcp" && o.subtype === "mpCapable" ? o.checksum : -1).to.equal(undefined);
    const v = pkt("+0 < P. 1:11(10) ack 1 win 256 <mpcapable v1 flags[flag_a, flag_h] key[ckey=2, skey] mpcdatalen 10 cksum=0x1234>");
    expect(completeInboundMptcp(v.options![0] as ScriptOption, evalCtx(v, c, run))).to.deep.include({ checksum: 0x1234 });
    const { c: c2, run: run2 } = established();
    const w = pkt("+0 < P. 1:11(10) ack 1 win 256 <mpcapable v1 flags[flag_h] key[ckey=2, skey] mpcdatalen 10 cksum=*>");
    expect(completeInboundMptcp(w.options![0] as ScriptOption, evalCtx(w, c2, run2))).to.deep.include({ checksum: 0x457f });
  });

  it("outbound: a correct checksum matches; a wrong one names 'mptcp mpcapable checksum'; cksum=* skips it", () => {
    const good = mpcDataChecksum(KK, 1, 10, new Uint8Array(10));
    const line = (cs: string): string => `+0 > P. 1:11(10) ack 1 <mpcapable v1 flags[flag_a, flag_h] key[skey, ckey] mpcdatalen 10${cs}>`;
    const live = (cs: number) => liveOut({ seq: seqNum(5001), ack: seqNum(1), flags: TCP_FLAG.ACK | TCP_FLAG.PSH }, 10, [mpcData(10, cs)]);
    const { c } = established();
    expect(matchOutbound(pkt(line("")), live(good), matchCtx(c))).to.equal(null);
    expect(c.mptcp!.kernelDataEnd).to.equal(naiveIdsn(KK) + 11n);
    const bad = matchOutbound(pkt(line("")), live(good ^ 1), matchCtx(established().c));
    expect(bad?.field).to.equal("mptcp mpcapable checksum");
    expect(bad?.expected).to.equal(good);
    expect(matchOutbound(pkt(line(" cksum=*")), live(good ^ 1), matchCtx(established().c))).to.equal(null);
    expect(matchOutbound(pkt(line(` cksum=${good ^ 1}`)), live(good ^ 1), matchCtx(established().c))?.field).to.equal("mptcp mpcapable checksum");
  });
});
