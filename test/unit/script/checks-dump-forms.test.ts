// Checks and spans for the dump-only forms (unknown options, rsv=, vN, cksum=, flags N, ipproto)
// and the narrower spans: syscall `name(args)`, the `win` clause, where a missing `win` goes.
import { expect } from "chai";
import type { Packet, Syscall } from "../../../src/script/ast.ts";
import { runChecks, type CheckPass } from "../../../src/script/check-script.ts";
import { inboundPackets } from "../../../src/script/checks/inbound-packets.ts";
import { optionBytes, optionSpace } from "../../../src/script/checks/option-space.ts";
import { syscallArity } from "../../../src/script/checks/syscall-arity.ts";
import { valueRanges } from "../../../src/script/checks/value-ranges.ts";
import { parseScript } from "../../../src/script/parse.ts";
import type { Span } from "../../../src/script/span.ts";
import { parseOk } from "./parse-helpers.ts";

/** Runs one pass over `lines`; diagnostics as `severity code line:col-line:col message | notes`. */
function check(pass: CheckPass, lines: string[]): string[] {
  const parsed = parseScript(`${lines.join("\n")}\n`, "t.pkt");
  if (parsed.script === null) throw new Error(`does not parse: ${parsed.diagnostics[0]?.message}`);
  return runChecks(parsed.script, {}, [pass]).map((d) =>
    `${d.severity} ${d.code} ${at(d.span)} ${d.message}${d.notes.map((n) => ` | ${n}`).join("")}`);
}

const at = (s: Span): string => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;

describe("checks: value-ranges on dump forms", () => {
  it("accepts the largest value of every new field", () => {
    expect(check(valueRanges, [
      "0 > ipproto 255 (65535)",
      "+0 > . 1:1(0) ack 1 <unknown 255 0x00, mptcp_unknown 0x, mp_reset 255 flags 15>",
      "+0 > . 1:1(0) ack 1 <mpcapable v15 flags 0xff key[a=1, b=2] mpcdatalen 65535 cksum=65535>",
      "+0 > . 1:1(0) ack 1 <mp_join_syn token=1 rsv=7, mp_join_syn_ack sender_hmac=1 rsv=7, mp_join_ack sender_hmac=1 rsv=4095>",
      "+0 > . 1:1(0) ack 1 <dss dack4=1 rsv=127, add_address addr[a] addr_echo hmac=1 rsv=7, remove_address address_id=[] rsv=15>",
      "+0 > . 1:1(0) ack 1 <mp_prio backup=1 rsv=7, mp_fail dsn8=1 rsv=4095, mp_fastclose k rsv=4095>",
      "+0 > icmp packet_too_big mtu 4294967295",
    ])).to.deep.equal([]);
  });

  it("reports each new field one past its largest value, with the exact span", () => {
    expect(check(valueRanges, [
      "0 > ipproto 256 (65536)",
      "+0 > . 1:1(0) ack 1 <unknown 256, mp_reset 1 flags 16>",
      "+0 > . 1:1(0) ack 1 <mpcapable v16 flags 0 nokey cksum=65536>",
      "+0 > . 1:1(0) ack 1 <mp_join_syn token=1 rsv=8, mp_join_ack sender_hmac=1 rsv=4096, dss dack4=1 rsv=128>",
      "+0 > . 1:1(0) ack 1 <add_address addr[a] rsv=8, remove_address address_id=[1] rsv=16, mp_fastclose rsv=4096>",
      "+0 > icmp unreachable frag_needed mtu 65536",
    ])).to.deep.equal([
      "error value-range 1:13-1:16 Value 256 does not fit 'ipproto' (0..255)",
      "error value-range 1:18-1:23 Value 65536 does not fit 'IP payload length' (0..65535)",
      "error value-range 2:30-2:33 Value 256 does not fit 'option kind' (0..255)",
      "error value-range 2:52-2:54 Value 16 does not fit 'mp_reset flags' (0..15)",
      "error value-range 3:32-3:35 Value 16 does not fit 'mpcapable version' (0..15)",
      "error value-range 3:56-3:61 Value 65536 does not fit 'cksum' (0..65535)",
      "error value-range 4:46-4:47 Value 8 does not fit 'rsv' (0..7)",
      "error value-range 4:79-4:83 Value 4096 does not fit 'rsv' (0..4095)",
      "error value-range 4:101-4:104 Value 128 does not fit 'rsv' (0..127)",
      "error value-range 5:46-5:47 Value 8 does not fit 'rsv' (0..7)",
      "error value-range 5:83-5:85 Value 16 does not fit 'rsv' (0..15)",
      "error value-range 5:104-5:108 Value 4096 does not fit 'rsv' (0..4095)",
      "error value-range 6:39-6:44 Value 65536 does not fit 'mtu' (0..65535)",
    ]);
  });
});

describe("checks: option-space", () => {
  it("counts each option's encoded bytes", () => {
    const sizes = (text: string): number[] => {
      const body = (parseOk(`0 > . 1:1(0) ack 1 <${text}>\n`).events[0]?.action as Packet).body;
      return body.kind === "tcp" && body.options?.kind === "optionList" ? body.options.options.map((o) => optionBytes(o)) : [];
    };
    expect(sizes("nop, mss 1, wscale 1, sackOK, sack 1:2 3:4, TS val 1 ecr 2, FO 0011, FOEXP, md5 X, ECN e0b 1")).to.deep.equal([1, 4, 3, 2, 18, 10, 4, 4, 18, 5]);
    expect(sizes("unknown 99 0xdead, mptcp_unknown 0x10, mpcapable v1 flags 0 nokey, mpcapable v1 flags 0 key[a, b] mpcdatalen 1 cksum=2")).to.deep.equal([4, 3, 4, 24]);
    expect(sizes("dss dack8=1 dsn8=1 ssn=1 dll=1 cksum=5, dss dack4=1 dsn4=1 ssn=1 dll=1 cksum=0, add_address addr[a=inet6_addr(\"::1\")] port=1 hmac=1")).to.deep.equal([28, 18, 30]);
  });

  it("accepts exactly 40 bytes and reports 41, and odd hex data", () => {
    expect(check(optionSpace, ["0 > . 1:1(0) ack 1 <md5 X, md5 X, nop, nop, nop, nop>"])).to.deep.equal([]);
    expect(check(optionSpace, ["0 > . 1:1(0) ack 1 <md5 X, md5 X, unknown 200 0x0, mptcp_unknown 0xabc>"])).to.deep.equal([
      "error option-space 1:20-1:72 TCP options take at least 41 bytes, more than 40 | RFC 9293 §3.1: the 4-bit Data Offset limits the TCP header to 60 bytes, 40 of them options",
      "error option-hex 1:47-1:50 'unknown' data has an odd number of hex digits (1) | each byte is written as two hex digits",
      "error option-hex 1:66-1:71 'mptcp_unknown' data has an odd number of hex digits (3) | each byte is written as two hex digits",
    ]);
  });
});

describe("spans: syscall call, win clause, missing win", () => {
  it("gives a syscall the span of name(args) apart from the whole event", () => {
    const call = parseOk("+0 listen(3, /* backlog */ 1)   = -1 EINVAL (bad)\n").events[0]?.action as Syscall;
    expect(at(call.callSpan)).to.equal("1:4-1:30");
    expect(at(call.span)).to.equal("1:4-1:50");
  });

  it("gives a TCP segment the span of its win clause", () => {
    const body = (parseOk("0 < . 1:1(0) ack 1 win  7 <nop>\n").events[0]?.action as Packet).body;
    expect(body.kind === "tcp" && body.winSpan !== null ? at(body.winSpan) : null).to.equal("1:20-1:26");
    const none = (parseOk("0 > . 1:1(0)\n").events[0]?.action as Packet).body;
    expect(none.kind === "tcp" ? none.winSpan : undefined).to.equal(null);
  });

  it("underlines only name(args) for a wrong arity or an unknown call", () => {
    expect(check(syscallArity, ["0 listen(3) = 0", "+0 frob( 1 ) = 0 (note)"])).to.deep.equal([
      "error syscall-arity 1:3-1:12 System call 'listen' takes 2 arguments but 1 was given",
      "warning unknown-syscall 2:4-2:13 Unknown system call 'frob' | packetdrill fails this line when it runs",
    ]);
  });

  it("points a missing win just after the ack, or after the sequence range", () => {
    expect(check(inboundPackets, ["0 < S 0:0(0) <mss 1>", "+0 < . 1:1(0) ack 1 urg 1", "+0 < . 1:1(0) win 1"])).to.deep.equal([
      "error inbound-window 1:13-1:13 Inbound TCP packet without 'win' | the window of an injected packet is not chosen automatically: add 'win N'",
      "error inbound-window 2:20-2:20 Inbound TCP packet without 'win' | the window of an injected packet is not chosen automatically: add 'win N'",
    ]);
  });
});
