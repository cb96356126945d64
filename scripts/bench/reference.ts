/**
 * Bench section: suites/reference on the reference SUT in this process (ipv4), warm. Wall time of
 * a whole pass against the sum of the scripts' timelines in virtual seconds (each run's final
 * virtual instant): how much faster than real time the reference SUT runs the suite. Measured
 * twice: scripts parsed beforehand (interpreter + reference SUT only), and end to end from the
 * script text (the peggy parser then takes about half of the time).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SeededRng } from "../../src/rng.ts";
import { parseOwnScript, runScriptRequest } from "../../src/runner/script-runner.ts";
import { SutVirtualClock } from "../../src/interp/clock.ts";
import { mergeFlags, runOptionsFromFlags } from "../../src/interp/run-options.ts";
import { runScript } from "../../src/interp/run.ts";
import type { Script } from "../../src/script/ast.ts";
import { parseScript } from "../../src/script/parse.ts";
import { referenceNetConfig } from "../../src/sut/reference/net-config.ts";
import { openReferenceSut, type ReferenceSut } from "../../src/sut/reference/reference-sut.ts";

const suite = resolve(dirname(fileURLToPath(import.meta.url)), "../../suites/reference");
const PASSES = 5;

function listPkt(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listPkt(p);
    return name.endsWith(".pkt") ? [p] : [];
  });
}

interface Pass { wallMs: number; virtualUs: number; notPassed: string[] }

/** One pass from the script text (parse, check options, run): wall ms, virtual µs summed, failures. */
async function passFromText(files: readonly { file: string; source: string }[]): Promise<Pass> {
  let virtualUs = 0;
  const notPassed: string[] = [];
  const t0 = performance.now();
  for (const f of files) {
    let sut: ReferenceSut | null = null;
    const open = (): Promise<ReferenceSut> => Promise.resolve((sut = openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 8684 })));
    const out = await runScriptRequest({ file: f.file, script: parseOwnScript(f.source, f.file), variant: "ipv4", flags: {}, defines: {}, seed: 8684 }, open, () => {});
    if (out.verdict !== "pass") notPassed.push(f.file);
    virtualUs += (sut as ReferenceSut | null)?.now() ?? 0;
  }
  return { wallMs: performance.now() - t0, virtualUs, notPassed };
}

/** One pass over parsed scripts: the interpreter against the reference SUT only. */
async function passParsed(files: readonly { file: string; script: Script }[]): Promise<Pass> {
  let virtualUs = 0;
  const notPassed: string[] = [];
  const t0 = performance.now();
  for (const f of files) {
    const sut = openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 8684 });
    const flags = { ...mergeFlags(f.script, {}), ip_version: "ipv4" };
    const o = runOptionsFromFlags(flags, { clock: new SutVirtualClock(sut), rng: new SeededRng(8684), file: f.file, variant: "ipv4", defines: new Map() });
    const out = await runScript(f.script, sut, o, () => {});
    await sut.close();
    if (out.verdict !== "pass") notPassed.push(f.file);
    virtualUs += sut.now();
  }
  return { wallMs: performance.now() - t0, virtualUs, notPassed };
}

async function median(run: () => Promise<Pass>): Promise<Pass> {
  await run(); // warm-up
  const runs: Pass[] = [];
  for (let i = 0; i < PASSES; i++) runs.push(await run());
  runs.sort((a, b) => a.wallMs - b.wallMs);
  return runs[Math.floor(runs.length / 2)] ?? { wallMs: 0, virtualUs: 0, notPassed: [] };
}

export default {
  title: "reference SUT: suites/reference in virtual time vs the scripts' timelines",
  async run(log: (line: string) => void): Promise<void> {
    const files = listPkt(suite).map((p) => ({ file: relative(suite, p), source: readFileSync(p, "utf8") }));
    const parsed = files.map((f) => ({ file: f.file, script: parseScript(f.source, f.file).script as Script }));
    const run = await median(() => passParsed(parsed));
    const e2e = await median(() => passFromText(files));
    const virtualS = run.virtualUs / 1e6;
    log(`${files.length} scripts (ipv4), median of ${PASSES} passes after a warm-up pass; ${run.notPassed.length} did not pass${run.notPassed.length ? `: ${run.notPassed.join(", ")}` : ""}`);
    log(`timelines (virtual): ${virtualS.toFixed(3)} s summed over the scripts`);
    log(`wall, parsed:        ${(run.wallMs / 1000).toFixed(3)} s per pass (${(run.wallMs / files.length).toFixed(2)} ms/script)`);
    log(`wall, from text:     ${(e2e.wallMs / 1000).toFixed(3)} s per pass (${(e2e.wallMs / files.length).toFixed(2)} ms/script, parser included)`);
    log(`ratio virtual/wall:  ${(virtualS / (run.wallMs / 1000)).toFixed(0)}x (parsed), ${(virtualS / (e2e.wallMs / 1000)).toFixed(0)}x (from text); goal >= 200x`);
  },
};
