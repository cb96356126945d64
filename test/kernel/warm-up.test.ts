/**
 * The kernel warm-up (src/runner/warm-up.ts) passes on the live kernel in each wire family with
 * the warm-up device's addresses, in a real script host. A host discards the warm-up's events, so
 * a warm-up that stopped early would go unnoticed in a run and only make scripts late; its
 * verdicts come back in the host's `ready` message, and this is where they are checked.
 */
import { expect } from "chai";
import { HostPool } from "../../src/runner/host-pool.ts";
import { HostSupervisor } from "../../src/runner/host-process.ts";
import { KERNEL_WARM_UP_ROUNDS, kernelWarmUpScript } from "../../src/runner/warm-up.ts";
import { canRunKernel } from "../support/kernel-script.ts";

describe("kernel warm-up in a script host", function () {
  this.timeout(60_000);
  before(function () {
    if (!canRunKernel) this.skip();
  });

  it("the warm-up script has its first connection and every burst round", () => {
    const source = kernelWarmUpScript();
    expect(source.split("write(3, ..., 10000)").length - 1).to.equal(KERNEL_WARM_UP_ROUNDS);
  });

  for (const variants of [["ipv4"], ["ipv6"], ["ipv4-mapped-ipv6", "ipv6"]] as const) {
    it(`passes every event for ${variants.join(" + ")}`, async () => {
      const supervisor = new HostSupervisor();
      const pool = new HostPool({ size: 1, variants, supervisor });
      pool.prestart();
      // A job waits for the host to be ready; an empty job list is not needed: poll the reports.
      const deadline = Date.now() + 45_000;
      while (pool.warmUps.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await pool.close();
      expect(supervisor.livePids()).to.deep.equal([]);
      const reports = pool.warmUps[0] ?? [];
      const families = new Set(variants.map((v) => (v === "ipv6" ? "ipv6" : "ipv4")));
      expect(reports.map((r) => r.variant)).to.have.members([...families]);
      for (const r of reports) expect({ variant: r.variant, verdict: r.verdict, message: r.message }).to.deep.equal({ variant: r.variant, verdict: "pass", message: null });
    });
  }
});
