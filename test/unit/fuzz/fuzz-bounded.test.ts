// The fuzz suite in its bounded, seeded form (the long form is `npm run fuzz`): mutated scripts
// through check and the reference SUT, mutated captures through the readers, decode and verify,
// damaged packets into two reference stacks mid-transfer. No uncaught exception, no hang, no
// single-versus-batch difference. Also: the driver itself finds a hang and a crash.
import { expect } from "chai";
import { resolve } from "node:path";
import { runFuzz } from "../../../scripts/fuzz/driver.ts";

const FOLDERS = [resolve("../shared/corpus"), resolve("suites")];

describe("fuzz suite (bounded)", function () {
  this.timeout(300_000);

  it("400 scripts, 400 captures, 20 damaged transfers (seed 1): no finding", async () => {
    const r = await runFuzz({ scripts: 400, captures: 400, packets: 20, seed: 1, hangMs: 30_000, scriptFolders: FOLDERS });
    expect(r.findings.map((f) => `${f.kind} ${f.target} ${f.index}: ${f.detail}`)).to.deep.equal([]);
    expect(r.cases).to.deep.equal({ scripts: 400, captures: 400, packets: 20 });
    expect(r.referenceRuns, "mutants reach the reference SUT").to.be.greaterThan(300);
  });

  for (const [what, kind] of [["hang", "hang"], ["crash", "exception"]] as const) {
    it(`a ${what} in one case is reported at that case and the run goes on after it`, async () => {
      const r = await runFuzz({ scripts: 0, captures: 6, packets: 0, seed: 1, hangMs: 2_000, scriptFolders: FOLDERS, env: { MPD_FUZZ_INJECT: `${what}:captures:2` } });
      expect(r.findings.map((f) => [f.kind, f.target, f.index])).to.deep.equal([[kind, "captures", 2]]);
      expect(r.cases.captures).to.equal(6);
    });
  }
});
