import { expect } from "chai";
import type { FailureDetail, JobRef, RunEvent, ScriptEndEvent } from "../../../src/interp/events.ts";
import { schedule, type JobOutcome, type RunJob, type ScheduleOptions } from "../../../src/runner/scheduler.ts";

const PASS: JobOutcome = { verdict: "pass", line: null, message: null };
const FAIL: JobOutcome = { verdict: "fail", line: 9, message: "a.pkt:9: timing error" };

function failure(attempt: number): FailureDetail {
  return {
    kind: "timing", cause: `late (attempt ${attempt})`, detail: "late", field: "timing", expected: "100000", actual: "206000", line: 9, column: 1,
    scriptPacket: null, livePacket: null, capture: null, text: `a.pkt:9: late (attempt ${attempt})`,
  };
}

/** A job that fails (streaming its eventFail) on the attempts listed, and passes otherwise. */
function failingOn(attempts: readonly number[]): { runJob: RunJob<JobRef>; calls: () => number } {
  let calls = 0;
  const runJob: RunJob<JobRef> = (job, emit) => {
    calls += 1;
    if (!attempts.includes(calls)) return Promise.resolve(PASS);
    emit({ kind: "eventFail", file: job.file, variant: job.variant, line: 9, message: `a.pkt:9: late (attempt ${calls})`, fatal: true, ms: 5, failure: failure(calls) });
    return Promise.resolve(FAIL);
  };
  return { runJob, calls: () => calls };
}

async function collect(o: Partial<ScheduleOptions<JobRef>> & { runJob: RunJob<JobRef> }, jobs: JobRef[] = [{ file: "a.pkt", variant: "ipv4" }]) {
  const events: RunEvent[] = [];
  const result = await schedule({ jobs, parallel: 1, timeoutMs: 5000, emit: (e) => events.push(e), sut: "fake", settleMs: 100, ...o });
  const ends = events.filter((e): e is ScriptEndEvent => e.kind === "scriptEnd");
  return { events, result, ends };
}

describe("scheduler: --retries, --repeat, --baseline", () => {
  it("a job failing once then passing on a retry is flaky, with every attempt and its failure in scriptEnd", async () => {
    const job = failingOn([1]);
    const { events, result, ends } = await collect({ runJob: job.runJob, retries: 3 });
    expect(job.calls()).to.equal(2);
    expect(result.counts).to.include({ flaky: 1, pass: 0, fail: 0 });
    expect(events.map((e) => e.kind)).to.deep.equal(["runStart", "scriptStart", "eventFail", "scriptEnd", "runEnd"]);
    expect(ends[0]).to.deep.include({ verdict: "flaky", line: null, message: null });
    expect(ends[0]?.attempts?.map((a) => [a.attempt, a.verdict, a.line, a.failure?.cause ?? null])).to.deep.equal([[1, "fail", 9, "late (attempt 1)"], [2, "pass", null, null]]);
    expect(result.results).to.deep.equal([{ file: "a.pkt", variant: "ipv4", verdict: "flaky", line: null, message: null }]);
  });

  it("a job failing every attempt fails after 1 + N attempts, each kept", async () => {
    const job = failingOn([1, 2, 3, 4]);
    const { result, ends } = await collect({ runJob: job.runJob, retries: 2 });
    expect(job.calls()).to.equal(3);
    expect(result.counts).to.include({ fail: 1, flaky: 0 });
    expect(ends[0]?.attempts?.map((a) => a.failure?.cause)).to.deep.equal(["late (attempt 1)", "late (attempt 2)", "late (attempt 3)"]);
  });

  it("does not retry without --retries, nor a pass, nor a failure its tag or baseline row expects", async () => {
    const once = failingOn([1]);
    const plain = await collect({ runJob: once.runJob });
    expect([once.calls(), plain.ends[0]?.verdict, plain.ends[0]?.attempts]).to.deep.equal([1, "fail", undefined]);
    const tagged = failingOn([1, 2]);
    await collect({ runJob: tagged.runJob, retries: 3, known: () => ({ sut: "fake", kind: "rfc-choice", reason: "r", line: 2 }) });
    expect(tagged.calls()).to.equal(1);
    const baselined = failingOn([1, 2]);
    const b = await collect({ runJob: baselined.runJob, retries: 3, baselineRow: () => ({ file: "a.pkt", variant: "ipv4", verdict: "fail", line: 9 }) });
    expect(baselined.calls()).to.equal(1);
    expect(b.ends[0]).to.deep.include({ verdict: "xfail", baseline: { status: "known", verdict: "fail", line: 9 } });
  });

  it("applies the baseline row: other line is a new failure, a pass is fixed; results keep the verdict before it", async () => {
    const row = { file: "a.pkt", variant: "ipv4", verdict: "fail", line: 3 } as const;
    const changed = await collect({ runJob: failingOn([1]).runJob, baselineRow: () => row });
    expect(changed.ends[0]).to.deep.include({ verdict: "fail", baseline: { status: "changed", verdict: "fail", line: 3 } });
    expect(changed.result.results[0]).to.include({ verdict: "fail", line: 9 });
    const fixed = await collect({ runJob: failingOn([]).runJob, baselineRow: () => row });
    expect(fixed.ends[0]).to.deep.include({ verdict: "pass", baseline: { status: "fixed", verdict: "fail", line: 3 } });
    expect(fixed.result.counts).to.include({ pass: 1, fail: 0 });
  });

  it("--repeat runs every job N times in rounds, each repetition framed and stamped on every event", async () => {
    const seen: string[] = [];
    const runJob: RunJob<JobRef> = (job, emit) => {
      seen.push(job.file);
      emit({ kind: "log", file: job.file, variant: job.variant, line: null, text: "x" });
      return Promise.resolve(seen.length === 3 ? FAIL : PASS);
    };
    const { events, result, ends } = await collect({ runJob, repeat: 3 }, [{ file: "a.pkt", variant: "ipv4" }, { file: "b.pkt", variant: "ipv4" }]);
    expect(seen).to.deep.equal(["a.pkt", "b.pkt", "a.pkt", "b.pkt", "a.pkt", "b.pkt"]);
    expect(events[0]).to.include({ kind: "runStart", total: 6 });
    expect(ends.map((e) => `${e.file}#${e.repeat} ${e.verdict}`)).to.deep.equal(["a.pkt#1 pass", "b.pkt#1 pass", "a.pkt#2 fail", "b.pkt#2 pass", "a.pkt#3 pass", "b.pkt#3 pass"]);
    expect(events.filter((e) => e.kind === "log").map((e) => e.kind === "log" && e.repeat)).to.deep.equal([1, 1, 2, 2, 3, 3]);
    expect(result.counts).to.include({ pass: 5, fail: 1 });
  });
});
