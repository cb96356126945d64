/**
 * Pass `mptcp-forms`: MPTCP option forms the dialect accepts syntactically but that have no
 * working meaning (pkt-language.md §8.6, §8.8, §8.10): `mp_fail dsn4`, a DSS with a data
 * sequence number but no Data ACK, and a bare `dss`. Rejected with an explanation instead of
 * reproducing the MPTCP fork's behaviour.
 */
import type { Dss, MpFail } from "../ast.ts";
import { error } from "../diagnostic.ts";
import { walkNodes, type CheckPass } from "./pass.ts";

/** The pass. */
export const mptcpForms: CheckPass = {
  name: "mptcp-forms",
  run({ script, report }) {
    walkNodes(script.events, (node) => {
      if (node.kind === "mpFail") {
        const fail = node as MpFail;
        if (fail.dataSeq?.width === 4) {
          report(error("mptcp-unsupported", "'mp_fail' needs 'dsn8', not 'dsn4'", fail.dataSeq.span, [
            "RFC 8684 §3.7: MP_FAIL carries the full 64-bit data sequence number; there is no 4-byte form",
          ]));
        }
      } else if (node.kind === "dss") {
        const dss = node as Dss;
        if (dss.dataAck === null && dss.dataSeq === null) {
          report(error("mptcp-unsupported", "'dss' without 'dack4'/'dack8' or 'dsn4'/'dsn8' is not supported", dss.span, [
            "a bare 'dss' has neither a Data ACK nor a mapping, and packetdrill's MPTCP fork builds an inconsistent option from it",
          ]));
        } else if (dss.dataAck === null && dss.dataSeq !== null) {
          report(error("mptcp-unsupported", "'dss' with a data sequence number but no Data ACK is not supported", dss.span, [
            "packetdrill's MPTCP fork emits no option for this form; add 'dack4=…' or 'dack8=…' before the DSN",
          ]));
        }
      }
    });
  },
};
