/**
 * `npm run bench`: runs every benchmark section in scripts/bench/*.ts in one process.
 * Each section prints its figures beside a baseline measured in the same run, as a ratio;
 * nothing here asserts a wall-clock time. `npm run bench -- NAME` runs the sections whose
 * file name contains NAME.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What each scripts/bench/*.ts module exports. */
export interface BenchSection {
  readonly title: string;
  run(log: (line: string) => void): Promise<void>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), "bench");
const filter = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && (!filter || f.includes(filter))).sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: BenchSection };
  console.log(`\n== ${mod.default.title} (${f})`);
  await mod.default.run((line) => console.log(`   ${line}`));
}
