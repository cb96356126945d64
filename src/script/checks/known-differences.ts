/**
 * Pass `known-differences`: every `// mptcpdrill:` comment must be a well-formed known-difference
 * tag (src/script/known-difference.ts): a known SUT, a known kind, a reason, one tag per SUT. A
 * misspelt tag would otherwise be an ordinary comment and turn an expected failure into `fail`.
 */
import { parseKnownDifferences } from "../known-difference.ts";
import type { CheckPass } from "./pass.ts";

/** The pass; it needs `options.source` (given by `checkScript`) and does nothing without it. */
export const knownDifferences: CheckPass = {
  name: "known-differences",
  run({ script, options, report }) {
    if (options.source === undefined) return;
    for (const d of parseKnownDifferences(options.source, script.file).diagnostics) report(d);
  },
};
