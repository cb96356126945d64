/**
 * Pass `quirks-options`: option lines mptcpdrill accepts but packetdrill's script grammar does
 * not (pkt-language.md §1.5: `option_value := INTEGER | WORD | STRING | IPV4_ADDR | IPV6_ADDR |
 * ipv4 | ipv6 | WORD=WORD | WORD=STRING | WORD=BACK_QUOTED`), and defines used inside the option
 * block, where packetdrill does not substitute them yet (§1.4). Warnings: each names the fix.
 */
import type { OptionLine } from "../ast.ts";
import { warning } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";
import { keywordOwner } from "./quirks-keywords.ts";

const WORD = /^[A-Za-z0-9_]+$/;
const INTEGER = /^-?[0-9]+$/;
const FLOAT = /^-?[0-9]*\.[0-9]+$/;
const IPV4 = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(:[0-9]{1,3}(\.[0-9]{1,3}){3})?$/;
const QUOTED = /^"[^"]*"$|^`[^`]*`$/;

const ON_COMMAND_LINE = "or pass the flag on the command line (or in a run config), which takes any value";

/** Why packetdrill rejects `raw` as an option value, with the fix; `null` when it accepts it. */
function valueProblem(name: string, raw: string): { message: string; fix: string } | null {
  if (INTEGER.test(raw) || IPV4.test(raw) || QUOTED.test(raw) || (raw.includes(":") && IPV6.test(raw))) return null;
  if (WORD.test(raw)) {
    const owner = raw === "ipv4" || raw === "ipv6" ? null : keywordOwner(raw);
    return owner === null ? null : { message: `'${raw}' is a keyword of ${owner}, not a word`, fix: `fix: ${ON_COMMAND_LINE}` };
  }
  if (FLOAT.test(raw)) return { message: `packetdrill's option lines take no floating-point value ('${raw}')`, fix: `fix: use an integer, ${ON_COMMAND_LINE}` };
  const eq = raw.indexOf("=");
  if (eq > 0 && WORD.test(raw.slice(0, eq))) {
    const right = raw.slice(eq + 1);
    if ((WORD.test(right) && !INTEGER.test(right)) || QUOTED.test(right)) return null;
    const what = INTEGER.test(right) ? "a number" : `'${right}'`;
    return { message: `packetdrill's option lines take 'NAME=WORD' or 'NAME="string"', not ${what} after '='`, fix: `fix: give it as '-D ${raw}' on the command line (or in a run config)` };
  }
  if (raw.includes("/")) return { message: `packetdrill's option lines take no '/' ('${raw}': a prefix length or an unquoted path)`, fix: `fix: quote a path ('--${name}="${raw}"'), ${ON_COMMAND_LINE}` };
  if (raw.includes(",")) return { message: `packetdrill's option lines take no comma list ('${raw}')`, fix: `fix: ${ON_COMMAND_LINE}` };
  return { message: `packetdrill's option lines do not take '${raw}'`, fix: `fix: quote it ('--${name}="${raw}"') if it is a string, ${ON_COMMAND_LINE}` };
}

/** Names defined by the script's `--define=NAME=…` lines and by `-D`. */
function defineNames(options: readonly OptionLine[], extra: Readonly<Record<string, string>> | undefined): Set<string> {
  const names = new Set(Object.keys(extra ?? {}));
  for (const o of options) {
    const v = o.value?.value ?? "";
    if (o.name === "define" && v.includes("=")) names.add(v.slice(0, v.indexOf("=")));
  }
  return names;
}

/** The pass. */
export const quirksOptions: CheckPass = {
  name: "quirks-options",
  run({ script, options, report }) {
    const defines = defineNames(script.options, options.defines);
    for (const o of script.options) {
      if (o.value === null) continue;
      const problem = valueProblem(o.name, o.value.raw);
      if (problem !== null) {
        report(warning("quirk-option-value", `Option '--${o.name}': ${problem.message}`, o.value.span, [
          "packetdrill stops with a parse error on this line (pkt-language.md §1.5)", problem.fix,
        ]));
      }
      const raw = o.value.raw;
      const used = o.name === "define" ? raw.slice(raw.indexOf("=") + 1) : raw;
      if (defines.has(used)) {
        report(warning("quirk-define-in-options", `Define '${used}' used in an option line: packetdrill does not substitute it there`, o.value.span, [
          "packetdrill installs defines when the option block ends, so option lines see the plain word",
          "fix: write the value itself, or pass this flag on the command line",
        ]));
      }
    }
  },
};
