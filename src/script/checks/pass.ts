/**
 * The shape of a semantic check pass (house-style rule 11) and the AST walks they share. Each
 * pass lives in its own file, looks at one concept, and reports every problem it finds through
 * the context; none of them stops at the first problem.
 */
import type { Event, Identifier, IntLiteral, Packet, Script } from "../ast.ts";
import type { Diagnostic } from "../diagnostic.ts";

/** Options that change what the passes know (not what they check). */
export interface CheckOptions {
  /** `-D NAME=VALUE` defines: an identifier with a numeric define is range-checked as that number. */
  readonly defines?: Readonly<Record<string, string>>;
  /** The script's source text, for passes that look at characters the AST drops (`\r`, comments). */
  readonly source?: string;
}

/** What a pass gets: the parsed script, the options, and where to put diagnostics. */
export interface CheckContext {
  readonly script: Script;
  readonly options: CheckOptions;
  report(d: Diagnostic): void;
}

/** One semantic check: a stable name (for tests and `--json` consumers) and the walk. */
export interface CheckPass {
  readonly name: string;
  run(ctx: CheckContext): void;
}

/** Every event whose action is a packet line, with the packet. */
export function packetEvents(script: Script): { event: Event; packet: Packet }[] {
  const out: { event: Event; packet: Packet }[] = [];
  for (const event of script.events) {
    if (event.action.kind === "packet") out.push({ event, packet: event.action });
  }
  return out;
}

/** True for AST nodes: objects with a string `kind`. */
function isNode(v: unknown): v is { readonly kind: string } {
  return typeof v === "object" && v !== null && typeof (v as { kind?: unknown }).kind === "string";
}

/**
 * Calls `visit` on `root` and every node below it, depth first in property order (which is
 * source order for every node kind of ast.ts).
 */
export function walkNodes(root: unknown, visit: (node: { readonly kind: string }) => void): void {
  if (Array.isArray(root)) {
    for (const item of root) walkNodes(item, visit);
    return;
  }
  if (!isNode(root)) return;
  visit(root);
  for (const [key, value] of Object.entries(root)) {
    if (key !== "span" && typeof value === "object" && value !== null) walkNodes(value, visit);
  }
}

/**
 * The integer a value stands for, when it is known statically: an int literal, or an identifier
 * with a numeric `-D` define (decimal or `0x` hex, as packetdrill's `strtol`). `null` otherwise.
 */
export function staticInt(value: unknown, options: CheckOptions): bigint | null {
  if (!isNode(value)) return null;
  if (value.kind === "int") return (value as IntLiteral).value;
  if (value.kind !== "ident") return null;
  const text = options.defines?.[(value as unknown as Identifier).name];
  if (text === undefined || !/^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(text)) return null;
  return text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text);
}
