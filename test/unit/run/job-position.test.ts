// JobPosition (where a job is, from its events) and SlowEvents (which starts a host sends).
import { expect } from "chai";
import type { ScriptEvent } from "../../../src/interp/events.ts";
import { SlowEvents } from "../../../src/runner/host-job.ts";
import { JobPosition } from "../../../src/runner/scheduler.ts";

const job = { file: "t.pkt", variant: "ipv4" as const };
const start = (line: number, what: string, ms = 10): ScriptEvent => ({ kind: "eventStart", ...job, line, what, ms });
const pass = (line: number, what = "x"): ScriptEvent => ({ kind: "eventPass", ...job, line, what, ms: 0 });

describe("runner: JobPosition", () => {
  it("names the script's current event; a later start replaces it even when its end was not seen", () => {
    const p = new JobPosition();
    for (const e of [start(1, "syscall socket"), start(4, "syscall accept"), start(4, "syscall accept (blocking: waiting for its return)"), pass(4), start(5, "outbound packet", 1500)]) p.see(e);
    expect(p.timedOut("timed out")).to.deep.equal({
      verdict: "fail", line: 5, message: "timed out at line 5: outbound packet, not ended since 1.500 s into the script",
    });
  });

  it("with no current event, names the oldest blocking call still waited for", () => {
    const p = new JobPosition();
    for (const e of [start(4, "syscall accept"), start(4, "syscall accept (blocking: waiting for its return)"), pass(4), start(6, "command"), pass(6)]) p.see(e);
    expect(p.timedOut("timed out")).to.deep.equal({
      verdict: "fail", line: 4, message: "timed out at line 4: syscall accept (blocking: waiting for its return), not ended since 0.010 s into the script",
    });
  });

  it("with nothing running, names the last line that ended; with no event at all, says so", () => {
    const p = new JobPosition();
    p.see(start(2, "command"));
    p.see(pass(2));
    expect(p.timedOut("t").message).to.equal("t; the last event that ended is on line 2");
    expect(new JobPosition().timedOut("t")).to.deep.equal({ verdict: "fail", line: null, message: "t before the script's first event" });
  });
});

describe("runner: SlowEvents", () => {
  it("sends a syscall's start at once (not its end), others only when still running after a moment (and then their end)", async () => {
    const sent: number[] = [];
    const s = new SlowEvents((e) => sent.push(e.line));
    s.started(start(1, "syscall socket") as never);
    expect(sent).to.deep.equal([1]);
    expect(s.ended({ line: 1 })).to.equal(false);
    s.started(start(2, "outbound packet") as never);
    expect(s.ended({ line: 2 })).to.equal(false);
    s.started(start(3, "command") as never);
    await new Promise((r) => setTimeout(r, SlowEvents.AFTER_MS + 50));
    expect(sent).to.deep.equal([1, 3]);
    expect(s.ended({ line: 3 })).to.equal(true);
    s.clear();
  });
});
