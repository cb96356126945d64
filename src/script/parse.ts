/**
 * Script parsing: source text → {@link Script} AST or syntax diagnostics (pkt-language.md §1-§8).
 * Wraps the peggy-generated parser (grammar/mptcpdrill.peggy); never throws. A syntax error
 * becomes one `syntax` diagnostic at the exact failing position, whose message lists a short,
 * human-friendly set of what was expected there.
 */
import type { Script } from "./ast.ts";
import { error, type Diagnostic } from "./diagnostic.ts";
import { checkLimits } from "./limits.ts";
import type { Position, Span } from "./span.ts";
import { parse, SyntaxError as PegSyntaxError, type Expectation } from "./generated/parser.js";

/** The result of {@link parseScript}: a script, or `null` with at least one diagnostic. */
export interface ParseResult {
  readonly script: Script | null;
  readonly diagnostics: Diagnostic[];
}

/** At most this many alternatives are named in a syntax error message. */
const MAX_ALTERNATIVES = 6;

/**
 * Keyword families collapsed into one name in messages when several members are expected at once
 * (so a bad option reads "Expected TCP option" instead of listing 25 keywords).
 */
const KEYWORD_GROUPS: readonly (readonly [string, readonly string[]])[] = [
  ["TCP option", ("nop eol sackOK mss wscale sack TS FOEXP FO md5 ECN mpcapable mp_capable mp_capable_no_cs " +
    "mp_join_syn mp_join_syn_ack mp_join_ack dss add_address remove_address mp_prio mp_fail mp_fastclose mp_reset " +
    "unknown mptcp_unknown").split(" ")],
  ["IP info item", "ect01 ect0 ect1 noecn ce tos flowlabel ttl".split(" ")],
  ["encapsulation", "ipv4 ipv6 gre GREv0 mpls".split(" ")],
  ["hash function", "sha256_32 sha1_32 trunc_l64_hmac full_160_hmac trunc_r64_hmac_sha256 trunc_r64_hmac_sha1 trunc_r64_hmac".split(" ")],
  ["expression", "... [ { htons inet_addr inet6_addr".split(" ")],
];

/** Parses a whole `.pkt` script. Never throws. */
export function parseScript(source: string, file: string): ParseResult {
  const beyond = checkLimits(source, file);
  if (beyond.length > 0) return { script: null, diagnostics: beyond };
  try {
    return { script: parse(source, { grammarSource: file }), diagnostics: [] };
  } catch (e) {
    if (e instanceof PegSyntaxError) return { script: null, diagnostics: [syntaxDiagnostic(e, source, file)] };
    const message = e instanceof Error ? e.message : String(e);
    const at = positionAt(source, 0);
    return { script: null, diagnostics: [error("syntax", `Could not parse the script: ${message}`, { file, start: at, end: at })] };
  }
}

/** Converts a peggy syntax error into a diagnostic spanning the offending token. */
function syntaxDiagnostic(e: PegSyntaxError, source: string, file: string): Diagnostic {
  const offset = Math.min(Math.max(e.location.start.offset, 0), source.length);
  const found = foundToken(source, offset);
  const start = positionAt(source, offset);
  const end = positionAt(source, offset + found.length);
  const span: Span = { file, start, end };
  const foundText = found.length === 0 ? "end of input" : `'${printable(found)}'`;
  // Messages of the grammar's own `error()` calls (unterminated tokens) have no expectations.
  if (e.expected === null) return error("syntax", e.message, span);
  return error("syntax", `Expected ${describeExpected(e.expected ?? [])} but found ${foundText}`, span);
}

/** The token at `offset`: a whole word, or one character; empty at end of input. */
function foundToken(source: string, offset: number): string {
  if (offset >= source.length) return "";
  const word = /^[A-Za-z0-9_]+/.exec(source.slice(offset, offset + 200));
  if (word) return word[0];
  const ch = source.codePointAt(offset) ?? 0;
  return String.fromCodePoint(ch);
}

/** Escapes control characters for a message. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** Turns peggy's expectation list into at most {@link MAX_ALTERNATIVES} readable alternatives. */
export function describeExpected(expected: readonly Expectation[]): string {
  const names: string[] = [];
  for (const x of expected) {
    const name = describeOne(x);
    if (name !== null && !names.includes(name)) names.push(name);
  }
  if (names.length === 0) return "end of input";
  const sorted = collapseGroups(names).sort(byKind);
  const shown = sorted.slice(0, MAX_ALTERNATIVES);
  if (sorted.length > MAX_ALTERNATIVES) shown.push(`${sorted.length - MAX_ALTERNATIVES} more`);
  if (shown.length === 1) return shown[0] ?? "";
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1] ?? ""}`;
}

/** Replaces three or more members of a {@link KEYWORD_GROUPS} family by the family name. */
function collapseGroups(names: readonly string[]): string[] {
  let out = [...names];
  for (const [label, members] of KEYWORD_GROUPS) {
    const quoted = new Set(members.map((m) => `'${m}'`));
    const hits = out.filter((n) => quoted.has(n));
    if (hits.length >= 3) {
      out = out.filter((n) => !quoted.has(n));
      if (!out.includes(label)) out.push(label);
    }
  }
  return out;
}

/** Quoted literals first, then descriptive names, each alphabetically. */
function byKind(a: string, b: string): number {
  const qa = a.startsWith("'") ? 0 : 1;
  const qb = b.startsWith("'") ? 0 : 1;
  if (qa !== qb) return qa - qb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One expectation as text, or `null` when it is noise (whitespace, comments, word boundaries). */
function describeOne(x: Expectation): string | null {
  switch (x.type) {
    case "literal":
      if (x.text === "//" || x.text === "/*") return null;
      return `'${printable(x.text)}'`;
    case "other":
      return x.description === "whitespace" ? null : x.description;
    case "end":
      return "end of input";
    case "any":
      return "any character";
    case "class":
      return describeClass(x.parts, x.inverted);
  }
}

/** Names common character classes; returns `null` for whitespace and word-boundary classes. */
function describeClass(parts: readonly (string | readonly [string, string])[], inverted: boolean): string | null {
  const flat = parts.map((p) => (typeof p === "string" ? p : `${p[0]}-${p[1]}`)).join("");
  if (inverted) return null;
  if (/^[ \t\r\n]+$/.test(flat)) return null;
  if (flat === "0-9") return "digit";
  if (flat === "0-9a-fA-F" || flat === "0-9a-fA-F:.") return "hex digit";
  if (flat.includes("A-Z") || flat.includes("a-z")) return null;
  return `'${printable(flat)}'`;
}

/** The 1-based line/column position of a UTF-16 offset. */
export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < offset; i = source.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}
