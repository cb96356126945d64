import { expect } from "chai";
import fc from "fast-check";
import type { JobRef, Variant } from "../../../src/interp/events.ts";
import { durationsFromJsonl, filterJobs, shardJobs, shardOf } from "../../../src/cli/run/select.ts";

const job = (file: string, variant: Variant = "ipv4"): JobRef => ({ file, variant });
const name = (j: JobRef): string => `${j.file} [${j.variant}]`;

describe("job selection (--grep, --exclude, --shard)", () => {
  const jobs = [job("tcp/a.pkt"), job("tcp/a.pkt", "ipv6"), job("mptcp/b.pkt"), job("mptcp/c.pkt", "ipv6")];

  it("--grep keeps jobs matching any pattern, --exclude drops those matching any, on 'FILE [VARIANT]'", () => {
    expect(filterJobs(jobs, [/tcp\/a/], []).map(name)).to.deep.equal(["tcp/a.pkt [ipv4]", "tcp/a.pkt [ipv6]"]);
    expect(filterJobs(jobs, [/^mptcp/, /a\.pkt/], [/\[ipv6\]/]).map(name)).to.deep.equal(["tcp/a.pkt [ipv4]", "mptcp/b.pkt [ipv4]"]);
    expect(filterJobs(jobs, [], [/mptcp/]).map(name)).to.deep.equal(["tcp/a.pkt [ipv4]", "tcp/a.pkt [ipv6]"]);
  });

  it("without durations, shards are a round robin over the jobs sorted by path and variant, kept in run order", () => {
    expect(shardJobs(jobs, 1, 2, null).map(name)).to.deep.equal(["tcp/a.pkt [ipv4]", "mptcp/b.pkt [ipv4]"]);
    expect(shardJobs(jobs, 2, 2, null).map(name)).to.deep.equal(["tcp/a.pkt [ipv6]", "mptcp/c.pkt [ipv6]"]);
    expect(shardJobs(jobs, 5, 5, null)).to.deep.equal([]);
  });

  it("with durations, the longest jobs are spread first, each to the least loaded shard", () => {
    const d = new Map([["tcp/a.pkt\u0000ipv4", 9000], ["tcp/a.pkt\u0000ipv6", 1000], ["mptcp/b.pkt\u0000ipv4", 5000], ["mptcp/c.pkt\u0000ipv6", 4000]]);
    expect(shardOf(jobs, 2, d)).to.deep.equal([0, 0, 1, 1]);
  });

  it("every job lands in exactly one shard, whatever the order jobs come in", () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,6}\/[a-z]{1,6}\.pkt$/), fc.constantFrom<Variant>("ipv4", "ipv6", "ipv4-mapped-ipv6")), { selector: ([f, v]) => `${f} ${v}`, maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }), fc.boolean(),
      (pairs, n, withDurations) => {
        const list = pairs.map(([f, v]) => job(f, v));
        const d = withDurations ? new Map(list.map((j, i) => [`${j.file}\u0000${j.variant}`, (i * 37) % 11])) : null;
        const parts = Array.from({ length: n }, (_, i) => shardJobs(list, i + 1, n, d).map(name));
        expect(parts.flat().sort()).to.deep.equal(list.map(name).sort());
        const reversed = Array.from({ length: n }, (_, i) => shardJobs([...list].reverse(), i + 1, n, d).map(name).sort());
        expect(reversed).to.deep.equal(parts.map((p) => [...p].sort()));
      },
    ));
  });

  it("reads durations from a jsonl report, averaging repeated rows and skipping the summary", () => {
    const text = [
      JSON.stringify({ file: "./tcp/a.pkt", variant: "ipv4", verdict: "pass", ms: 100 }),
      JSON.stringify({ file: "tcp/a.pkt", variant: "ipv4", verdict: "pass", ms: 300, repeat: 2 }),
      JSON.stringify({ summary: {}, ms: 1, interrupted: false }),
    ].join("\n");
    expect(durationsFromJsonl(text, "r.jsonl")).to.deep.equal(new Map([["tcp/a.pkt\u0000ipv4", 200]]));
    expect(durationsFromJsonl("{}\nnope\n", "r.jsonl")).to.equal("r.jsonl:2: not a JSON line of a jsonl report");
  });
});
