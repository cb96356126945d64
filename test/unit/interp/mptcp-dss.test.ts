import { expect } from "chai";
import { matchOutbound } from "../../../src/interp/matcher.ts";
import { completeInboundMptcp } from "../../../src/interp/mptcp-complete.ts";
import { expandDsn, mptcpAggregateMismatch, mptcpMayAggregate } from "../../../src/interp/mptcp-dss.ts";
import type { ScriptOption } from "../../../src/interp/script-packet.ts";
import { dssChecksum } from "../../../src/wire/checksum.ts";
import type { DssOption } from "../../../src/wire/mptcp-options.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";
import { pkt } from "./helpers.ts";
import { KK, KP, established, evalCtx, liveOut, matchCtx, naiveIdsn } from "./mptcp-fixtures.ts";

const IK = naiveIdsn(KK);
const IP = naiveIdsn(KP);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);

function inbound(line: string): DssOption {
  const { c, run } = established();
  const sp = pkt(line);
  const o = completeInboundMptcp(sp.options!.find((x) => x.wire.kind === "mptcp") as ScriptOption, evalCtx(sp, c, run));
  if (o.kind !== "mptcp" || o.subtype !== "dss") throw new Error("not a DSS");
  return o;
}

function liveDss(d: Omit<DssOption, "kind" | "subtype">, payload = 0, nops = 0): ReturnType<typeof liveOut> {
  const pad = Array.from({ length: nops }, () => ({ kind: "nop" as const }));
  return liveOut({ seq: seqNum(5001), ack: seqNum(1), flags: TCP_FLAG.ACK | (payload ? TCP_FLAG.PSH : 0) }, payload, [{ kind: "mptcp", subtype: "dss", ...d }, ...pad]);
}

describe("interp/mptcp DSS data-level mapping", () => {
  it("inbound dack8 is IDSN(Kk)+V and dsn8 is IDSN(Kp)+V", () => {
    const o = inbound("+0 < P. 1:1001(1000) ack 1 win 450 <dss dack8=1 dsn8=1 ssn=1 dll=1000 nocs>");
    expect(o.dataAck).to.equal(u64(IK + 1n));
    expect(o.mapping).to.deep.equal({ dsn: u64(IP + 1n), subflowSeq: 1, dataLevelLength: 1000 });
  });

  it("4-byte forms keep the low 32 bits; V = 0 is the literal 0", () => {
    const o = inbound("+0 < P. 1:11(10) ack 1 win 450 <dss dack4=5 dsn4=7 ssn=1 dll=10 nocs>");
    expect(o.dataAck).to.equal(u32(IK + 5n));
    expect(o.mapping?.dsn).to.equal(u32(IP + 7n));
    expect(inbound("+0 < . 1:1(0) ack 1 win 450 <dss dack8=0 nocs>").dataAck).to.equal(0n);
  });

  it("inbound omissions: ssn = the line's relative seq, dll = payload (+1 with DATA_FIN), checksum computed", () => {
    const o = inbound("+0 < P. 101:201(100) ack 1 win 450 <dss dack8=1 dsn8=101 fin>");
    expect(o.mapping?.subflowSeq).to.equal(101);
    expect(o.mapping?.dataLevelLength).to.equal(101);
    expect(o.mapping?.checksum).to.equal(dssChecksum(u64(IP + 101n), 101, 101, new Uint8Array(100)));
  });

  it("trunc_r64_hmac(VAR) + N is IDSN(VAR) + N", () => {
    const o = inbound("+0 < P. 1:11(10) ack 1 win 450 <dss dack8=trunc_r64_hmac(skey)+3 dsn8=1 ssn=1 dll=10 nocs>");
    expect(o.dataAck).to.equal(u64(IK + 3n));
  });

  it("outbound values are compared relative: dack to IDSN(Kp), dsn to IDSN(Kk)", () => {
    const { c } = established();
    const sp = pkt("+0 > P. 1:1001(1000) ack 1 <dss dack4=1 dsn8=1 ssn=1 dll=1000 nocs, nop, nop>");
    const live = liveDss({ dataFin: false, dataAck64: false, dsn64: true, dataAck: u32(IP + 1n), mapping: { dsn: u64(IK + 1n), subflowSeq: 1, dataLevelLength: 1000 } }, 1000, 2);
    expect(matchOutbound(sp, live, matchCtx(c))).to.equal(null);
  });

  it("a wrong outbound dsn8 is `mptcp dss dsn8: expected … vs actual …` in script space", () => {
    const { c } = established();
    const sp = pkt("+0 > . 1:1(0) ack 1 <dss dack8=11 dsn8=3001 ssn=0 dll=1 nocs fin, nop, nop>");
    const live = liveDss({ dataFin: true, dataAck64: true, dsn64: true, dataAck: u64(IP + 11n), mapping: { dsn: u64(IK + 3002n), subflowSeq: 0, dataLevelLength: 1 } }, 0, 2);
    const m = matchOutbound(sp, live, matchCtx(c));
    expect(m?.detail).to.equal("live packet field mptcp dss dsn8: expected: 3001 (0xbb9) vs actual: 3002 (0xbba)");
  });

  it("a wrong outbound Data ACK names dack8; `*` skips it", () => {
    const { c } = established();
    const live = liveDss({ dataFin: false, dataAck64: true, dsn64: false, dataAck: u64(IP + 12n) });
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <dss dack8=11 nocs>"), live, matchCtx(c))?.field).to.equal("mptcp dss dack8");
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <dss dack8=* nocs>"), live, matchCtx(c))).to.equal(null);
  });

  it("with checksums in use, a wrong outbound DSS checksum is a `mptcp dss checksum` mismatch", () => {
    const { c } = established();
    c.mptcp!.checksums = true;
    const dsn = u64(IK + 1n);
    const right = dssChecksum(dsn, 1, 10, new Uint8Array(10));
    const sp = pkt("+0 > P. 1:11(10) ack 1 <dss dack8=1 dsn8=1 ssn=1 dll=10>");
    const mk = (cs: number): ReturnType<typeof liveOut> =>
      liveDss({ dataFin: false, dataAck64: true, dsn64: true, dataAck: u64(IP + 1n), mapping: { dsn, subflowSeq: 1, dataLevelLength: 10, checksum: cs } }, 10);
    expect(matchOutbound(sp, mk(right), matchCtx(c))).to.equal(null);
    expect(matchOutbound(sp, mk(right ^ 0x10), matchCtx(c))?.field).to.equal("mptcp dss checksum");
  });

  describe("DSS checksum forms (§8.6): omitted, nocs, cksum=0, cksum=N", () => {
    /** A live DSS with a 10-byte mapping: checksum `cs` (undefined: none, then 2 NOPs pad the option). */
    const live = (cs: number | undefined): ReturnType<typeof liveOut> => {
      const mapping = { dsn: u64(IK + 1n), subflowSeq: 1, dataLevelLength: 10, ...(cs === undefined ? {} : { checksum: cs }) };
      return liveDss({ dataFin: false, dataAck64: true, dsn64: true, dataAck: u64(IP + 1n), mapping }, 10, cs === undefined ? 2 : 0);
    };
    const outbound = (form: string, cs: number | undefined): string | null => {
      const { c } = established();
      const pad = form === " nocs" ? ", nop, nop" : "";
      return matchOutbound(pkt(`+0 > P. 1:11(10) ack 1 <dss dack8=1 dsn8=1 ssn=1 dll=10${form}${pad}>`), live(cs), matchCtx(c))?.detail ?? null;
    };

    it("outbound: an omitted checksum is a wildcard (any value passes)", () => {
      expect(outbound("", 0)).to.equal(null);
      expect(outbound("", 0x1234)).to.equal(null);
      expect(outbound("", 0xffff)).to.equal(null);
    });

    it("outbound: cksum=0 is the value 0, compared (not nocs)", () => {
      expect(outbound(" cksum=0", 0)).to.equal(null);
      expect(outbound(" cksum=0", 0x1234)).to.equal("live packet field mptcp dss cksum: expected: 0 (0x0) vs actual: 4660 (0x1234)");
    });

    it("outbound: cksum=N is compared; nocs expects no checksum", () => {
      expect(outbound(" cksum=0x1234", 0x1234)).to.equal(null);
      expect(outbound(" cksum=0x1234", 0x1235)).to.equal("live packet field mptcp dss cksum: expected: 4660 (0x1234) vs actual: 4661 (0x1235)");
      expect(outbound(" nocs", undefined)).to.equal(null);
      expect(outbound(" nocs", 0)).to.not.equal(null);
    });

    it("inbound: cksum=0 sends a zero checksum, cksum=N sends N, nocs none, omitted the computed one", () => {
      const line = (form: string): string => `+0 < P. 1:11(10) ack 1 win 450 <dss dack8=1 dsn8=1 ssn=1 dll=10${form}>`;
      expect(inbound(line(" cksum=0")).mapping?.checksum).to.equal(0);
      expect(inbound(line(" cksum=0x1234")).mapping?.checksum).to.equal(0x1234);
      expect(inbound(line(" nocs")).mapping).to.not.have.property("checksum");
      expect(inbound(line("")).mapping?.checksum).to.equal(dssChecksum(u64(IP + 1n), 1, 10, new Uint8Array(10)));
    });
  });

  it("aggregation stops at a mapping that ends in the first segment and refuses mixed mappings", () => {
    const seg = (dsn: bigint, dll: number): TcpRepr => ({
      kind: "tcp", srcPort: 1, dstPort: 2, seq: seqNum(0), ack: seqNum(0), flags: TCP_FLAG.ACK, window: 1, urgent: 0,
      options: [{ kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: false, dsn64: true, mapping: { dsn, subflowSeq: 1, dataLevelLength: dll } }],
    });
    expect(mptcpMayAggregate(seg(1n, 1000), 1000)).to.equal(false);
    expect(mptcpMayAggregate(seg(1n, 3000), 1000)).to.equal(true);
    const span = pkt("+0 > . 1:1(0) ack 1").span;
    expect(mptcpAggregateMismatch(seg(1n, 3000), seg(1n, 3000), span)).to.equal(null);
    expect(mptcpAggregateMismatch(seg(1n, 3000), seg(3001n, 10), span)?.field).to.equal("mptcp dss dsn8");
  });

  it("a 32-bit DSN widens next to its 64-bit reference, across a wrap", () => {
    expect(expandDsn(5n, 0x1_0000_0000n)).to.equal(0x1_0000_0005n);
    expect(expandDsn(0xffff_fff0n, 0x2_0000_0010n)).to.equal(0x1_ffff_fff0n);
  });
});
