// Shared helpers for the parser tests: parse one snippet and build expected AST values tersely.
import { expect } from "chai";
import { stripSpans } from "../../../src/script/ast.ts";
import type { Action, Event, Script } from "../../../src/script/ast.ts";
import { parseScript } from "../../../src/script/parse.ts";

/** Parses `source` and fails the test with the diagnostics if it does not parse. */
export function parseOk(source: string): Script {
  const { script, diagnostics } = parseScript(source, "t.pkt");
  expect(diagnostics, `diagnostics for ${JSON.stringify(source)}`).to.deep.equal([]);
  if (script === null) throw new Error("no script");
  return script;
}

/** The one event of `line`, spans stripped. */
export function event(line: string): unknown {
  const script = parseOk(line);
  expect(script.events).to.have.length(1);
  return stripSpans(script.events[0] as Event);
}

/** The action of the one event of `line`, spans stripped. */
export function action(line: string): unknown {
  const script = parseOk(line);
  expect(script.events).to.have.length(1);
  return stripSpans((script.events[0] as Event).action as Action);
}

/** The body of the packet in `line`, spans stripped. */
export function packetBody(line: string): unknown {
  return (action(line) as { body: unknown }).body;
}

/** The TCP options of the packet in `line`, spans stripped. */
export function tcpOptions(optionText: string): unknown[] {
  const body = packetBody(`+0 > . 1:1(0) ack 1 <${optionText}>`) as { options: { options: unknown[] } };
  return body.options.options;
}

/** The first argument of a syscall `f(<expr>) = 0`. */
export function expr(text: string): unknown {
  return (action(`+0 f(${text}) = 0`) as { args: unknown[] }).args[0];
}

/** `{kind:"int"}` for a literal as written. */
export function int(text: string): { kind: "int"; text: string; value: bigint } {
  return { kind: "int", text, value: BigInt(text) };
}

/** `{kind:"ident"}`. */
export function id(name: string): { kind: "ident"; name: string } {
  return { kind: "ident", name };
}

/** `{kind:"seconds"}`. */
export function secs(text: string): { kind: "seconds"; text: string; value: number } {
  return { kind: "seconds", text, value: Number(text) };
}

/** `{kind:"wildcard"}`. */
export const STAR = { kind: "wildcard" } as const;

/** A seq range of literals. */
export function seq(start: string, end: string, length: string): unknown {
  return { kind: "seqRange", start: int(start), end: int(end), length: int(length) };
}
