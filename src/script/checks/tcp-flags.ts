/**
 * Pass `tcp-flags`: the flags of a TCP packet line are valid (pkt-language.md §3.2; RFC 9293
 * §3.1 control bits, RFC 3168 ECE/CWR, AccECN AE and ACE): letters from `FSRPEWAU`, at most
 * one ACE digit 0-7 and never together with E, W or A; `-` alone means no flags. Where `.`
 * (ACK) may stand is already settled by the grammar (last, or before the digit as in `S.5`).
 */
import type { TcpFlags } from "../ast.ts";
import { error, type Diagnostic } from "../diagnostic.ts";
import type { Span } from "../span.ts";
import { packetEvents, type CheckPass } from "./pass.ts";

const LETTERS = "FSRPEWAU";

/** The span of characters `[from, to)` of a one-line node. */
function charSpan(span: Span, from: number, to: number): Span {
  const at = (i: number) => ({ line: span.start.line, column: span.start.column + i, offset: span.start.offset + i });
  return { file: span.file, start: at(from), end: at(to) };
}

/** Every problem with one flags token. */
export function flagDiagnostics(flags: TcpFlags): Diagnostic[] {
  const text = flags.text;
  if (text === "-") return [];
  const out: Diagnostic[] = [];
  const digits = [...text].filter((c) => c >= "0" && c <= "7");
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    const isDigit = c >= "0" && c <= "7";
    if (!LETTERS.includes(c) && c !== "." && !isDigit) {
      out.push(error("tcp-flags", `Invalid TCP flag '${c}'`, charSpan(flags.span, i, i + 1), [`flags are '${LETTERS}', '.' (ACK), one ACE digit 0-7, or '-' for none`]));
    }
  }
  if (digits.length > 1 || (digits.length === 1 && /[EWA]/.test(text))) {
    out.push(error("tcp-flags", `Conflicting TCP flags '${text}'`, flags.span, ["the ACE digit sets the AE, CWR and ECE bits together, so it excludes 'E', 'W', 'A' and a second digit"]));
  }
  return out;
}

/** The pass. */
export const tcpFlags: CheckPass = {
  name: "tcp-flags",
  run({ script, report }) {
    for (const { packet } of packetEvents(script)) {
      if (packet.body.kind === "tcp") flagDiagnostics(packet.body.flags).forEach(report);
    }
  },
};
