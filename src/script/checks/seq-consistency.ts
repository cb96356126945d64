/**
 * Pass `seq-consistency`: in `start:end(len)` the end is the start plus the payload length,
 * modulo 2^32 (pkt-language.md §3.2; RFC 9293 §3.4 sequence space). Also for the TCP header
 * echoed in an ICMP error (`[s:e(l)]`).
 */
import type { SeqRange } from "../ast.ts";
import { error } from "../diagnostic.ts";
import { staticInt, walkNodes, type CheckPass } from "./pass.ts";

const MOD = 0x1_0000_0000n;

/** The pass. */
export const seqConsistency: CheckPass = {
  name: "seq-consistency",
  run({ script, options, report }) {
    walkNodes(script.events, (node) => {
      if (node.kind !== "seqRange") return;
      const seq = node as SeqRange;
      const [start, end, length] = [seq.start, seq.end, seq.length].map((v) => staticInt(v, options));
      if (start == null || end == null || length == null) return;
      const expected = (((start + length) % MOD) + MOD) % MOD;
      if (expected === end) return;
      report(error("seq-inconsistent", "Inconsistent TCP sequence numbers and payload size", seq.span, [
        `the end must be start + length: ${start} + ${length} = ${expected}, not ${end}`,
      ]));
    });
  },
};
