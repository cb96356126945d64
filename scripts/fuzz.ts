/**
 * `npm run fuzz -- [--scripts N] [--captures N] [--packets N] [--seed S] [--hang-seconds T]`, or
 * `npm run fuzz -- --faults [--sigints N] [--sigkills N] [--timeouts N]` for the fault suite:
 * the fuzz suite at any size (scripts/fuzz). Mutated scripts go through `check` and the reference
 * SUT, mutated captures through the readers, `decode` and `verify`, damaged packets into two
 * reference stacks mid-transfer. Prints every finding with its case, so
 * `--seed S` and the case index reproduce it; exits 1 when anything was found.
 */
import { resolve } from "node:path";
import { runFuzz, seconds } from "./fuzz/driver.ts";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`--${name} expects a whole number\n`);
    process.exit(2);
  }
  return v;
}

const opts = {
  scripts: option("scripts", 2000),
  captures: option("captures", 2000),
  packets: option("packets", 100),
  seed: option("seed", 1),
  hangMs: option("hang-seconds", 30) * 1000,
  scriptFolders: [resolve("../shared/corpus"), resolve("suites")],
  log: (line: string) => void process.stderr.write(`${line}\n`),
};
if (process.argv.includes("--faults")) {
  // The fault suite instead: `--faults [--sigints N] [--sigkills N] [--timeouts N]`.
  const { faultName, faultPlan, makeFaultDir, removeFaultDir, runFault } = await import("./fuzz/faults.ts");
  const { SeededRng } = await import("../src/rng.ts");
  // VM faults when the VM test's kernel is in the cache (`mptcpdrill vm --fetch --kernel debian:6.1`).
  const { spawnSync } = await import("node:child_process");
  const kernels = spawnSync(process.execPath, ["bin/mptcpdrill.js", "vm", "--list-kernels"], { encoding: "utf8" }).stdout ?? "";
  const vm = /debian:6\.1\b/.test(kernels);
  if (!vm) process.stdout.write("faults: no debian:6.1 kernel in the cache, so no VM faults (mptcpdrill vm --fetch --kernel debian:6.1)\n");
  const plan = faultPlan({ sigints: option("sigints", 20), sigkills: option("sigkills", 5), timeouts: option("timeouts", 10), interop: true, vm });
  const dir = makeFaultDir();
  const rng = new SeededRng(opts.seed);
  let dirty = 0;
  const started = Date.now();
  try {
    for (const fault of plan) {
      const r = await runFault(fault, rng, dir);
      if (r.leftovers.length > 0) dirty++;
      process.stdout.write(`${faultName(fault)}: exit ${r.exit}, ${r.leftovers.length === 0 ? "nothing left" : `LEFT: ${r.leftovers.join("; ")}`}\n`);
    }
  } finally {
    removeFaultDir(dir);
  }
  process.stdout.write(`faults: ${plan.length} in ${seconds(Date.now() - started)} s: ${dirty} with leftovers\n`);
  process.exit(dirty === 0 ? 0 : 1);
}
const r = await runFuzz(opts);
for (const f of r.findings) process.stdout.write(`${f.kind} ${f.target} case ${f.index} (seed ${opts.seed}):\n  ${f.detail.replace(/\n/g, "\n  ")}\n`);
const count = (k: string): number => r.findings.filter((f) => f.kind === k).length;
process.stdout.write(`fuzz: ${r.cases.scripts} scripts (${r.referenceRuns} also on the reference SUT), ${r.cases.captures} captures, ${r.cases.packets} packet runs in ${seconds(r.ms)} s (seed ${opts.seed}): ${count("exception")} uncaught exceptions, ${count("hang")} hangs, ${count("inconsistent")} inconsistent\n`);
process.exit(r.findings.length === 0 ? 0 : 1);
