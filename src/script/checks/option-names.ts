/**
 * Pass `option-names`: every `--name[=value]` line names a known flag, gives a value exactly
 * when the flag takes one, names no flag mptcpdrill refuses and gives a good value
 * (pkt-language.md §1.5-§1.6; the table and its wording are in flag-table.ts).
 */
import { error } from "../diagnostic.ts";
import { FLAG_SPECS, PACKETDRILL_FLAGS, flagProblem, type FlagTakes } from "../flag-table.ts";
import type { CheckPass } from "./pass.ts";

/** packetdrill's flags with what they take (flag-table.ts). */
export const KNOWN_OPTIONS: ReadonlyMap<string, FlagTakes> = new Map(PACKETDRILL_FLAGS.map((f) => [f.name, f.takes]));

/** Edit distance between two short names, for `did you mean` notes. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The closest known option name, if it is close enough to be a typo. */
export function closestOption(name: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const known of KNOWN_OPTIONS.keys()) {
    const d = distance(name.replace(/-/g, "_"), known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** The pass. */
export const optionNames: CheckPass = {
  name: "option-names",
  run({ script, report }) {
    for (const option of script.options) {
      const takes = KNOWN_OPTIONS.get(option.name);
      if (takes === undefined) {
        const guess = closestOption(option.name);
        const notes = guess === null ? [] : [`did you mean '--${guess}'?`];
        report(error("unknown-option", `Unknown option '--${option.name}'`, option.span, notes));
      } else if (takes === "required" && option.value === null) {
        report(error("option-value", `Option '--${option.name}' requires a value`, option.span, [`write it as '--${option.name}=VALUE'`]));
      } else if (takes === "none" && option.value !== null) {
        report(error("option-value", `Option '--${option.name}' takes no value`, option.value.span, [`write it as '--${option.name}'`]));
      } else {
        const spec = FLAG_SPECS.get(option.name);
        const problem = flagProblem(option.name, option.value === null ? true : option.value.value, "script");
        if (spec?.support.kind === "refused") report(error("unsupported-option", `Option '--${option.name}' is not supported`, option.span, [spec.support.reason]));
        else if (spec?.commandLineOnly !== undefined) report(error("unsupported-option", `Option '--${option.name}' is not supported in a script`, option.span, [spec.commandLineOnly]));
        else if (problem !== null && option.value !== null) report(error("option-value", problem, option.value.span));
      }
    }
  },
};
