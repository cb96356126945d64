import { expect } from "chai";
import { type EventFailEvent, type FailureDetail, isFailureDetail, isScriptEvent, textFailure, withCapture } from "../../../src/interp/events.ts";

const FAILURE: FailureDetail = {
  kind: "packet", cause: "expected flags R. (RST|ACK), live packet has . (ACK)", detail: "live packet field ipv4_total_length: expected: 44 (0x2c) vs actual: 52 (0x34)",
  field: "ipv4_total_length", expected: "44", actual: "52", line: 23, column: 6,
  scriptPacket: "0.024338 R. 1:1(0) ack 1 <mp_reset 0>", livePacket: "0.024624 . 1:1(0) ack 1 win 501 <dss dack8=11>", capture: null,
  text: "x.pkt:23: error handling packet: expected flags R. (RST|ACK), live packet has . (ACK)\nlive packet field ipv4_total_length: expected: 44 (0x2c) vs actual: 52 (0x34)",
};
const FAIL: EventFailEvent = { kind: "eventFail", file: "x.pkt", variant: "ipv4", line: 23, message: FAILURE.text, fatal: true, ms: 24, failure: FAILURE };

describe("interp/events: the failure as data across a process boundary", () => {
  it("an eventFail with its failure survives a JSON round trip and still validates", () => {
    const back = JSON.parse(JSON.stringify(FAIL)) as unknown;
    expect(back).to.deep.equal(FAIL);
    expect(isScriptEvent(back)).to.equal(true);
  });
  it("an eventFail without a failure still validates (producers with text only)", () => {
    const { failure: _f, ...bare } = FAIL;
    expect(isScriptEvent(bare)).to.equal(true);
  });
  it("rejects a failure with a missing key, a bigint or number value, or an unknown kind", () => {
    const { capture: _c, ...missing } = FAILURE;
    for (const bad of [missing, { ...FAILURE, expected: 44 }, { ...FAILURE, actual: 52n }, { ...FAILURE, kind: "oops" }, { ...FAILURE, line: 1.5 }]) {
      expect(isFailureDetail(bad), JSON.stringify(bad, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))).to.equal(false);
      expect(isScriptEvent({ ...FAIL, failure: bad })).to.equal(false);
    }
  });
  it("withCapture names the pcap file in a failure, and leaves other events alone", () => {
    expect(withCapture(FAIL, "/tmp/c.pcap").failure?.capture).to.equal("/tmp/c.pcap");
    expect(withCapture(FAIL, null)).to.equal(FAIL);
    const pass = { kind: "eventPass", file: "x.pkt", variant: "ipv4", line: 3, what: "outbound packet", ms: 1 } as const;
    expect(withCapture(pass, "/tmp/c.pcap")).to.equal(pass);
  });
  it("textFailure takes the first line without its location as the cause", () => {
    const f = textFailure("command", "x.pkt", 4, "x.pkt:4: error executing `false` command: non-zero status 1\nmore");
    expect(f).to.deep.include({ kind: "command", cause: "error executing `false` command: non-zero status 1", line: 4, column: null, field: null });
    expect(isFailureDetail(f)).to.equal(true);
    expect(textFailure("command", "x.pkt", 2, "x.pkt: error executing init command: non-zero status 127").cause).to.equal("error executing init command: non-zero status 127");
  });
});
