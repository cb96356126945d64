import { expect } from "chai";
import { describeFlags, extraPacketCause, fieldCause, flagsCause, optionsCause, sniffCause } from "../../../src/interp/mismatch-cause.ts";
import { fieldMismatch, plainMismatch } from "../../../src/interp/mismatch.ts";
import type { Span } from "../../../src/script/span.ts";
import { packet } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG } from "../../../src/wire/tcp.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";

const SPAN: Span = { file: "t.pkt", start: { line: 3, column: 1, offset: 0 }, end: { line: 3, column: 9, offset: 8 } };
const NOP: TcpOption = { kind: "nop" };
const TS: TcpOption = { kind: "timestamps", tsVal: 1, tsEcr: 0 };
const SACK_OK: TcpOption = { kind: "sackPermitted" };
const DSS: TcpOption = { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: 11n };
const RST: TcpOption = { kind: "mptcp", subtype: "mpTcpRst", flags: 0, reason: 0 };

describe("interp/mismatch-cause", () => {
  it("names flag sets in .pkt spelling with their names, and only when they differ", () => {
    expect(describeFlags(TCP_FLAG.RST | TCP_FLAG.ACK)).to.equal("R. (RST|ACK)");
    expect(describeFlags(0)).to.equal("- (none)");
    expect(flagsCause(TCP_FLAG.ACK, TCP_FLAG.ACK)).to.equal(null);
    expect(flagsCause(TCP_FLAG.RST | TCP_FLAG.ACK, TCP_FLAG.ACK)).to.equal("expected flags R. (RST|ACK), live packet has . (ACK)");
  });

  it("names options by presence: instead, lacks, unexpected, reordered; padding only when alone", () => {
    expect(optionsCause([RST], [DSS])).to.equal("expected MPTCP option mp_reset, live packet has dss instead");
    expect(optionsCause([NOP, NOP, TS], [NOP])).to.equal("expected option TS, live packet lacks it");
    expect(optionsCause([NOP, NOP, TS, SACK_OK], [NOP])).to.equal("expected options TS, sackOK, live packet lacks them");
    expect(optionsCause([NOP], [SACK_OK, NOP, NOP])).to.equal("live packet has unexpected option sackOK");
    expect(optionsCause([TS], [SACK_OK])).to.equal("expected option TS, live packet has sackOK instead");
    expect(optionsCause([NOP, NOP, TS], [TS])).to.equal("expected options nop, nop, live packet lacks them");
    expect(optionsCause([TS, SACK_OK], [SACK_OK, TS])).to.equal("options in another order: expected <TS, sackOK>, live packet has <sackOK, TS>");
    expect(optionsCause([NOP, TS], [NOP, TS])).to.equal(null);
  });

  it("calls live data wholly before the expected seq an extra packet, but not a pure ACK or a SYN", () => {
    const at = (flags: number, seq: number, len: number) => ({ flags, seq: seqNum(seq), len });
    expect(extraPacketCause(at(TCP_FLAG.ACK, 1001, 0), at(TCP_FLAG.ACK | TCP_FLAG.PSH, 1, 1000)))
      .to.equal("extra packet: live packet P. 1:1001(1000) lies before the expected . 1001:1001(0) (a retransmission, a duplicate or a line the script lacks)");
    expect(extraPacketCause(at(TCP_FLAG.ACK, 1002, 0), at(TCP_FLAG.ACK, 1001, 0))).to.equal(null);
    expect(extraPacketCause(at(TCP_FLAG.ACK, 500, 0), at(TCP_FLAG.ACK, 1, 1000))).to.equal(null);
    expect(extraPacketCause(at(TCP_FLAG.SYN, 1001, 0), at(TCP_FLAG.SYN, 1, 10))).to.equal(null);
  });

  it("words field mismatches; big values in hex; packetdrill-only details get no cause", () => {
    expect(fieldCause(fieldMismatch("tcp_window", 257, 512, SPAN))).to.equal("expected win 257, live packet has win 512");
    expect(fieldCause(fieldMismatch("mptcp mpcapable key", 2n, 0xbb90f6271c3471can, SPAN))).to.equal("expected mpcapable key=2, live packet has key=0xbb90f6271c3471ca");
    expect(fieldCause(fieldMismatch("mptcp dss dack", 1, 0, SPAN))).to.equal("expected dss with a Data ACK, live packet has none");
    expect(fieldCause(fieldMismatch("mptcp dss mapping", 0, 1, SPAN))).to.equal("live packet's dss has a mapping (dsn, ssn, dll) the script does not expect");
    expect(fieldCause(fieldMismatch("tcp_data_offset", 8, 10, SPAN))).to.equal("lengths differ, nothing else: expected a 32-byte TCP header, live packet has 40 bytes");
    expect(fieldCause(plainMismatch("packet", "payload", "incorrect outbound data payload", SPAN))).to.equal(null);
  });

  it("names a missing packet, and a packet of another socket by its tuple", () => {
    expect(sniffCause(plainMismatch("timeout", "timeout", "Timed out waiting for packet", SPAN), null)).to.match(/^missing packet: /);
    const ip = {
      kind: "ipv4" as const, tos: 0, identification: 1, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6,
      src: new Uint8Array([192, 168, 0, 2]), dst: new Uint8Array([192, 0, 2, 1]), options: new Uint8Array(0),
    };
    const tcp = { kind: "tcp" as const, srcPort: 56824, dstPort: 8080, seq: seqNum(1), ack: seqNum(1), flags: TCP_FLAG.ACK, window: 1, urgent: 0, options: [] };
    const other = plainMismatch("packet", "socket", "packet is not for expected socket", SPAN);
    expect(sniffCause(other, packet(ip, tcp, new Uint8Array(0)))).to.equal("live packet belongs to another connection or subflow (192.168.0.2:56824 > 192.0.2.1:8080)");
  });
});
