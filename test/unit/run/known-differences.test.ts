import { expect } from "chai";
import type { JobRef, KnownDifferenceTag, RunEvent } from "../../../src/interp/events.ts";
import { applyKnownDifference } from "../../../src/runner/known-differences.ts";
import { schedule, type JobOutcome, type RunJob } from "../../../src/runner/scheduler.ts";

const TAG: KnownDifferenceTag = { sut: "kernel", kind: "rfc-choice", reason: "32-bit Data ACK", line: 2 };
const FAIL: JobOutcome = { verdict: "fail", line: 16, message: "live packet field ipv4_total_length: expected: 52 (0x34) vs actual: 48 (0x30)" };
const PASS: JobOutcome = { verdict: "pass", line: null, message: null };

describe("known differences: verdict mapping", () => {
  it("fail of a tagged script becomes xfail and keeps the mismatch", () => {
    expect(applyKnownDifference(FAIL, TAG)).to.deep.equal({ ...FAIL, verdict: "xfail", known: TAG });
  });
  it("pass of a tagged script becomes xpass naming the tag line", () => {
    expect(applyKnownDifference(PASS, TAG)).to.deep.equal({
      verdict: "xpass", line: 2, message: "passed, but line 2 tags it kernel-differs rfc-choice: remove or update the tag", known: TAG,
    });
  });
  it("error and skip are left alone, tagged or not", () => {
    const error: JobOutcome = { verdict: "error", line: null, message: "no /dev/net/tun" };
    const skip: JobOutcome = { verdict: "skip", line: null, message: "interrupted by SIGINT" };
    expect(applyKnownDifference(error, TAG)).to.equal(error);
    expect(applyKnownDifference(skip, TAG)).to.equal(skip);
  });
  it("untagged outcomes are unchanged", () => {
    expect(applyKnownDifference(FAIL, null)).to.equal(FAIL);
    expect(applyKnownDifference(PASS, null)).to.equal(PASS);
  });
});

describe("known differences: scheduler", () => {
  it("counts xfail and xpass, carries the tag in scriptEnd, and maps a timeout to xfail", async () => {
    const jobs: JobRef[] = ["a.pkt", "b.pkt", "c.pkt", "d.pkt"].map((file) => ({ file, variant: "ipv4" }));
    const runJob: RunJob<JobRef> = (job, _emit, signal) => {
      if (job.file === "d.pkt") return new Promise((resolve) => signal.addEventListener("abort", () => resolve(PASS), { once: true }));
      return Promise.resolve(job.file === "a.pkt" || job.file === "c.pkt" ? FAIL : PASS);
    };
    const events: RunEvent[] = [];
    const result = await schedule({
      jobs, parallel: 1, timeoutMs: 50, runJob, emit: (e) => events.push(e), sut: "kernel", settleMs: 10,
      known: (job) => (job.file === "c.pkt" ? null : TAG),
    });
    expect(result.counts).to.deep.equal({ pass: 0, fail: 1, error: 0, skip: 0, xfail: 2, xpass: 1, flaky: 0 });
    const ends = events.filter((e) => e.kind === "scriptEnd");
    expect(ends.map((e) => [e.file, e.verdict])).to.deep.equal([["a.pkt", "xfail"], ["b.pkt", "xpass"], ["c.pkt", "fail"], ["d.pkt", "xfail"]]);
    expect(ends[0]).to.deep.include({ known: TAG, line: 16 });
    expect(ends[2]).to.not.have.property("known");
    expect(ends[3]).to.deep.include({ message: "timed out after 0.1 s (--timeout) before the script's first event", known: TAG });
  });
});
