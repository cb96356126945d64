/**
 * Static checking of a script (house-style rule 11): parse, then run every semantic pass of
 * `checks/` and collect all their diagnostics. Nothing stops at the first problem.
 */
import type { Script } from "./ast.ts";
import { cookieLengths } from "./checks/cookie-lengths.ts";
import { duplicateFields } from "./checks/duplicate-fields.ts";
import { inboundPackets } from "./checks/inbound-packets.ts";
import { knownDifferences } from "./checks/known-differences.ts";
import { mptcpForms } from "./checks/mptcp-forms.ts";
import { optionNames } from "./checks/option-names.ts";
import { optionSpace } from "./checks/option-space.ts";
import { QUIRK_PASSES } from "./checks/quirks.ts";
import type { CheckOptions, CheckPass } from "./checks/pass.ts";
import { seqConsistency } from "./checks/seq-consistency.ts";
import { syscallArity } from "./checks/syscall-arity.ts";
import { tcpFlags } from "./checks/tcp-flags.ts";
import { timeForms } from "./checks/time-forms.ts";
import { timeOrder } from "./checks/time-order.ts";
import { valueRanges } from "./checks/value-ranges.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { parseScript } from "./parse.ts";
import { sortDiagnostics } from "./render.ts";

export type { CheckOptions, CheckPass } from "./checks/pass.ts";

/** Every semantic pass, in the order they run. */
export const CHECK_PASSES: readonly CheckPass[] = [
  optionNames,
  timeForms,
  timeOrder,
  syscallArity,
  tcpFlags,
  seqConsistency,
  valueRanges,
  cookieLengths,
  optionSpace,
  duplicateFields,
  inboundPackets,
  mptcpForms,
  knownDifferences,
  ...QUIRK_PASSES,
];

/** Runs `passes` over a parsed script and returns all their diagnostics in source order. */
export function runChecks(script: Script, options: CheckOptions = {}, passes: readonly CheckPass[] = CHECK_PASSES): Diagnostic[] {
  const found: Diagnostic[] = [];
  const ctx = { script, options, report: (d: Diagnostic) => void found.push(d) };
  for (const pass of passes) pass.run(ctx);
  return sortDiagnostics(found);
}

/**
 * Checks one script: its syntax diagnostics when it does not parse, otherwise every diagnostic
 * of every check pass, in source order. Never throws.
 */
export function checkScript(source: string, file: string, options: CheckOptions = {}): Diagnostic[] {
  const parsed = parseScript(source, file);
  if (parsed.script === null) return parsed.diagnostics;
  return [...parsed.diagnostics, ...runChecks(parsed.script, { ...options, source })];
}
