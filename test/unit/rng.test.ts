import { expect } from "chai";
import fc from "fast-check";
import { SeededRng, deriveSeed } from "../../src/rng.ts";
import { jobSeed } from "../../src/runner/job-seed.ts";

describe("seeded generators and job seeds", () => {
  it("equal seeds draw equal sequences, different seeds different ones", () => {
    const draw = (seed: number): bigint[] => {
      const r = new SeededRng(seed);
      return Array.from({ length: 8 }, () => r.nextU64());
    };
    expect(draw(8684)).to.deep.equal(draw(8684));
    expect(draw(8684)).to.not.deep.equal(draw(8685));
  });

  it("deriveSeed is pure and separates its labels", () => {
    expect(deriveSeed(1, "a.pkt", "ipv4")).to.equal(deriveSeed(1, "a.pkt", "ipv4"));
    expect(deriveSeed(1, "ab", "c")).to.not.equal(deriveSeed(1, "a", "bc"));
    expect(deriveSeed(1, "a.pkt", "ipv4")).to.not.equal(deriveSeed(1, "a.pkt", "ipv6"));
    expect(deriveSeed(1, "a.pkt", "ipv4")).to.not.equal(deriveSeed(2, "a.pkt", "ipv4"));
    fc.assert(fc.property(fc.nat(), fc.string(), (seed, label) => {
      const s = deriveSeed(seed, label);
      return Number.isInteger(s) && s >= 0 && s <= 0xffff_ffff;
    }));
  });

  it("a run seed and a job give one seed per generator, whatever folder names the script", () => {
    const job = { file: "suites/reference/dss/dss-07-data-fin-one-octet-listener-v4.pkt", variant: "ipv4" as const };
    const same = { file: "/abs/elsewhere/dss-07-data-fin-one-octet-listener-v4.pkt", variant: "ipv4" as const };
    expect(jobSeed(5, job, "interp")).to.equal(jobSeed(5, same, "interp"));
    expect(jobSeed(5, job, "interp")).to.not.equal(jobSeed(5, job, "reference-sut"));
    expect(jobSeed(5, job, "interp")).to.not.equal(jobSeed(5, { ...job, variant: "ipv4-mapped-ipv6" }, "interp"));
    expect(jobSeed(5, job, "interp")).to.not.equal(jobSeed(6, job, "interp"));
  });
});
