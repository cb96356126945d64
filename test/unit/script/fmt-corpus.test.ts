import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { stripSpans } from "../../../src/script/ast.ts";
import { formatSource } from "../../../src/script/fmt.ts";
import { parseScript } from "../../../src/script/parse.ts";

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/corpus");

function pktFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".pkt"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function strippedAst(source: string, file: string): unknown {
  const parsed = parseScript(source, file);
  expect(parsed.diagnostics, `${file} parses`).to.deep.equal([]);
  return stripSpans(parsed.script);
}

function formatted(source: string, file: string): string {
  const r = formatSource(source, file);
  if (!r.ok) throw new Error(`${file}: ${r.diagnostics[0]?.message}`);
  return r.text;
}

describe("fmt: round trip over the upstream corpus (../shared/corpus)", () => {
  const files = pktFiles(CORPUS);

  it("finds all 203 corpus scripts", () => {
    expect(files).to.have.length(203);
  });

  it("keeps the AST: stripSpans(parse(fmt(s))) equals stripSpans(parse(s)) for every script", () => {
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      expect(strippedAst(formatted(source, file), file), file).to.deep.equal(strippedAst(source, file));
    }
  });

  it("is idempotent: fmt(fmt(s)) === fmt(s) for every script", () => {
    for (const file of files) {
      const once = formatted(readFileSync(file, "utf8"), file);
      expect(formatted(once, file), file).to.equal(once);
    }
  });

  it("keeps every comment of every script", () => {
    const comments = (s: string): string[] => (s.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? []).map((c) => c.trim()).sort();
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      const without = (s: string): string => s.replace(/`[^`]*`|"(\\.|[^"\\])*"|%\{[\s\S]*?\}%/g, "");
      expect(comments(without(formatted(source, file))), file).to.deep.equal(comments(without(source)));
    }
  });
});
