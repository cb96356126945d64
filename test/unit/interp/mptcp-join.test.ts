import { expect } from "chai";
import { matchOutbound } from "../../../src/interp/matcher.ts";
import { allocatePeerIp } from "../../../src/interp/mptcp-addr.ts";
import { completeInboundMptcp } from "../../../src/interp/mptcp-complete.ts";
import type { ScriptOption } from "../../../src/interp/script-packet.ts";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { addAddrHmac, mpJoinAckHmac, mpJoinSynAckHmac } from "../../../src/wire/mptcp-crypto.ts";
import type { MptcpOption } from "../../../src/wire/mptcp-options.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG } from "../../../src/wire/tcp.ts";
import { pkt } from "./helpers.ts";
import { KK, KP, established, evalCtx, liveOut, matchCtx, naiveToken } from "./mptcp-fixtures.ts";

function inbound(line: string, c = established()): MptcpOption {
  const sp = pkt(line);
  const o = completeInboundMptcp(sp.options!.find((x) => x.wire.kind === "mptcp") as ScriptOption, evalCtx(sp, c.c, c.run));
  if (o.kind !== "mptcp") throw new Error("not MPTCP");
  return o;
}

describe("interp/mptcp MP_JOIN and ADD_ADDR", () => {
  it("an inbound MP_JOIN SYN carries token(VAR), the scripted nonce and address id", () => {
    const o = inbound("+0 < S 0:0(0) win 65535 <mp_join_syn backup=1 address_id=1 token=sha256_32(skey) rand=7>");
    expect(o).to.deep.include({ subtype: "mpJoinSyn", receiversToken: naiveToken(KK), sendersRandom: 7, addressId: 1, backup: true });
  });

  it("token=auto is token(Kk); an omitted address id is the source address's id", () => {
    const o = inbound("+0 < S 0:0(0) win 65535 <mp_join_syn token=auto>");
    expect(o).to.deep.include({ receiversToken: naiveToken(KK), addressId: 0 });
  });

  it("outbound SYN/ACK HMAC is HMAC(Kk‖Kp, Rk‖Rp); the inbound third ACK HMAC(Kp‖Kk, Rp‖Rk)", () => {
    const f = established();
    inbound("+0 < S 0:0(0) win 65535 <mp_join_syn address_id=1 token=sha256_32(skey) rand=7>", f);
    const sp = pkt("+0 > S. 0:0(0) ack 1 <mp_join_syn_ack address_id=1 sender_hmac=auto>");
    const synAck = (hmac: bigint): ReturnType<typeof liveOut> => liveOut({ seq: seqNum(5000), ack: seqNum(1), flags: TCP_FLAG.SYN | TCP_FLAG.ACK }, 0,
      [{ kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 1, sendersRandom: 99, sendersHmac: hmac }]);
    const right = mpJoinSynAckHmac(KK, KP, 99, 7);
    expect(matchOutbound(sp, synAck(right + 1n), matchCtx(f.c))?.field).to.equal("mptcp mp_join_syn_ack hmac");
    expect(matchOutbound(sp, synAck(right), matchCtx(f.c))).to.equal(null);
    const ack = inbound("+0 < . 1:1(0) ack 1 win 256 <mp_join_ack sender_hmac=auto>", f);
    expect(ack.subtype === "mpJoinAck" ? Array.from(ack.sendersHmac) : []).to.deep.equal(Array.from(mpJoinAckHmac(KP, KK, 7, 99)));
  });

  it("an outbound MP_JOIN third ACK with a wrong HMAC names mptcp mp_join_ack hmac", () => {
    const f = established();
    const sf = f.c.mptcp!.subflow(f.c);
    sf.peerRandom = 5;
    sf.kernelRandom = 6;
    const sp = pkt("+0 > . 1:1(0) ack 1 <mp_join_ack sender_hmac=auto>");
    const mk = (h: Uint8Array): ReturnType<typeof liveOut> => liveOut({ seq: seqNum(5001), ack: seqNum(1), flags: TCP_FLAG.ACK }, 0, [{ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: h }]);
    const right = mpJoinAckHmac(KK, KP, 6, 5);
    expect(matchOutbound(sp, mk(right), matchCtx(f.c))).to.equal(null);
    const wrong = new Uint8Array(right);
    wrong[19] = (wrong[19] as number) ^ 1;
    expect(matchOutbound(sp, mk(wrong), matchCtx(f.c))?.field).to.equal("mptcp mp_join_ack hmac");
  });

  it("packetdrill addresses: the remote address + 1 in its last byte, with the next id", () => {
    const f = established();
    expect(allocatePeerIp(f.run, "192.0.2.1")).to.equal("192.0.2.2");
    expect(allocatePeerIp(f.run, "192.0.2.1")).to.equal("192.0.2.3");
    expect(f.run.peerAddressId("192.0.2.3")).to.equal(2);
    expect(allocatePeerIp(established().run, "2001:DB8::1")).to.equal("2001:db8::2");
  });

  it("inbound ADD_ADDR of an unbound variable allocates an address; hmac=auto is HMAC(Kp‖Kk) rightmost 64 bits", () => {
    const f = established();
    const o = inbound("+0 < . 1:1(0) ack 1 win 256 <add_address addr[saddr] hmac=auto, dss dack8=1 nocs>", f);
    const addr = parseIpAddress("192.0.2.2") as Uint8Array;
    expect(o).to.deep.include({ subtype: "addAddr", addressId: 1, echo: false, hmac: addAddrHmac(KP, KK, 1, addr) });
    expect(f.run.addr("saddr")).to.deep.equal({ ip: "192.0.2.2", port: 40000 });
  });

  it("outbound ADD_ADDR: an unbound variable binds, hmac=auto is checked, a wrong address id is named", () => {
    const f = established();
    const addr = parseIpAddress("192.168.0.3") as Uint8Array;
    const mk = (id: number, hmac: bigint): ReturnType<typeof liveOut> => liveOut({ seq: seqNum(5001), ack: seqNum(1), flags: TCP_FLAG.ACK }, 0,
      [{ kind: "mptcp", subtype: "addAddr", echo: false, addressId: id, address: addr, hmac }]);
    const right = addAddrHmac(KK, KP, 1, addr);
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <add_address address_id=1 addr[saddr1] hmac=auto>"), mk(1, right), matchCtx(f.c))).to.equal(null);
    expect(f.run.addr("saddr1")).to.deep.equal({ ip: "192.168.0.3", port: 8080 });
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <add_address address_id=2 addr[saddr1] hmac=auto>"), mk(1, right), matchCtx(f.c))?.field)
      .to.equal("mptcp add_address address_id");
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <add_address address_id=1 addr[saddr1] hmac=auto>"), mk(1, right ^ 1n), matchCtx(f.c))?.field)
      .to.equal("mptcp add_address hmac");
    const other = matchOutbound(pkt("+0 > . 1:1(0) ack 1 <add_address address_id=1 addr[x=inet_addr(\"198.51.100.2\")] hmac=auto>"), mk(1, right), matchCtx(f.c));
    expect(other?.field).to.equal("mptcp add_address address");
  });
});
