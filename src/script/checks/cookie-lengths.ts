/**
 * Pass `cookie-lengths`: TCP Fast Open cookies and MD5 digests written as hex have an even
 * number of digits and fit the option (pkt-language.md §4: at most 38 bytes for `FO`, 36 for
 * `FOEXP`, 16 for `md5`; RFC 7413 §4.1.1, RFC 2385 §3.0). A non-hex word is a define and is
 * checked only when it runs.
 */
import type { CookieOption } from "../ast.ts";
import { error } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";

/** Largest cookie or digest in bytes, and the option's name in scripts. */
const MAX_BYTES: Readonly<Record<CookieOption["kind"], readonly [number, string]>> = {
  fastOpen: [38, "FO"],
  fastOpenExp: [36, "FOEXP"],
  md5: [16, "md5"],
};

/** The pass. */
export const cookieLengths: CheckPass = {
  name: "cookie-lengths",
  run({ script, report }) {
    for (const event of script.events) {
      const body = event.action.kind === "packet" ? event.action.body : null;
      if (body?.kind !== "tcp" || body.options?.kind !== "optionList") continue;
      for (const option of body.options.options) {
        if (option.kind !== "fastOpen" && option.kind !== "fastOpenExp" && option.kind !== "md5") continue;
        const cookie = option.cookie;
        const hex = cookie === null ? null : cookie.kind === "int" ? cookie.text : cookie.name;
        if (cookie === null || hex === null || !/^[0-9a-fA-F]+$/.test(hex)) continue;
        const [max, name] = MAX_BYTES[option.kind];
        if (hex.length % 2 !== 0) {
          report(error("cookie-length", `'${name}' value has an odd number of hex digits (${hex.length})`, cookie.span, ["each byte is written as two hex digits"]));
        } else if (hex.length / 2 > max) {
          report(error("cookie-length", `'${name}' value is ${hex.length / 2} bytes long, more than ${max}`, cookie.span));
        }
      }
    }
  },
};
