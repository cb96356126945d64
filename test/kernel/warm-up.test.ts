/**
 * The kernel warm-up script (src/cli/run/warm-up.ts) passes on the live kernel in every IP variant
 * with the warm-up device's addresses. A run job discards the warm-up's verdict, so a warm-up that
 * stopped early would go unnoticed there and only make scripts late; this is where it shows.
 */
import { expect } from "chai";
import { KERNEL_WARM_UP_FLAGS, KERNEL_WARM_UP_ROUNDS, kernelWarmUpScript } from "../../src/cli/run/warm-up.ts";
import { netFlagsOf } from "../../src/cli/run/net-flags-of.ts";
import { runScriptRequest } from "../../src/cli/script-runner.ts";
import type { ScriptEvent } from "../../src/interp/events.ts";
import { HostSupervisor } from "../../src/sut/kernel-tun/host-process.ts";
import { resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import { openRemoteKernelSut } from "../../src/sut/kernel-tun/remote-sut.ts";
import { canRunKernel, repoRoot } from "../support/kernel-script.ts";

describe("kernel warm-up script", function () {
  this.timeout(60_000);
  const supervisor = new HostSupervisor();
  before(function () {
    if (!canRunKernel) this.skip();
  });
  after(() => supervisor.killAll());

  for (const variant of ["ipv4", "ipv6", "ipv4-mapped-ipv6"] as const) {
    it(`passes every event as ${variant}`, async () => {
      const source = kernelWarmUpScript();
      const events: ScriptEvent[] = [];
      const out = await runScriptRequest(
        { file: "<warm-up kernel>", source, variant, flags: {}, defines: {} },
        (flags) => {
          const net = resolveNetConfig(netFlagsOf(variant, { ...flags, ...KERNEL_WARM_UP_FLAGS[variant === "ipv6" ? 6 : 4] }));
          return openRemoteKernelSut({ net, scriptDir: repoRoot, commandEnv: {}, blockingThread: true }, { timeoutMs: 30_000 }, supervisor);
        },
        (e) => events.push(e),
      );
      expect(out.failure?.message ?? "", "no failure").to.equal("");
      expect(out.verdict).to.equal("pass");
      // Every round ran to its end: five outbound lines each, four in the first connection.
      const outbound = events.filter((e) => e.kind === "eventPass" && e.what === "outbound packet").length;
      expect(outbound).to.equal(4 + 5 * KERNEL_WARM_UP_ROUNDS);
    });
  }
});
