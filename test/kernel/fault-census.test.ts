/**
 * The fault suite in its bounded form (the full one: `npm run fuzz -- --faults`, 20 SIGINTs,
 * 5 SIGKILLs, 10 timeouts): `run` and `interop` ended by SIGINT, SIGTERM and SIGKILL at random
 * moments, and the per-script timeout hitting a blocking call, an endless code block and an
 * endless backtick command. After each: the expected exit status, and no process, namespace,
 * root-namespace device or temp folder of the run left (after a SIGKILL: once the next run of the
 * same command has cleaned up).
 */
import { existsSync } from "node:fs";
import { expect } from "chai";
import { SeededRng } from "../../src/rng.ts";
import { type Fault, faultName, faultPlan, makeFaultDir, removeFaultDir, runFault } from "../../scripts/fuzz/faults.ts";
import { canUseNetns } from "../support/netns.ts";

describe("kernel: fault suite (bounded): nothing left on any exit", function () {
  this.timeout(180_000);
  let dir = "";
  const rng = new SeededRng(17);
  before(function () {
    if (!canUseNetns() || !existsSync("/dev/net/tun")) this.skip();
    dir = makeFaultDir();
  });
  after(() => dir !== "" && removeFaultDir(dir));

  const plan: Fault[] = [
    ...faultPlan({ sigints: 4, sigkills: 2, timeouts: 3, interop: true }),
    { kind: "signal", command: "run", signal: "SIGTERM" },
  ];
  for (const fault of plan) {
    it(faultName(fault), async () => {
      const r = await runFault(fault, rng, dir);
      expect(r.leftovers).to.deep.equal([]);
    });
  }
});
