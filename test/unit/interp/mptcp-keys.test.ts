import { expect } from "chai";
import fc from "fast-check";
import { matchOutbound } from "../../../src/interp/matcher.ts";
import { completeInboundMptcp } from "../../../src/interp/mptcp-complete.ts";
import { MptcpRunState, hostOrderKey } from "../../../src/interp/mptcp-state.ts";
import type { ScriptOption } from "../../../src/interp/script-packet.ts";
import { SeededRng } from "../../../src/rng.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG } from "../../../src/wire/tcp.ts";
import { pkt } from "./helpers.ts";
import { KK, KP, established, evalCtx, liveOut, matchCtx, naiveIdsn, naiveToken } from "./mptcp-fixtures.ts";

describe("interp/mptcp keys, tokens and IDSNs", () => {
  it("a script-assigned key is a host-order u64 copied raw (ckey=2 → 02 00 … 00 on the wire)", () => {
    expect(hostOrderKey(2n)).to.equal(0x0200000000000000n);
    expect(hostOrderKey(0x0102030405060708n)).to.equal(0x0807060504030201n);
  });

  it("hostOrderKey is an involution on u64", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (k) => hostOrderKey(hostOrderKey(k)) === k));
  });

  it("tokens and IDSNs of a connection agree with a naive SHA-256 decoder", () => {
    const { c } = established();
    const m = c.mptcp!;
    expect(m.kernelToken()).to.equal(naiveToken(KK));
    expect(m.kernelIdsn()).to.equal(naiveIdsn(KK));
    expect(m.peerIdsn()).to.equal(naiveIdsn(KP));
  });

  it("inbound key[ckey=2, skey] writes Kp (assigned) then Kk (bound) and sets Kp", () => {
    const { c, run } = established(false);
    c.mptcp!.kernelKey = KK;
    run.bindKey("skey", KK);
    const sp = pkt("+0 < . 1:1(0) ack 1 win 257 <mpcapable v1 flags[flag_h] key[ckey=2, skey]>");
    const o = completeInboundMptcp(sp.options![0] as ScriptOption, evalCtx(sp, c, run));
    expect(o).to.deep.include({ subtype: "mpCapable", sendersKey: KP, receiversKey: KK, flags: 1 });
    expect(c.mptcp!.peerKey).to.equal(KP);
    expect(run.key("ckey")).to.equal(KP);
  });

  it("inbound key[skey] with an unbound variable picks a random Kp and binds it", () => {
    const { c, run } = established(false);
    const sp = pkt("+0 < S. 0:0(0) ack 1 win 65535 <mpcapable v1 flags[flag_h] key[pkey]>");
    const o = completeInboundMptcp(sp.options![0] as ScriptOption, evalCtx(sp, c, run));
    expect(o.kind === "mptcp" && o.subtype === "mpCapable" ? o.sendersKey : undefined).to.equal(run.key("pkey"));
    expect(c.mptcp!.peerKey).to.equal(run.key("pkey"));
  });

  it("an outbound SYN-ACK's key binds an unbound variable and becomes Kk", () => {
    const { c, run } = established(false);
    const sp = pkt("+0 > S. 0:0(0) ack 1 <mpcapable v1 flags[flag_h] key[skey]>");
    const live = liveOut({ seq: seqNum(5000), ack: seqNum(1), flags: TCP_FLAG.SYN | TCP_FLAG.ACK }, 0,
      [{ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 1, sendersKey: KK }]);
    evalCtx(sp, c, run);
    expect(matchOutbound(sp, live, matchCtx(c))).to.equal(null);
    expect(c.mptcp!.kernelKey).to.equal(KK);
    expect(run.key("skey")).to.equal(KK);
  });

  it("an outbound third ACK whose receiver key differs from the bound variable names the MPTCP field", () => {
    const { c, run } = established();
    const sp = pkt("+0 > . 1:1(0) ack 1 <mpcapable v1 flags[flag_h] key[ckey2, skey]>");
    const live = liveOut({ seq: seqNum(5001), ack: seqNum(1), flags: TCP_FLAG.ACK }, 0,
      [{ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 1, sendersKey: KP, receiversKey: KK + 1n }]);
    void run;
    const m = matchOutbound(sp, live, matchCtx(c));
    expect(m?.field).to.equal("mptcp mpcapable rkey");
    expect(m?.detail).to.match(/^live packet field mptcp mpcapable rkey: expected: /);
  });

  it("a wrong MP_CAPABLE flag is a mismatch naming the flags", () => {
    const { c } = established();
    const sp = pkt("+0 > S. 0:0(0) ack 1 <mpcapable v1 flags[flag_a, flag_h] key[skey]>");
    const live = liveOut({ seq: seqNum(5000), ack: seqNum(1), flags: TCP_FLAG.SYN | TCP_FLAG.ACK }, 0,
      [{ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 1, sendersKey: KK }]);
    expect(matchOutbound(sp, live, matchCtx(c))?.field).to.equal("mptcp mpcapable flags");
  });

  it("inbound <mp_fastclose> carries Kk, <mp_fastclose ckey=42> sends 42 big-endian", () => {
    const { c, run } = established();
    const a = pkt("+0 < . 1:1(0) win 450 <mp_fastclose>");
    expect(completeInboundMptcp(a.options![0] as ScriptOption, evalCtx(a, c, run))).to.deep.include({ receiversKey: KK });
    const b = pkt("+0 < . 1:1(0) win 450 <mp_fastclose ckey=42>");
    expect(completeInboundMptcp(b.options![0] as ScriptOption, evalCtx(b, c, run))).to.deep.include({ receiversKey: 42n });
  });

  it("run state: peer address ids start at 0 and grow by one; byKernelToken finds the connection", () => {
    const run = new MptcpRunState(new SeededRng(1));
    expect(run.peerAddressId("192.0.2.1")).to.equal(0);
    expect(run.peerAddressId("192.0.2.2")).to.equal(1);
    expect(run.peerAddressId("192.0.2.1")).to.equal(0);
    const conn = run.newConnection();
    conn.kernelKey = KK;
    expect(run.byKernelToken(naiveToken(KK))).to.equal(conn);
    expect(run.byKernelToken(naiveToken(KK) ^ 1)).to.equal(undefined);
  });
});
