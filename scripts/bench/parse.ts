/**
 * Bench section: parse the whole upstream corpus (../shared/corpus/{gpd,mpd}) in one warm
 * process. Baseline, measured in the same run: reading every file and splitting it into lines.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScript } from "../../src/script/parse.ts";

const corpusRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/corpus");
const WARMUP = 5;
const ITERATIONS = 20;

function listPkt(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listPkt(path);
    return name.endsWith(".pkt") ? [path] : [];
  });
}

/** Median wall time in ms of `fn` over `ITERATIONS` runs after `WARMUP` runs. */
function measure(fn: () => number): { ms: number; check: number } {
  let check = 0;
  for (let i = 0; i < WARMUP; i++) check += fn();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    check += fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, check };
}

export default {
  title: "parse: whole corpus, warm",
  async run(log: (line: string) => void): Promise<void> {
    const files = ["gpd", "mpd"].flatMap((d) => listPkt(join(corpusRoot, d)));
    const lines = files.reduce((n, f) => n + readFileSync(f, "utf8").split("\n").length, 0);
    const baseline = measure(() => files.reduce((n, f) => n + readFileSync(f, "utf8").split("\n").length, 0));
    const parse = measure(() => files.reduce((n, f) => {
      const r = parseScript(readFileSync(f, "utf8"), f);
      if (r.diagnostics.length > 0) throw new Error(`${f}: ${r.diagnostics[0]?.message ?? ""}`);
      return n + (r.script?.events.length ?? 0);
    }, 0));
    const perSec = (n: number, ms: number): string => Math.round((n * 1000) / ms).toLocaleString("en-US");
    log(`${files.length} scripts, ${lines} lines; median of ${ITERATIONS} passes after ${WARMUP} warm-up passes`);
    log(`baseline read+split: ${baseline.ms.toFixed(2)} ms/pass`);
    log(`parse:               ${parse.ms.toFixed(2)} ms/pass, ${perSec(files.length, parse.ms)} scripts/s, ${perSec(lines, parse.ms)} lines/s`);
    log(`ratio parse/baseline: ${(parse.ms / baseline.ms).toFixed(1)}x`);
    await Promise.resolve();
  },
};
