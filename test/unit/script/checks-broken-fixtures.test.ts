import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { checkScript } from "../../../src/script/check-script.ts";

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../fixtures/broken");

interface Expectation {
  readonly file: string;
  readonly at: string;
  readonly code: string;
  readonly fragment: string;
}

const table = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as { scripts: Expectation[] };

describe("checks: broken fixtures (test/fixtures/broken/expected.json)", () => {
  it("has one expectation per broken script, and at least 20", () => {
    const scripts = readdirSync(DIR).filter((f) => f.endsWith(".pkt")).sort();
    expect(table.scripts.map((s) => s.file).sort()).to.deep.equal(scripts);
    expect(scripts.length).to.be.at.least(20);
  });
  for (const x of table.scripts) {
    it(`${x.file}: ${x.code} at ${x.at}`, () => {
      const ds = checkScript(readFileSync(join(DIR, x.file), "utf8"), x.file);
      const first = ds.find((d) => d.severity === "error");
      expect(first, "an error is reported").to.not.equal(undefined);
      expect(`${first?.span.start.line}:${first?.span.start.column}`).to.equal(x.at);
      expect(first?.code).to.equal(x.code);
      expect(first?.message).to.contain(x.fragment);
      expect(first?.message).to.not.match(/\.$/);
    });
  }
});
