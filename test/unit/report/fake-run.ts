/**
 * Fake event streams for reporter tests (house-style rule 24, mocha createMockRunner style):
 * a finished run with every verdict, an interrupted one, and one with known-difference tags.
 */
import type { RunEvent } from "../../../src/interp/events.ts";
import type { ReportSink } from "../../../src/report/reporter.ts";

const A = "suites/tcp/connect/basic.pkt";
const B = "suites/mptcp/dss/data-fin-v4.pkt";
const C = "suites/tcp/ts/bad<&>\"name\".pkt";

/** A complete two-at-a-time run: pass, fail with dumps and a warning, error, pass. */
export const FULL_RUN: readonly RunEvent[] = [
  { kind: "runStart", total: 4, jobs: 2, sut: "kernel" },
  { kind: "scriptStart", file: A, variant: "ipv4" },
  { kind: "scriptStart", file: B, variant: "ipv4" },
  { kind: "eventPass", file: A, variant: "ipv4", line: 3, what: "syscall socket", ms: 1 },
  { kind: "log", file: B, variant: "ipv4", line: 5, text: "inbound injected packet:  0.100 S 0:0(0) win 65535\noutbound sniffed packet:  0.100 S. 0:0(0) ack 1" },
  { kind: "eventFail", file: B, variant: "ipv4", line: 9, message: "live packet field tcp_window: expected: 257 (0x101) vs actual: 512 (0x200)", fatal: false, ms: 120 },
  { kind: "eventPass", file: A, variant: "ipv4", line: 4, what: "outbound packet", ms: 101 },
  { kind: "scriptEnd", file: A, variant: "ipv4", verdict: "pass", line: null, message: null, ms: 412 },
  { kind: "eventFail", file: B, variant: "ipv4", line: 12, fatal: true, ms: 230,
    message: `${B}:12: error handling packet: expected ack 1001, live packet has ack 1\nlive packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 1 (0x1)\nscript packet:  0.200000 . 1:1(0) ack 1001 <dss dack4=1001>\nactual packet:  0.201000 . 1:1(0) ack 1 win 502 <dss dack4=1>`,
    failure: {
      kind: "packet", cause: "expected ack 1001, live packet has ack 1", detail: "live packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 1 (0x1)",
      field: "tcp_ack_seq", expected: "1001", actual: "1", line: 12, column: 1,
      scriptPacket: "0.200000 . 1:1(0) ack 1001 <dss dack4=1001>", livePacket: "0.201000 . 1:1(0) ack 1 win 502 <dss dack4=1>",
      capture: "/tmp/caps/suites__mptcp__dss__data-fin-v4.pkt.ipv4.pcap",
      text: `${B}:12: error handling packet: expected ack 1001, live packet has ack 1\nlive packet field tcp_ack_seq: expected: 1001 (0x3e9) vs actual: 1 (0x1)\nscript packet:  0.200000 . 1:1(0) ack 1001 <dss dack4=1001>\nactual packet:  0.201000 . 1:1(0) ack 1 win 502 <dss dack4=1>`,
    } },
  { kind: "scriptEnd", file: B, variant: "ipv4", verdict: "fail", line: 12, message: `${B}:12: error handling packet: expected ack 1001, live packet has ack 1`, ms: 1530 },
  { kind: "scriptStart", file: B, variant: "ipv4-mapped-ipv6" },
  { kind: "scriptStart", file: C, variant: "ipv6" },
  { kind: "scriptEnd", file: C, variant: "ipv6", verdict: "error", line: 2, message: `${C}:2: parse error at 'foo': syntax error`, ms: 35 },
  { kind: "scriptEnd", file: B, variant: "ipv4-mapped-ipv6", verdict: "pass", line: null, message: null, ms: 1499 },
  { kind: "runEnd", counts: { pass: 2, fail: 1, error: 1, skip: 0, xfail: 0, xpass: 0, flaky: 0 }, ms: 1999, interrupted: false },
];

/** A run stopped by SIGINT: one job done, one killed while running, two never started. */
export const INTERRUPTED_RUN: readonly RunEvent[] = [
  { kind: "runStart", total: 4, jobs: 1, sut: "kernel" },
  { kind: "scriptStart", file: A, variant: "ipv4" },
  { kind: "scriptEnd", file: A, variant: "ipv4", verdict: "pass", line: null, message: null, ms: 400 },
  { kind: "scriptStart", file: A, variant: "ipv6" },
  { kind: "scriptEnd", file: A, variant: "ipv6", verdict: "skip", line: null, message: "interrupted by SIGINT", ms: 250 },
  { kind: "runEnd", counts: { pass: 1, fail: 0, error: 0, skip: 3, xfail: 0, xpass: 0, flaky: 0 }, ms: 700, interrupted: true },
];

const D = "suites/reference/dss/dss-04-32bit-dsn-inferred-listener-v4.pkt";
const E = "suites/reference/mp-join/mpj-04-bad-ack-hmac-reset-listener-v4.pkt";
const KNOWN_D = { sut: "kernel", kind: "rfc-choice", reason: "Linux sends a 32-bit Data ACK (RFC 8684 §3.3.1: \"either 4 or 8 octets\")", line: 2 };
const CAUSE_D = "expected dss with an 8-octet Data ACK (dack8), live packet has a 4-octet one (dack4)";
const KNOWN_E = { sut: "kernel", kind: "kernel-deviation", reason: "Linux sends the reset without ACK & <flags>", line: 3 };

/** A run on the kernel SUT with tagged scripts: an expected failure (xfail), a stale tag (xpass), a plain pass. */
export const TAGGED_RUN: readonly RunEvent[] = [
  { kind: "runStart", total: 3, jobs: 1, sut: "kernel" },
  { kind: "scriptStart", file: D, variant: "ipv4" },
  { kind: "eventFail", file: D, variant: "ipv4", line: 16, fatal: true, ms: 16,
    message: `${D}:16: error handling packet: ${CAUSE_D}\nlive packet field ipv4_total_length: expected: 52 (0x34) vs actual: 48 (0x30)\nscript packet:  0.016388 . 1:1(0) ack 11 <dss dack8=11>\nactual packet:  0.016443 . 1:1(0) ack 11 win 501 <dss dack4=11>`,
    failure: {
      kind: "packet", cause: CAUSE_D, detail: "live packet field ipv4_total_length: expected: 52 (0x34) vs actual: 48 (0x30)",
      field: "ipv4_total_length", expected: "52", actual: "48", line: 16, column: 1,
      scriptPacket: "0.016388 . 1:1(0) ack 11 <dss dack8=11>", livePacket: "0.016443 . 1:1(0) ack 11 win 501 <dss dack4=11>", capture: null,
      text: `${D}:16: error handling packet: ${CAUSE_D}\nlive packet field ipv4_total_length: expected: 52 (0x34) vs actual: 48 (0x30)\nscript packet:  0.016388 . 1:1(0) ack 11 <dss dack8=11>\nactual packet:  0.016443 . 1:1(0) ack 11 win 501 <dss dack4=11>`,
    } },
  { kind: "scriptEnd", file: D, variant: "ipv4", verdict: "xfail", line: 16, message: `${D}:16: error handling packet: ${CAUSE_D}`, ms: 2000, known: KNOWN_D },
  { kind: "scriptStart", file: E, variant: "ipv4" },
  { kind: "scriptEnd", file: E, variant: "ipv4", verdict: "xpass", line: 3, message: "passed, but line 3 tags it kernel-differs kernel-deviation: remove or update the tag", ms: 1700, known: KNOWN_E },
  { kind: "scriptStart", file: A, variant: "ipv4" },
  { kind: "scriptEnd", file: A, variant: "ipv4", verdict: "pass", line: null, message: null, ms: 400 },
  { kind: "runEnd", counts: { pass: 1, fail: 0, error: 0, skip: 0, xfail: 1, xpass: 1, flaky: 0 }, ms: 4100, interrupted: false },
];

const TIMING: import("../../../src/interp/events.ts").FailureDetail = {
  kind: "timing", cause: "timing error: inbound packet 0.081033 sec too late (beyond its 0.025000 sec tolerance)",
  detail: "timing error: expected inbound packet at 0.100000 sec but happened at 0.206033 sec; tolerance 0.025000 sec", field: "timing",
  expected: "100000", actual: "206033", line: 7, column: 1, scriptPacket: null, livePacket: null, capture: "caps/flaky.ipv4.pcap",
  text: "flaky.pkt:7: timing error: inbound packet 0.081033 sec too late (beyond its 0.025000 sec tolerance)\ntiming error: expected inbound packet at 0.100000 sec but happened at 0.206033 sec; tolerance 0.025000 sec",
};

/**
 * A CI-gate run: a job flaky under `--retries` (failed, then passed), a failure a baseline knows
 * (xfail), a baseline row now passing (fixed), a failure on another line than its row (changed),
 * and a job repeated twice (`--repeat`).
 */
export const GATE_RUN: readonly RunEvent[] = [
  { kind: "runStart", total: 6, jobs: 1, sut: "kernel" },
  { kind: "scriptStart", file: "flaky.pkt", variant: "ipv4" },
  { kind: "eventFail", file: "flaky.pkt", variant: "ipv4", line: 7, message: TIMING.text, fatal: true, ms: 206, failure: TIMING },
  { kind: "scriptEnd", file: "flaky.pkt", variant: "ipv4", verdict: "flaky", line: null, message: null, ms: 1076, attempts: [
    { attempt: 1, verdict: "fail", line: 7, message: TIMING.text.split("\n")[0] ?? "", ms: 852, failure: TIMING },
    { attempt: 2, verdict: "pass", line: null, message: null, ms: 172, failure: null },
  ] },
  { kind: "scriptStart", file: A, variant: "ipv4" },
  { kind: "scriptEnd", file: A, variant: "ipv4", verdict: "xfail", line: 9, message: `${A}:9: expected ack 1001, live packet has ack 1`, ms: 300, baseline: { status: "known", verdict: "fail", line: 9 } },
  { kind: "scriptStart", file: A, variant: "ipv6" },
  { kind: "scriptEnd", file: A, variant: "ipv6", verdict: "pass", line: null, message: null, ms: 280, baseline: { status: "fixed", verdict: "fail", line: 9 } },
  { kind: "scriptStart", file: B, variant: "ipv4" },
  { kind: "scriptEnd", file: B, variant: "ipv4", verdict: "fail", line: 14, message: `${B}:14: expected ack 1001, live packet has ack 1`, ms: 900, baseline: { status: "changed", verdict: "fail", line: 12 } },
  { kind: "scriptStart", file: C, variant: "ipv6", repeat: 1 },
  { kind: "scriptEnd", file: C, variant: "ipv6", repeat: 1, verdict: "pass", line: null, message: null, ms: 100 },
  { kind: "scriptStart", file: C, variant: "ipv6", repeat: 2 },
  { kind: "scriptEnd", file: C, variant: "ipv6", repeat: 2, verdict: "fail", line: 4, message: `${C}:4: boom`, ms: 100 },
  { kind: "runEnd", counts: { pass: 2, fail: 2, error: 0, skip: 0, xfail: 1, xpass: 0, flaky: 1 }, ms: 2800, interrupted: false },
];

/** A sink collecting text and counting flushes. */
export function memorySink(isTTY = false): ReportSink & { text: () => string; flushes: () => number } {
  let text = "";
  let flushes = 0;
  return { isTTY, write: (t) => void (text += t), flush: () => void (flushes += 1), text: () => text, flushes: () => flushes };
}
