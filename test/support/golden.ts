/**
 * Golden files (house-style rule 24): compare produced text with a file under test/golden/, or
 * rewrite that file when GOLDEN_UPDATE=1 (`npm run golden:update`). A missing golden file is a
 * failure unless updating, so a new golden is always reviewed in a commit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

/** The repository's test/golden folder. */
export const GOLDEN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "golden");

/** True when goldens are being rewritten rather than compared. */
export function goldenUpdating(): boolean {
  return process.env["GOLDEN_UPDATE"] === "1";
}

/**
 * Asserts that `actual` equals the golden file `name` (relative to test/golden), or writes it
 * when updating. Fails with a unified-looking chai diff otherwise.
 */
export function expectGolden(name: string, actual: string): void {
  const path = resolve(GOLDEN_ROOT, name);
  if (goldenUpdating()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    expect.fail(`golden file test/golden/${name} is missing; run \`npm run golden:update\` and review it`);
  }
  expect(actual, `golden test/golden/${name} differs (run \`npm run golden:update\` if the change is intended)`).to.equal(
    readFileSync(path, "utf8"),
  );
}
