import { expect } from "chai";
import { ConnectionMapping } from "../../../src/interp/mapping.ts";
import { type MatchContext, matchOutbound } from "../../../src/interp/matcher.ts";
import { buildInbound, scriptPacketRepr } from "../../../src/interp/packet-build.ts";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { type PacketRepr, emitPacket, packet, parsePacket } from "../../../src/wire/packet.ts";
import { type SeqNum, seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import { NET4, pkt } from "./helpers.ts";

const KERNEL_ISN = 0xfffffff0; // wraps: relative seq 1 is 0xfffffff1
const REMOTE_ISN = 1000;

/** A passive connection after `< S 1000:1000(0)` and the SYN-ACK with kernel ISN 0xfffffff0. */
function conn(): ConnectionMapping {
  const c = new ConnectionMapping();
  c.liveLocal = { ip: NET4.localIp, port: 8080 };
  c.liveRemote = { ip: NET4.remoteIp, port: 40000 };
  c.kernelIsn = seqNum(KERNEL_ISN);
  c.scriptLocalIsn = seqNum(0);
  c.remoteIsn = seqNum(REMOTE_ISN);
  return c;
}

/** A live outbound packet (SUT → script side), through emit + parse like a sniffed one. */
function live(tcp: Partial<TcpRepr> & { seq: SeqNum; ack: SeqNum; flags: number }, payloadLen = 0, options: TcpOption[] = []): PacketRepr {
  const ip = {
    kind: "ipv4" as const, tos: 0, identification: 7, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6,
    src: parseIpAddress(NET4.localIp) as Uint8Array, dst: parseIpAddress(NET4.remoteIp) as Uint8Array, options: new Uint8Array(0),
  };
  const t: TcpRepr = { kind: "tcp", srcPort: 8080, dstPort: 40000, window: 257, urgent: 0, options, ...tcp };
  const r = parsePacket(emitPacket(packet(ip, t, new Uint8Array(payloadLen))));
  if (!r.ok) throw new Error("bad fixture");
  return r.value;
}

function ctx(c: ConnectionMapping): MatchContext {
  return { conn: c, tsTickUsecs: 0, toleranceUsecs: 4000, eventTimeUsecs: 0 };
}

const rel = (n: number): SeqNum => seqNum(KERNEL_ISN + n);
const relAck = (n: number): SeqNum => seqNum(REMOTE_ISN + n);

describe("interp/matcher", () => {
  it("accepts a packet that matches in script space (seq wraps past 2^32)", () => {
    const c = conn();
    const p = live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.PSH | TCP_FLAG.ACK }, 1000);
    expect(matchOutbound(pkt("+0 > P. 1:1001(1000) ack 1"), p, ctx(c))).to.equal(null);
  });

  it("names the window field with packetdrill's value rendering", () => {
    const p = live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK, window: 512 });
    const m = matchOutbound(pkt("+0 > . 1:1(0) ack 1 win 257"), p, ctx(conn()));
    expect(m?.field).to.equal("tcp_window");
    expect(m?.detail).to.equal("live packet field tcp_window: expected: 257 (0x101) vs actual: 512 (0x200)");
  });

  it("checks flags in order, then seq, then ack_seq even without ACK", () => {
    const c = conn();
    expect(matchOutbound(pkt("+0 > F. 1:1(0) ack 1"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }), ctx(c))?.field).to.equal("tcp_fin");
    expect(matchOutbound(pkt("+0 > . 2:2(0) ack 1"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }), ctx(c))?.detail)
      .to.equal("live packet field tcp_seq: expected: 2 (0x2) vs actual: 1 (0x1)");
    expect(matchOutbound(pkt("+0 > R 1:1(0)"), live({ seq: rel(1), ack: relAck(5), flags: TCP_FLAG.RST }), ctx(c))?.field).to.equal("tcp_ack_seq");
  });

  it("maps ack_seq only when ACK is set: a bare RST's raw 0 matches ack 0", () => {
    const c = conn();
    expect(matchOutbound(pkt("+0 > R 1:1(0)"), live({ seq: rel(1), ack: seqNum(0), flags: TCP_FLAG.RST }), ctx(c))).to.equal(null);
    expect(matchOutbound(pkt("+0 > R 1:1(0)"), live({ seq: rel(1), ack: seqNum(7), flags: TCP_FLAG.RST }), ctx(c))?.detail)
      .to.equal("live packet field tcp_ack_seq: expected: 0 (0x0) vs actual: 7 (0x7)");
    expect(matchOutbound(pkt("+0 > R. 1:1(0) ack 1"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.RST | TCP_FLAG.ACK }), ctx(c))).to.equal(null);
  });

  it("checks scripted IPv6 flow labels by pairing script and live labels (§5.4)", () => {
    const c = conn();
    const v6 = (label: number): PacketRepr => {
      const p = live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK });
      const ip = { kind: "ipv6" as const, trafficClass: 0, flowLabel: label, hopLimit: 64, nextHeader: 6, src: new Uint8Array(16), dst: new Uint8Array(16), extensions: [] };
      return { ...p, ip };
    };
    const line = (label: string): ReturnType<typeof pkt> => pkt(`+0 > (flowlabel ${label}) . 1:1(0) ack 1`);
    expect(matchOutbound(line("0x1"), v6(0), ctx(c))?.detail).to.equal("flowlabel unmarked in the live packet");
    expect(matchOutbound(line("0x1"), v6(0xabcde), ctx(c))).to.equal(null);
    expect(matchOutbound(line("0x1"), v6(0xabcde), ctx(c))).to.equal(null);
    expect(matchOutbound(line("0x1"), v6(0x12345), ctx(c))?.detail).to.equal("inconsistent flowlabels for this packet: expected: 0xabcde vs actual: 0x12345");
    expect(matchOutbound(line("0x2"), v6(0xabcde), ctx(c))?.detail).to.equal("expected a different flowlabel but got the same");
    expect(matchOutbound(line("0x2"), v6(0x12345), ctx(c))).to.equal(null);
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1"), v6(0), ctx(c))).to.equal(null);
  });

  it("reports payload size differences before header fields", () => {
    const m = matchOutbound(pkt("+0 > P. 1:1001(1000) ack 1"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }, 2000), ctx(conn()));
    expect(m?.detail).to.equal("live packet payload: expected 1000 bytes vs actual 2000 bytes");
  });

  it("compares options pairwise: kinds, then values (G message with option text)", () => {
    const syn = { seq: seqNum(KERNEL_ISN), ack: relAck(1), flags: TCP_FLAG.SYN | TCP_FLAG.ACK };
    const opts: TcpOption[] = [{ kind: "mss", mss: 1460 }, { kind: "nop" }, { kind: "wscale", shift: 8 }];
    const c = conn();
    // §5.2: on a SYN-ACK the ack stays live: the injected SYN's seq was verbatim (1000).
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001 <mss 1460,nop,wscale 8>"), live(syn, 0, opts), ctx(c))).to.equal(null);
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001 <mss 1460,nop,wscale 7>"), live(syn, 0, opts), ctx(c))?.detail)
      .to.equal("bad value in outbound TCP option (kind=3): expected: wscale 7 actual: wscale 8");
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001 <mss *,nop,wscale 8>"), live(syn, 0, opts), ctx(c))).to.equal(null);
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001 <nop,mss 1460,wscale 8>"), live(syn, 0, opts), ctx(c))?.detail).to.equal("bad outbound TCP options");
    // Omitted options mean "none": the lengths differ first.
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001"), live(syn, 0, opts), ctx(c))?.field).to.equal("ipv4_total_length");
    expect(matchOutbound(pkt("+0 > S. 0:0(0) ack 1001 <...>"), live(syn, 0, opts), ctx(c))).to.equal(null);
  });

  it("maps SACK edges into script space", () => {
    const p = live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }, 0, [
      { kind: "nop" }, { kind: "nop" }, { kind: "sack", blocks: [{ left: relAck(1001), right: relAck(2001) }] },
    ]);
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:2001>"), p, ctx(conn()))).to.equal(null);
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:3001>"), p, ctx(conn()))?.field).to.equal("tcp_option sack");
  });

  it("compares MPTCP DSS fields by name, skipping wildcards", () => {
    const dss: TcpOption = { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: 5n };
    const p = live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }, 0, [dss]);
    const m = matchOutbound(pkt("+0 > . 1:1(0) ack 1 <dss dack8=6 nocs>"), p, ctx(conn()));
    expect(m?.field).to.equal("mptcp dss dack8");
    expect(m?.detail).to.equal("live packet field mptcp dss dack8: expected: 6 (0x6) vs actual: 5 (0x5)");
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <dss dack8=* nocs>"), p, ctx(conn()))).to.equal(null);
  });

  it("pairs TS vals and checks them only with a tick", () => {
    const c = conn();
    const ts = (v: number): TcpOption[] => [{ kind: "nop" }, { kind: "nop" }, { kind: "timestamps", tsVal: v, tsEcr: 0 }];
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <nop,nop,TS val 100 ecr 0>"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }, 0, ts(5000)), ctx(c))).to.equal(null);
    expect(c.mapInboundTsEcr(100, false)).to.equal(5000);
    const strict = { ...ctx(c), tsTickUsecs: 1000 };
    expect(matchOutbound(pkt("+0 > . 1:1(0) ack 1 <nop,nop,TS val 110 ecr 0>"), live({ seq: rel(1), ack: relAck(1), flags: TCP_FLAG.ACK }, 0, ts(5050)), strict)?.field)
      .to.equal("tcp_ts_val");
  });
});

describe("interp/packet-build", () => {
  it("injects with live ports, mapped seq/ack, ID 0, TTL 255 and valid checksums (§3.4)", () => {
    const c = conn();
    const { bytes } = buildInbound(pkt("+0 < P. 1:101(100) ack 1 win 257"), c, 4, false);
    const r = parsePacket(bytes);
    if (!r.ok || r.value.ip.kind !== "ipv4" || r.value.l4.kind !== "tcp") throw new Error("bad packet");
    expect(r.value.ip.identification).to.equal(0);
    expect(r.value.ip.ttl).to.equal(255);
    expect(r.value.l4.srcPort).to.equal(40000);
    expect(r.value.l4.dstPort).to.equal(8080);
    expect(r.value.l4.seq).to.equal(REMOTE_ISN + 1);
    expect(r.value.l4.ack).to.equal(rel(1));
    expect(r.value.payload.length).to.equal(100);
    expect(emitPacket(r.value, { keepLengths: true })).to.deep.equal(bytes);
  });

  it("maps an inbound TS ecr to the live val of that script val, or fails", () => {
    const c = conn();
    c.mapOutboundTsVal(100, 777_000);
    const { repr } = buildInbound(pkt("+0 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 9 ecr 100>"), c, 4, false);
    const ts = (repr.l4 as TcpRepr).options.find((o) => o.kind === "timestamps");
    expect(ts).to.deep.equal({ kind: "timestamps", tsVal: 9, tsEcr: 777_000 });
    expect(() => buildInbound(pkt("+0 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 9 ecr 200>"), c, 4, false))
      .to.throw("unable to infer live TS ecr for script TS ecr 200");
  });

  it("requires a window on inbound lines", () => {
    expect(() => pkt("+0 < . 1:1(0) ack 1")).to.throw("window must be specified for inbound packets");
  });

  it("builds script-space dumps with the net config's addresses", () => {
    const r = scriptPacketRepr(pkt("+0 > S. 0:0(0) ack 1 <mss 1460>"), NET4);
    expect(r.ip.kind).to.equal("ipv4");
    expect((r.l4 as TcpRepr).options).to.deep.equal([{ kind: "mss", mss: 1460 }]);
  });
});
