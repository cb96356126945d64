/**
 * Evaluation of script values (pkt-language.md §1.4, §6.2): integers, identifiers through `-D`
 * defines (G semantics: a numeric define is an integer) and the Linux symbol tables, strings
 * with their escapes (§1.3), and hex cookies.
 *
 * Evaluation problems are thrown as {@link ScriptFault} inside the interpreter and turned into a
 * `runtime` mismatch value at the event boundary (run.ts); nothing outside interp sees a throw.
 */
import type { IntLiteral, Identifier, NumValue, OptValue, StringExpr } from "../script/ast.ts";
import type { Span } from "../script/span.ts";
import { lookupSymbol } from "../sut/sut.ts";

/** A problem executing one event; carries the span it belongs to. Caught by run.ts. */
export class ScriptFault extends Error {
  constructor(message: string, readonly span: Span, readonly field = "script") {
    super(message);
    this.name = "ScriptFault";
  }
}

/** What a define's value lexes as (pkt-language.md §1.4, G). */
export type DefineValue =
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "command"; readonly value: string }
  | { readonly kind: "word"; readonly value: string };

/** Classifies a `-D NAME=VALUE` value like G's lexer: `"…"` string, backticks, strtol integer, else a word. */
export function classifyDefine(raw: string): DefineValue {
  if (raw.startsWith('"') && raw.length >= 2) return { kind: "string", value: raw.slice(1, -1) };
  if (raw.startsWith("`") && raw.length >= 2) return { kind: "command", value: raw.slice(1, -1) };
  const n = strtolFull(raw);
  return n === null ? { kind: "word", value: raw } : { kind: "int", value: n };
}

/** `strtol(value, 0)` consuming the whole text: `0x10`→16, `010`→8, ``→0, else null. */
function strtolFull(text: string): bigint | null {
  if (text === "") return 0n;
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const body = m[2] as string;
  const v = body.length > 1 && body.startsWith("0") && !/^0[xX]/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  return m[1] === "-" ? -v : v;
}

/** The evaluation environment of one run: defines and symbols. */
export class ValueEnv {
  private readonly defines: ReadonlyMap<string, DefineValue>;

  constructor(defines: ReadonlyMap<string, string>) {
    const m = new Map<string, DefineValue>();
    for (const [k, v] of defines) m.set(k, classifyDefine(v));
    this.defines = m;
  }

  /** The define for `name`, if any. */
  define(name: string): DefineValue | undefined {
    return this.defines.get(name);
  }

  /** An identifier as an integer: a numeric define, or a (possibly defined) symbol name. */
  identInt(id: Identifier): bigint {
    const d = this.defines.get(id.name);
    if (d?.kind === "int") return d.value;
    const name = d?.kind === "word" ? d.value : id.name;
    const v = lookupSymbol(name);
    if (v === undefined) throw new ScriptFault(`unknown symbol: '${name}'`, id.span);
    return BigInt(v);
  }

  /** A packet-line number (`IntLiteral` or a define). */
  num(v: NumValue | IntLiteral): bigint {
    return v.kind === "int" ? v.value : this.identInt(v);
  }

  /** An option field: `null` for `*`. */
  opt(v: OptValue): bigint | null {
    return v.kind === "wildcard" ? null : this.num(v);
  }

  /** The text a cookie token stands for (a define's word or the token itself). */
  word(id: Identifier | IntLiteral): string {
    if (id.kind === "int") return id.text;
    const d = this.defines.get(id.name);
    if (d === undefined) return id.name;
    return d.kind === "int" ? String(d.value) : d.value;
  }
}

/** Decodes a hex cookie/digest (`3021b9d889017eeb`); even length required. */
export function hexCookie(text: string, span: Span): Uint8Array {
  const t = text.startsWith("0x") ? text.slice(2) : text;
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) throw new ScriptFault(`bad hex value: '${text}'`, span);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, v: 11, f: 12 };

/** Decodes a string literal's pieces (§1.3): `\n \r \t \v \f \xHH`; `\\` and `\"` decode to 0x0C like G. */
export function decodeString(s: StringExpr): string {
  let out = "";
  for (const part of s.parts) {
    const raw = part.raw.startsWith('"') ? part.raw.slice(1, -1) : part.raw;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i] as string;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = raw[++i] ?? "";
      if (e === "x") {
        out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (e in ESCAPES) out += String.fromCharCode(ESCAPES[e] as number);
      else if (e === "\\" || e === '"') out += "\f";
      else throw new ScriptFault(`unsupported escape code: '${e}'`, part.span);
    }
  }
  return out;
}
