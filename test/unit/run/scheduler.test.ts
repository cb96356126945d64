import { expect } from "chai";
import type { JobRef, RunEvent, Variant } from "../../../src/interp/events.ts";
import { MptcpdrillError } from "../../../src/errors.ts";
import { schedule, type JobOutcome, type RunJob } from "../../../src/runner/scheduler.ts";

const PASS: JobOutcome = { verdict: "pass", line: null, message: null };

function jobs(n: number, variant: Variant = "ipv4"): JobRef[] {
  return Array.from({ length: n }, (_, i) => ({ file: `s${i}.pkt`, variant }));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

async function collect(options: { n: number; parallel: number; runJob: RunJob<JobRef>; timeoutMs?: number; signal?: AbortSignal }) {
  const events: RunEvent[] = [];
  const result = await schedule({
    jobs: jobs(options.n), parallel: options.parallel, timeoutMs: options.timeoutMs ?? 5000, runJob: options.runJob,
    emit: (e) => events.push(e), sut: "fake", settleMs: 200, ...(options.signal ? { signal: options.signal } : {}),
  });
  return { events, result };
}

describe("scheduler", () => {
  it("never runs more than N jobs at once, and reaches N", async () => {
    let running = 0;
    let peak = 0;
    const runJob: RunJob<JobRef> = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(15);
      running -= 1;
      return PASS;
    };
    const { result } = await collect({ n: 9, parallel: 3, runJob });
    expect(peak).to.equal(3);
    expect(result.counts).to.deep.equal({ pass: 9, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, flaky: 0 });
  });

  it("frames each job with one scriptStart and one scriptEnd, and re-emits job events stamped with the job", async () => {
    const runJob: RunJob<JobRef> = async (job, emit) => {
      emit({ kind: "scriptStart", file: "other", variant: "ipv6" });
      emit({ kind: "eventPass", file: "other", variant: "ipv6", line: 3, what: "syscall socket", ms: 1 });
      emit({ kind: "scriptEnd", file: job.file, variant: job.variant, verdict: "pass", line: null, message: null, ms: 1 });
      return { verdict: "fail", line: 7, message: "boom" };
    };
    const { events } = await collect({ n: 1, parallel: 1, runJob });
    expect(events.map((e) => e.kind)).to.deep.equal(["runStart", "scriptStart", "eventPass", "scriptEnd", "runEnd"]);
    expect(events[2]).to.include({ file: "s0.pkt", variant: "ipv4", line: 3 });
    expect(events[3]).to.include({ verdict: "fail", line: 7, message: "boom" });
  });

  it("puts the job's run seed in its scriptEnd, and none when the job has no seed", async () => {
    const events: RunEvent[] = [];
    const runJob: RunJob<JobRef> = () => Promise.resolve({ verdict: "fail", line: 1, message: "boom" });
    await schedule({ jobs: [{ file: "a.pkt", variant: "ipv4", seed: 77 }, { file: "b.pkt", variant: "ipv4" }], parallel: 1, timeoutMs: 5000, runJob, emit: (e) => events.push(e), sut: "fake" });
    const ends = events.filter((e) => e.kind === "scriptEnd");
    expect(ends[0]).to.include({ file: "a.pkt", seed: 77 });
    expect(ends[1]).to.not.have.property("seed");
  });

  it("turns a thrown environment error into an error verdict with its code", async () => {
    const runJob: RunJob<JobRef> = () => Promise.reject(new MptcpdrillError("MPD_ERR_TUN_OPEN", "cannot open /dev/net/tun: EACCES"));
    const { events, result } = await collect({ n: 2, parallel: 2, runJob });
    expect(result.counts.error).to.equal(2);
    const end = events.find((e) => e.kind === "scriptEnd");
    expect(end).to.include({ verdict: "error", message: "error[MPD_ERR_TUN_OPEN]: cannot open /dev/net/tun: EACCES" });
  });

  it("fails a job that exceeds the timeout, aborts its signal, and goes on with the next", async () => {
    const abortedJobs: string[] = [];
    const runJob: RunJob<JobRef> = async (job, _emit, signal) => {
      if (job.file === "s0.pkt") {
        await sleep(10_000, signal);
        if (signal.aborted) abortedJobs.push(job.file);
      }
      return PASS;
    };
    const { events, result } = await collect({ n: 2, parallel: 1, runJob, timeoutMs: 50 });
    expect(abortedJobs).to.deep.equal(["s0.pkt"]);
    expect(result.counts).to.deep.equal({ pass: 1, fail: 1, error: 0, skip: 0, xfail: 0, xpass: 0, flaky: 0 });
    expect(events.find((e) => e.kind === "scriptEnd")).to.include({ verdict: "fail", message: "timed out after 0.1 s (--timeout) before the script's first event" });
  });

  it("does not wait forever for a job that ignores its signal", async () => {
    const runJob: RunJob<JobRef> = () => new Promise<JobOutcome>(() => undefined);
    const t0 = Date.now();
    const { result } = await collect({ n: 1, parallel: 1, runJob, timeoutMs: 30 });
    expect(result.counts.fail).to.equal(1);
    expect(Date.now() - t0).to.be.lessThan(2000);
  });

  it("on cancel starts nothing new, aborts running jobs as skip, counts unstarted ones, and drops late events", async () => {
    const controller = new AbortController();
    let started = 0;
    const runJob: RunJob<JobRef> = async (job, emit, signal) => {
      started += 1;
      if (job.file === "s0.pkt") return PASS;
      if (started === 3) setTimeout(() => controller.abort("SIGINT"), 20);
      await sleep(10_000, signal);
      setTimeout(() => emit({ kind: "log", file: job.file, variant: job.variant, line: null, text: "late" }), 5);
      return PASS;
    };
    const { events, result } = await collect({ n: 10, parallel: 2, runJob, signal: controller.signal });
    await sleep(20);
    expect(result.interrupted).to.equal(true);
    expect(started).to.equal(3);
    expect(result.counts).to.deep.equal({ pass: 1, fail: 0, error: 0, skip: 9, xfail: 0, xpass: 0, flaky: 0 });
    expect(events.filter((e) => e.kind === "scriptEnd" && e.verdict === "skip")).to.have.length(2);
    expect(events.filter((e) => e.kind === "log")).to.have.length(0);
    expect(events.at(-1)).to.deep.include({ kind: "runEnd", interrupted: true });
    const skip = events.find((e) => e.kind === "scriptEnd" && e.verdict === "skip");
    expect(skip).to.include({ message: "interrupted by SIGINT" });
  });

  it("emits runStart and runEnd for an empty job list", async () => {
    const { events } = await collect({ n: 0, parallel: 4, runJob: () => Promise.resolve(PASS) });
    expect(events.map((e) => e.kind)).to.deep.equal(["runStart", "runEnd"]);
  });
});
