/**
 * Test helper: runs script text on the live kernel the way `mptcpdrill run` does (the runner's
 * kernel job runner: warm script hosts, a fresh namespace per script), with a corpus preset's
 * addresses and defines, and the small text helpers the kernel interpreter tests share.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { ScriptEvent, Variant, Verdict } from "../../src/interp/events.ts";
import type { JobRunner } from "../../src/runner/job-runner.ts";
import type { RunJobSpec } from "../../src/runner/job-spec.ts";
import { kernelRunner } from "../../src/runner/kernel-runner.ts";
import { CORPUS_PRESETS } from "../../src/sut/kernel-tun/net-config.ts";
import type { NetFlags } from "../../src/sut/net-flags.ts";

/** True when this process may run kernel tests (root and a TUN device). */
export const canRunKernel = process.getuid?.() === 0 && existsSync("/dev/net/tun");

/** The repository root and the shared corpus beside it. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const sharedCorpus = path.resolve(repoRoot, "../shared/corpus");

/** A script's outcome as the tests read it: the verdict and the whole text of its first failure. */
export interface KernelOutcome {
  readonly verdict: Verdict;
  readonly failure?: { readonly line: number | null; readonly message: string };
  readonly events: readonly ScriptEvent[];
}

/** The packetdrill flags of a {@link NetFlags} preset. */
function presetFlags(f: NetFlags): Record<string, string> {
  const out: Record<string, string> = { ip_version: f.ipVersion };
  if (f.localIp !== undefined) out["local_ip"] = f.localIp;
  if (f.gatewayIp !== undefined) out["gateway_ip"] = f.gatewayIp;
  if (f.netmaskIp !== undefined) out["netmask_ip"] = f.netmaskIp;
  if (f.remoteIp !== undefined) out["remote_ip"] = f.remoteIp;
  if (f.mtu !== undefined) out["mtu"] = String(f.mtu);
  return out;
}

/**
 * A job runner (a pool of `hosts` warm script hosts) shared by a test file, started on first use;
 * `close()` it in `after` (a later `run` starts a new one).
 */
export class KernelScripts {
  #runner: JobRunner | null = null;

  constructor(private readonly hosts = 1, private readonly variants: readonly Variant[] = ["ipv4", "ipv6"]) {}

  #open(): JobRunner {
    this.#runner ??= kernelRunner({ hosts: this.hosts, variants: this.variants, readFile: () => { throw new Error("scripts are given as text"); } });
    return this.#runner;
  }

  /** Runs `source` as `variant` with the `corpus` preset; `dir` is the script's folder (commands run there). */
  async run(corpus: "gpd" | "mpd", file: string, source: string, variant: Variant, dir: string, flags: Readonly<Record<string, string>> = {}): Promise<KernelOutcome> {
    const preset = CORPUS_PRESETS[corpus][variant];
    const job: RunJobSpec = {
      file, variant, absFile: path.resolve(dir, path.basename(file)), cwd: dir, flags: { ...presetFlags(preset.flags), ...flags },
      defines: preset.defines, capturePath: null, verbose: true, configPath: null, source, seed: 8684,
    };
    const events: ScriptEvent[] = [];
    const out = await this.#open().run(job, (e) => events.push(e), new AbortController().signal);
    const fail = events.find((e) => e.kind === "eventFail" && e.fatal);
    const message = fail?.kind === "eventFail" ? fail.message : out.message;
    return out.verdict === "pass" ? { verdict: out.verdict, events } : { verdict: out.verdict, failure: { line: out.line, message: message ?? "" }, events };
  }

  /** As {@link run}, once more when the only problem is a timing error (a loaded machine). */
  async runRetryTiming(...args: Parameters<KernelScripts["run"]>): Promise<KernelOutcome> {
    const out = await this.run(...args);
    return /timing error/.test(out.failure?.message ?? "") ? this.run(...args) : out;
  }

  async close(): Promise<void> {
    const runner = this.#runner;
    this.#runner = null;
    await runner?.close();
  }
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
