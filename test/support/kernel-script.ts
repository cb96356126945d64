/**
 * Test helper: runs script text on the live kernel through the kernel-tun SUT in its own
 * namespace (one script host per run), with a corpus preset's addresses and defines, and the
 * small text helpers the kernel interpreter tests share.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { hasBlockingCalls } from "../../src/cli/run/child-job.ts";
import { runScriptRequest } from "../../src/cli/script-runner.ts";
import type { Variant } from "../../src/interp/events.ts";
import type { ScriptOutcome } from "../../src/interp/run.ts";
import type { HostSupervisor } from "../../src/sut/kernel-tun/host-process.ts";
import { CORPUS_PRESETS, packetdrillEnv, resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import { openRemoteKernelSut } from "../../src/sut/kernel-tun/remote-sut.ts";

/** True when this process may run kernel tests (root and a TUN device). */
export const canRunKernel = process.getuid?.() === 0 && existsSync("/dev/net/tun");

/** The repository root and the shared corpus beside it. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const sharedCorpus = path.resolve(repoRoot, "../shared/corpus");

/** Runs `source` as `variant` with the `corpus` preset; `dir` is the script's folder (commands run there). */
export function runOnKernel(supervisor: HostSupervisor, corpus: "gpd" | "mpd", file: string, source: string, variant: Variant, dir: string): Promise<ScriptOutcome> {
  const preset = CORPUS_PRESETS[corpus][variant];
  return runScriptRequest(
    { file, source, variant, flags: {}, defines: preset.defines },
    async (flags, defines) => {
      // The upstream helper scripts read OPT_LOCAL_IP, OPT_NETMASK_IP, OPT_IP_VERSION … (§7).
      const net = resolveNetConfig(preset.flags);
      return openRemoteKernelSut({ net, scriptDir: dir, commandEnv: packetdrillEnv(net, flags, defines), blockingThread: hasBlockingCalls(source) }, { timeoutMs: 60_000 }, supervisor);
    },
    () => {},
  );
}

/** As {@link runOnKernel}, run once more when the only problem is a timing error (a loaded machine). */
export async function runOnKernelRetryTiming(...args: Parameters<typeof runOnKernel>): Promise<ScriptOutcome> {
  const out = await runOnKernel(...args);
  return /timing error/.test(out.failure?.message ?? "") ? runOnKernel(...args) : out;
}

/** Replaces exactly one occurrence of `from` in `src`. */
export function mutateOnce(src: string, from: string, to: string): string {
  expect(src.split(from).length, `'${from}' occurs once`).to.equal(2);
  return src.replace(from, to);
}

/** The 1-based line of `needle` in `src`. */
export function lineOf(src: string, needle: string): number {
  return src.slice(0, src.indexOf(needle)).split("\n").length;
}
