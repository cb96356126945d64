import { expect } from "chai";
import type { EventTime, Seconds } from "../../../src/script/ast.ts";
import type { Span } from "../../../src/script/span.ts";
import {
  DEFAULT_TIMING, type Scheduled, Timeline, checkTime, secondsToMicros, sniffTimeoutMicros, toleranceFor,
} from "../../../src/interp/timeline.ts";

const span: Span = { file: "t.pkt", start: { line: 7, column: 1, offset: 0 }, end: { line: 7, column: 2, offset: 1 } };
const secs = (text: string): Seconds => ({ kind: "seconds", text, value: Number(text), span });
const rel = (t: string): EventTime => ({ kind: "rel", offset: secs(t), span });
const abs = (t: string): EventTime => ({ kind: "abs", at: secs(t), span });

function sched(x: Scheduled | string): Scheduled {
  if (typeof x === "string") throw new Error(x);
  return x;
}

describe("interp/timeline", () => {
  it("converts seconds text to µs exactly, truncating below 1 µs", () => {
    expect(secondsToMicros(secs("0.1"))).to.equal(100_000);
    expect(secondsToMicros(secs(".29"))).to.equal(290_000);
    expect(secondsToMicros(secs("2"))).to.equal(2_000_000);
    expect(secondsToMicros(secs("0.0000019"))).to.equal(1);
  });

  it("bases relative times on the elapsed time, except inbound after inbound (§2.2)", () => {
    const t = new Timeline();
    const a = sched(t.schedule(abs("0"), null, "inbound", 0));
    t.complete(a.startAt ?? 0, "inbound");
    // A second inbound packet: base = previous scheduled time (0), not the elapsed 3 ms.
    const b = sched(t.schedule(rel("0.1"), null, "inbound", 3000));
    expect(b.expected).to.deep.equal({ kind: "point", at: 100_000 });
    t.complete(100_000, "inbound");
    // An outbound packet: base = elapsed.
    const c = sched(t.schedule(rel("0.1"), null, "outbound", 104_000));
    expect(c.expected).to.deep.equal({ kind: "point", at: 204_000 });
    expect(c.prev).to.equal(100_000);
  });

  it("adds the base to a blocking call's end time and to relative windows", () => {
    const t = new Timeline();
    t.complete(0, "other");
    const s = sched(t.schedule(rel(".1"), secs("0.200"), "other", 50_000));
    expect(s.startAt).to.equal(150_000);
    expect(s.blockingEnd).to.equal(250_000);
    const w = sched(t.schedule({ kind: "relRange", start: secs("0.3"), end: secs("0.31"), span }, null, "outbound", 1000));
    expect(w.expected).to.deep.equal({ kind: "range", start: 301_000, end: 311_000, relBase: 1000 });
  });

  it("rejects a non-zero first absolute time and time going backward", () => {
    expect(new Timeline().schedule(abs("1"), null, "other", 0)).to.equal("first event should be at time 0");
    const t = new Timeline();
    t.schedule(abs("0"), null, "other", 0);
    t.complete(0, "other");
    t.schedule(abs("0.5"), null, "other", 0);
    t.complete(500_000, "other");
    expect(t.schedule(abs("0.2"), null, "other", 0)).to.equal("time goes backward in script from 500000 usec to 200000 usec");
  });

  it("computes tolerance = max(usecs, percent × (T − T_prev)), 0 when exact", () => {
    expect(toleranceFor(DEFAULT_TIMING, 100_000, 0)).to.equal(12_500);
    expect(toleranceFor(DEFAULT_TIMING, 10_000, 0)).to.equal(4000);
    expect(toleranceFor({ ...DEFAULT_TIMING, exact: true }, 10_000, 0)).to.equal(0);
  });

  it("renders timing errors like packetdrill (§9)", () => {
    const cfg = { toleranceUsecs: 4000, tolerancePercent: 0, exact: false };
    const m = checkTime("outbound packet", { kind: "point", at: 100_000 }, 162_345, 90_000, cfg, span);
    expect(m?.detail).to.equal("timing error: expected outbound packet at 0.100000 sec but happened at 0.162345 sec; tolerance 0.004000 sec");
    expect(checkTime("outbound packet", { kind: "point", at: 100_000 }, 103_999, 90_000, cfg, span)).to.equal(null);
    const r = checkTime("outbound packet", { kind: "range", start: 300_000, end: 310_000, relBase: 0 }, 400_000, 0, cfg, span);
    expect(r?.detail).to.equal("timing error: expected outbound packet in relative time range +0.300000~+0.310000 sec but happened at +0.400000 sec; tolerance 0.004000 sec");
    expect(checkTime("outbound packet", { kind: "any" }, 9e9, 0, cfg, span)).to.equal(null);
  });

  it("sets the sniff timeout to ⌊(T − T_prev)/1 s + 2⌋ s, none for *", () => {
    expect(sniffTimeoutMicros({ expected: { kind: "point", at: 2_500_000 }, startAt: 2_500_000, blockingEnd: null, prev: 0 })).to.equal(4_000_000);
    expect(sniffTimeoutMicros({ expected: { kind: "any" }, startAt: null, blockingEnd: null, prev: 0 })).to.equal(null);
  });
});
