import { expect } from "chai";
import { runChecks, type CheckOptions, type CheckPass } from "../../../src/script/check-script.ts";
import { cookieLengths } from "../../../src/script/checks/cookie-lengths.ts";
import { duplicateFields } from "../../../src/script/checks/duplicate-fields.ts";
import { inboundPackets } from "../../../src/script/checks/inbound-packets.ts";
import { mptcpForms } from "../../../src/script/checks/mptcp-forms.ts";
import { seqConsistency } from "../../../src/script/checks/seq-consistency.ts";
import { tcpFlags } from "../../../src/script/checks/tcp-flags.ts";
import { valueRanges } from "../../../src/script/checks/value-ranges.ts";
import { parseScript } from "../../../src/script/parse.ts";

/** Runs one pass over a script of `0 socket(…)` then `lines`; diagnostics as `severity code line:col message | notes`. */
function check(pass: CheckPass, lines: string[], options: CheckOptions = {}): string[] {
  const parsed = parseScript(`0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n${lines.join("\n")}\n`, "t.pkt");
  if (parsed.script === null) throw new Error(`does not parse: ${parsed.diagnostics[0]?.message}`);
  return runChecks(parsed.script, options, [pass]).map(
    (d) => `${d.severity} ${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}${d.notes.map((n) => ` | ${n}`).join("")}`,
  );
}

describe("checks: tcp-flags", () => {
  it("accepts the flag forms of the corpus and AccECN digits", () => {
    expect(check(tcpFlags, ["+0 > S. 0:0(0) ack 1", "+0 > SEW 0:0(0)", "+0 > FP. 1:1(0) ack 1", "+0 > - 1:1(0)", "+0 > S.5 0:0(0) ack 1", "+0 > . 1:1(0) ack 1"])).to.deep.equal([]);
  });
  it("reports each invalid letter and conflicting ACE bits", () => {
    expect(check(tcpFlags, ["+0 < SXZ 0:0(0) win 1", "+0 > S.55 0:0(0)", "+0 > SE5 0:0(0)"])).to.deep.equal([
      "error tcp-flags 2:7 Invalid TCP flag 'X' | flags are 'FSRPEWAU', '.' (ACK), one ACE digit 0-7, or '-' for none",
      "error tcp-flags 2:8 Invalid TCP flag 'Z' | flags are 'FSRPEWAU', '.' (ACK), one ACE digit 0-7, or '-' for none",
      "error tcp-flags 3:6 Conflicting TCP flags 'S.55' | the ACE digit sets the AE, CWR and ECE bits together, so it excludes 'E', 'W', 'A' and a second digit",
      "error tcp-flags 4:6 Conflicting TCP flags 'SE5' | the ACE digit sets the AE, CWR and ECE bits together, so it excludes 'E', 'W', 'A' and a second digit",
    ]);
  });
});

describe("checks: seq-consistency", () => {
  it("accepts end = start + length, wrapping at 2^32", () => {
    expect(check(seqConsistency, ["+0 > P. 1:1001(1000) ack 1", "+0 > P. 4294967295:9(10) ack 1"])).to.deep.equal([]);
  });
  it("reports an inconsistent range, also inside an ICMP error", () => {
    expect(check(seqConsistency, ["+0 < P. 1:101(10) ack 1 win 1", "+0 < icmp unreachable frag_needed mtu 800 [1:5(10)]"])).to.deep.equal([
      "error seq-inconsistent 2:9 Inconsistent TCP sequence numbers and payload size | the end must be start + length: 1 + 10 = 11, not 101",
      "error seq-inconsistent 3:44 Inconsistent TCP sequence numbers and payload size | the end must be start + length: 1 + 10 = 11, not 5",
    ]);
  });
});

describe("checks: value-ranges", () => {
  it("accepts maximal values", () => {
    expect(check(valueRanges, ["+0 < [tos 0xff] S 4294967295:4294967295(0) win 65535 <mss 65535, wscale 14, TS val 4294967295 ecr 0>"])).to.deep.equal([]);
  });
  it("reports every TCP and IP field that does not fit", () => {
    expect(check(valueRanges, ["+0 < (tos 0x100, ttl 256, flowlabel 0x100000) S 4294967296:0(70000) ack 4294967296 win 65536 urg 70000 <mss 65536, wscale 256>"])).to.deep.equal([
      "error value-range 2:11 Value 256 does not fit 'tos' (0..255)",
      "error value-range 2:22 Value 256 does not fit 'ttl' (0..255)",
      "error value-range 2:37 Value 1048576 does not fit 'flowlabel' (0..1048575)",
      "error value-range 2:49 Value 4294967296 does not fit 'sequence number' (0..4294967295)",
      "error value-range 2:62 Value 70000 does not fit 'payload length' (0..65535)",
      "error value-range 2:73 Value 4294967296 does not fit 'ack' (0..4294967295)",
      "error value-range 2:88 Value 65536 does not fit 'win' (0..65535)",
      "error value-range 2:98 Value 70000 does not fit 'urg' (0..65535)",
      "error value-range 2:109 Value 65536 does not fit 'mss' (0..65535)",
      "error value-range 2:123 Value 256 does not fit 'wscale' (0..255)",
    ]);
  });
  it("warns, never errs, about a window scale above 14", () => {
    expect(check(valueRanges, ["+0 < S 0:0(0) win 1 <wscale 15>"])).to.deep.equal([
      "warning value-suspicious 2:29 Value 15 of 'wscale' is above 14 | RFC 7323 §2.3: a shift count above 14 is treated as 14; fine when the script tests that clamp",
    ]);
  });
  it("reports MPTCP fields: address id, dll, reason, 4-byte DSS numbers, backup bit", () => {
    expect(check(valueRanges, [
      "+0 < . 1:1(0) ack 1 win 1 <dss dack4=4294967296 dsn8=1 ssn=1 dll=65536 nocs>",
      "+0 < . 1:1(0) ack 1 win 1 <mp_reset 256, mp_prio backup=2 address_id=256>",
    ])).to.deep.equal([
      "error value-range 2:38 Value 4294967296 does not fit '4-byte DSS field' (0..4294967295)",
      "error value-range 2:66 Value 65536 does not fit 'dll' (0..65535)",
      "error value-range 3:37 Value 256 does not fit 'reason' (0..255)",
      "error value-range 3:57 Value 2 does not fit 'backup' (0..1)",
      "error value-range 3:70 Value 256 does not fit 'address_id' (0..255)",
    ]);
  });
  it("checks an identifier through a numeric -D define", () => {
    expect(check(valueRanges, ["+0 < S 0:0(0) win WIN"], { defines: { WIN: "0x10000" } })).to.deep.equal([
      "error value-range 2:19 Value 65536 does not fit 'win' (0..65535)",
    ]);
    expect(check(valueRanges, ["+0 < S 0:0(0) win WIN"])).to.deep.equal([]);
  });
});

describe("checks: cookie-lengths", () => {
  it("accepts even hex cookies, cookie requests and defines", () => {
    expect(check(cookieLengths, ["+0 < S 0:0(0) win 1 <FO 3021b9d889017eeb, FOEXP, md5 00112233445566778899aabbccddeeff>", "+0 < S 0:0(0) win 1 <FO TFO_COOKIE>"])).to.deep.equal([]);
  });
  it("reports odd-length and too long values", () => {
    expect(check(cookieLengths, ["+0 < S 0:0(0) win 1 <FO abc, md5 00112233445566778899aabbccddeeff00>"])).to.deep.equal([
      "error cookie-length 2:25 'FO' value has an odd number of hex digits (3) | each byte is written as two hex digits",
      "error cookie-length 2:34 'md5' value is 17 bytes long, more than 16",
    ]);
  });
});

describe("checks: duplicate-fields", () => {
  it("reports duplicated struct fields and IP info items, and warns about repeated options", () => {
    expect(check(duplicateFields, [
      "+0 poll([{fd=3, events=POLLIN, fd=4}], 1, 0) = 1",
      "+0 < (tos 0x4, ect0) S 0:0(0) win 1 <mss 1460, nop, mss 1400>",
    ])).to.deep.equal([
      "error duplicate-field 2:32 Duplicate field 'fd' in a struct | first given at line 2, column 11",
      "error duplicate-field 3:16 Duplicate 'tos' in IP header info | first given at line 3, column 7 | an ECN codepoint also sets the tos byte",
      "warning duplicate-option 3:53 TCP option 'mss' appears more than once | first given at line 3, column 38",
    ]);
  });
});

describe("checks: inbound-packets", () => {
  it("accepts outbound packets without win and with <...>", () => {
    expect(check(inboundPackets, ["+0 > [ect01] S. 0:0(0) ack 1 <...>", "+0 < icmp unreachable port_unreachable"])).to.deep.equal([]);
  });
  it("reports a missing win, '<...>' and ect01 on inbound packets", () => {
    expect(check(inboundPackets, ["+0 < S 0:0(0) <mss 1460>", "+0 < [ect01] S 0:0(0) win 1 <...>"])).to.deep.equal([
      "error inbound-window 2:14 Inbound TCP packet without 'win' | the window of an injected packet is not chosen automatically: add 'win N'",
      "error inbound-ect01 3:7 'ect01' is not allowed on an inbound packet | 'ect01' accepts either ECT(0) or ECT(1) on an outbound packet; an injected packet needs one codepoint",
      "error inbound-any-options 3:29 '<...>' is not allowed on an inbound packet | '<...>' means 'do not check the options', which only applies to packets the stack sends",
    ]);
  });
});

describe("checks: mptcp-forms", () => {
  it("accepts DACK-only and DACK+DSN forms and mp_fail dsn8", () => {
    expect(check(mptcpForms, ["+0 < . 1:1(0) ack 1 win 1 <dss dack4=1 nocs>", "+0 < . 1:1(0) ack 1 win 1 <dss dack8=1 dsn8=1 ssn=1 dll=0 nocs, mp_fail dsn8=1>"])).to.deep.equal([]);
  });
  it("reports mp_fail dsn4, a DSN without DACK and a bare dss, with why", () => {
    expect(check(mptcpForms, ["+0 < . 1:1(0) ack 1 win 1 <mp_fail dsn4=1>", "+0 < . 1:1(0) ack 1 win 1 <dss dsn8=1 nocs>", "+0 < . 1:1(0) ack 1 win 1 <dss>"])).to.deep.equal([
      "error mptcp-unsupported 2:36 'mp_fail' needs 'dsn8', not 'dsn4' | RFC 8684 §3.7: MP_FAIL carries the full 64-bit data sequence number; there is no 4-byte form",
      "error mptcp-unsupported 3:28 'dss' with a data sequence number but no Data ACK is not supported | packetdrill's MPTCP fork emits no option for this form; add 'dack4=…' or 'dack8=…' before the DSN",
      "error mptcp-unsupported 4:28 'dss' without 'dack4'/'dack8' or 'dsn4'/'dsn8' is not supported | a bare 'dss' has neither a Data ACK nor a mapping, and packetdrill's MPTCP fork builds an inconsistent option from it",
    ]);
  });
});
