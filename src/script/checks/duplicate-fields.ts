/**
 * Pass `duplicate-fields`: a field is given at most once where only one value can exist:
 * named fields of a struct literal, the items of `[tos …, flowlabel …, ttl …]`, AccECN
 * counters. A TCP option repeated in one `<…>` list is legal to inject but suspicious, so it
 * is a warning (RFC 9293 §3.1 gives each option one meaning per segment).
 */
import type { AccEcnOption, IpInfo, StructExpr, TcpOptionList } from "../ast.ts";
import { error, warning, type Diagnostic } from "../diagnostic.ts";
import type { Span } from "../span.ts";
import { walkNodes, type CheckPass } from "./pass.ts";

/** Options that make sense once per segment, by AST kind, with their script names. */
const SINGLE_OPTIONS: Readonly<Record<string, string>> = {
  mss: "mss",
  wscale: "wscale",
  sackOK: "sackOK",
  sack: "sack",
  timestamp: "TS",
  fastOpen: "FO",
  fastOpenExp: "FOEXP",
  md5: "md5",
  accEcn: "ECN",
};

/** Reports every key seen before, pointing at where it was first given. */
function duplicates(items: readonly { key: string | null; span: Span }[], make: (key: string, first: Span, span: Span) => Diagnostic): Diagnostic[] {
  const seen = new Map<string, Span>();
  const out: Diagnostic[] = [];
  for (const { key, span } of items) {
    if (key === null) continue;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, span);
    else out.push(make(key, first, span));
  }
  return out;
}

const firstAt = (s: Span): string => `first given at line ${s.start.line}, column ${s.start.column}`;

function structDuplicates(node: StructExpr): Diagnostic[] {
  const items = node.items.map((i) => ({ key: i.kind === "field" ? i.name : null, span: i.span }));
  return duplicates(items, (k, first, span) => error("duplicate-field", `Duplicate field '${k}' in a struct`, span, [firstAt(first)]));
}

function ipInfoDuplicates(node: IpInfo): Diagnostic[] {
  const items = node.items.map((i) => ({ key: i.kind === "ecn" ? "tos" : i.kind, span: i.span }));
  return duplicates(items, (k, first, span) => error("duplicate-field", `Duplicate '${k}' in IP header info`, span, [firstAt(first), "an ECN codepoint also sets the tos byte"]));
}

function accEcnDuplicates(node: AccEcnOption): Diagnostic[] {
  const items = node.fields.map((f) => ({ key: f.name, span: f.span }));
  return duplicates(items, (k, first, span) => error("duplicate-field", `Duplicate AccECN counter '${k}'`, span, [firstAt(first)]));
}

function optionDuplicates(node: TcpOptionList): Diagnostic[] {
  const items = node.options.map((o) => ({ key: SINGLE_OPTIONS[o.kind] ?? null, span: o.span }));
  return duplicates(items, (k, first, span) => warning("duplicate-option", `TCP option '${k}' appears more than once`, span, [firstAt(first)]));
}

/** The pass. */
export const duplicateFields: CheckPass = {
  name: "duplicate-fields",
  run({ script, report }) {
    walkNodes(script.events, (node) => {
      const found =
        node.kind === "struct" ? structDuplicates(node as StructExpr)
        : node.kind === "ipInfo" ? ipInfoDuplicates(node as IpInfo)
        : node.kind === "accEcn" ? accEcnDuplicates(node as AccEcnOption)
        : node.kind === "optionList" ? optionDuplicates(node as TcpOptionList)
        : [];
      found.forEach(report);
    });
  },
};
