/**
 * `mptcpdrill vm` cost: suites/mptcp on the host kernel and in a debian:6.1 guest under qemu TCG,
 * one after the other in one `vm` run (compiled CLI: run `npm run build` first), and per kernel
 * the suite's wall time, the mean job time and the mean fixed cost per job (SUT set-up and
 * cleanup around the script, from the jsonl report's fixedMs), with the guest's figures as ratios
 * to the host's. The guest's wall time includes booting and warming up its one VM. Needs root,
 * qemu-system-x86_64 and debian:6.1 in the kernel cache (scripts/setup.sh fetches it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, listCachedKernels } from "../../src/runner/vm/kernel-cache.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const KERNELS = ["host", "debian:6.1"] as const;

interface Row {
  readonly file?: string;
  readonly ms?: number;
  readonly fixedMs?: { start: number; end: number };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export default {
  title: "vm: suites/mptcp on the host kernel vs in a debian:6.1 guest (qemu TCG)",
  async run(log: (line: string) => void): Promise<void> {
    if (process.getuid?.() !== 0 || !existsSync(join(ROOT, "dist/cli.js")) || !listCachedKernels(cacheRoot(process.env)).some((k) => k.series === "debian:6.1")) {
      log("skipped: needs root, a build (npm run build) and debian:6.1 in the cache (mptcpdrill vm --fetch --kernel debian:6.1)");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "mpd-bench-vm-"));
    try {
      const args = ["bin/mptcpdrill.js", "vm", ...KERNELS.flatMap((k) => ["--kernel", k]), "-j", "1", "--reporter", `jsonl:${join(dir, "r.jsonl")}`, "--matrix", join(dir, "m.json"), "suites/mptcp"];
      try {
        execFileSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" });
      } catch {
        // exit 1 when a script fails: the figures are still there
      }
      const matrix = JSON.parse(readFileSync(join(dir, "m.json"), "utf8")) as { columns: Array<{ kernel: string; wallMs: number; toleranceScale: number }> };
      const stats = KERNELS.map((k) => {
        const rows = (readFileSync(join(dir, `r.${k.replace(/[^\w.+-]+/g, "-")}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row)).filter((r) => r.file !== undefined);
        const col = matrix.columns.find((c) => c.kernel === k);
        return { k, jobs: rows.length, wall: (col?.wallMs ?? NaN) / 1000, scale: col?.toleranceScale ?? NaN, job: mean(rows.map((r) => r.ms ?? 0)), fixed: mean(rows.filter((r) => r.fixedMs !== undefined).map((r) => (r.fixedMs?.start ?? 0) + (r.fixedMs?.end ?? 0))) };
      });
      const host = stats[0];
      for (const s of stats) {
        const ratio = (a: number, b: number | undefined): string => (host === undefined || s === host || b === undefined ? "" : ` (x${(a / b).toFixed(1)})`);
        log(`${s.k.padEnd(11)} ${s.jobs} jobs: suite ${s.wall.toFixed(1)} s${ratio(s.wall, host?.wall)}, mean job ${s.job.toFixed(0)} ms${ratio(s.job, host?.job)}, mean fixed cost per job ${s.fixed.toFixed(0)} ms${ratio(s.fixed, host?.fixed)}, tolerance x${s.scale}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
