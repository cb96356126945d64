/**
 * The fuzz suite's child process: runs a plan of cases (target, first index, end index) and
 * prints one JSON line before each case (`{"at": [target, index]}`) and one per finding, so the
 * driver knows which case hung or killed the process. Started by driver.ts with tsx.
 */
import { SeededRng } from "../../src/rng.ts";
import { CaptureTarget, type Finding, loadScripts, PacketTarget, ScriptTarget, type Target } from "./targets.ts";

/** What the driver hands the worker (one JSON argument). */
export interface WorkerPlan {
  readonly seed: number;
  readonly cases: ReadonlyArray<{ readonly target: Target; readonly from: number; readonly to: number }>;
  readonly scriptFolders: readonly string[];
  readonly cwd: string;
}

const TARGET_ID: Record<Target, number> = { scripts: 1, captures: 2, packets: 3 };

/** The generator of one case: a function of the run's seed, the target and the case index only. */
export function caseRng(seed: number, target: Target, index: number): SeededRng {
  return new SeededRng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(TARGET_ID[target], 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) | 0);
}

const say = (x: unknown): void => void process.stdout.write(`${JSON.stringify(x)}\n`);

/**
 * `MPD_FUZZ_INJECT=hang:TARGET:N` or `crash:TARGET:N`: case N of TARGET spins forever or aborts the
 * process, so a test can show that the driver reports both and carries on.
 */
function injected(target: Target, index: number): void {
  const [what, t, n] = (process.env["MPD_FUZZ_INJECT"] ?? "").split(":");
  if (t !== target || Number(n) !== index) return;
  if (what === "crash") process.abort();
  if (what === "hang") for (;;);
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? "{}") as WorkerPlan;
  const scripts = plan.cases.some((c) => c.target === "scripts") ? new ScriptTarget(loadScripts(plan.scriptFolders), plan.cwd) : null;
  const captures = new CaptureTarget();
  const packets = new PacketTarget();
  for (const { target, from, to } of plan.cases) {
    for (let i = from; i < to; i++) {
      say({ at: [target, i] });
      injected(target, i);
      const rng = caseRng(plan.seed, target, i);
      const before = scripts?.referenceRuns ?? 0;
      const found: Finding[] = target === "scripts" ? await (scripts as ScriptTarget).run(rng, i) : target === "captures" ? captures.run(rng, i) : packets.run(rng, i);
      if ((scripts?.referenceRuns ?? 0) > before) say({ reference: true });
      for (const f of found) say({ finding: f });
    }
  }
  say({ done: true });
}

await main();
process.stdout.write("", () => process.exit(0));
