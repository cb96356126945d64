// Parser over the upstream corpus (read at run time from ../shared/corpus, never copied):
// every script parses with zero diagnostics, and mutated scripts never make the parser throw.
import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScript } from "../../../src/script/parse.ts";
import type { Diagnostic } from "../../../src/script/diagnostic.ts";

const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const corpusRoot = resolve(repoRoot, "../shared/corpus");

function listPkt(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listPkt(path);
    return name.endsWith(".pkt") ? [path] : [];
  });
}

const files = ["gpd", "mpd"].flatMap((d) => listPkt(join(corpusRoot, d)));
const sources = files.map((f) => readFileSync(f, "utf8"));

/** True when a span lies inside the text and its start does not follow its end. */
function validSpan(d: Diagnostic, source: string): boolean {
  const { start, end } = d.span;
  const lineStart = source.lastIndexOf("\n", start.offset - 1) + 1;
  return start.offset >= 0 && end.offset <= source.length && start.offset <= end.offset
    && start.line === source.slice(0, start.offset).split("\n").length
    && start.column === start.offset - lineStart + 1;
}

describe("parse: corpus", () => {
  it("finds all 203 corpus scripts (162 gpd + 41 mpd)", () => {
    expect(files.filter((f) => f.includes("/gpd/"))).to.have.length(162);
    expect(files.filter((f) => f.includes("/mpd/"))).to.have.length(41);
  });

  it("parses every corpus script with zero diagnostics", () => {
    const failures = files.flatMap((f, i) => parseScript(sources[i] ?? "", f).diagnostics
      .map((d) => `${relative(corpusRoot, f)}:${d.span.start.line}:${d.span.start.column}: ${d.message}`));
    expect(failures).to.deep.equal([]);
  });

  it("finds events in every corpus script", () => {
    const empty = files.filter((f, i) => (parseScript(sources[i] ?? "", f).script?.events.length ?? 0) === 0);
    expect(empty).to.deep.equal([]);
  });
});

/** Source edits applied by the property test: character and token level. */
type Mutation =
  | { op: "delete"; at: number; len: number }
  | { op: "insert"; at: number; text: string }
  | { op: "duplicate"; at: number; len: number }
  | { op: "swap"; a: number; b: number };

const TOKENS = ["<", ">", "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "*", "~", "|", ".", "...", "-", "\"", "`",
  "%{", "}%", "/*", "*/", "//", "\n", "\r", " ", "0x", "1", "-1", ".5", "mss", "dss", "addr[", "key[", "flags[", "S.", "ack",
  "win", "nocs", "=*", "mpcapable", "socket(", "...0.1", "\u00e9", "\u0000"];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })) }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
);

function apply(source: string, m: Mutation): string {
  const n = source.length + 1;
  switch (m.op) {
    case "delete": { const at = m.at % n; return source.slice(0, at) + source.slice(at + m.len); }
    case "insert": { const at = m.at % n; return source.slice(0, at) + m.text + source.slice(at); }
    case "duplicate": { const at = m.at % n; return source.slice(0, at + m.len) + source.slice(at); }
    case "swap": {
      // Swap two whitespace-separated tokens.
      const parts = source.split(/(\s+)/);
      const words = parts.map((p, i) => (/\S/.test(p) ? i : -1)).filter((i) => i >= 0);
      if (words.length < 2) return source;
      const i = words[m.a % words.length] ?? 0;
      const j = words[m.b % words.length] ?? 0;
      const pi = parts[i] ?? "";
      parts[i] = parts[j] ?? "";
      parts[j] = pi;
      return parts.join("");
    }
  }
}

describe("parse: mutated corpus scripts (fast-check)", () => {
  it("never throws and returns a script or a diagnostic with a valid span", function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (index, edits) => {
        const mutated = edits.reduce(apply, sources[index] ?? "");
        const result = parseScript(mutated, "m.pkt");
        if (result.script !== null) return result.diagnostics.length === 0;
        return result.diagnostics.length > 0 && result.diagnostics.every((d) => validSpan(d, mutated) && d.message.length > 0);
      }),
      { numRuns: 3000, seed: 8684 },
    );
  });
});
