/**
 * Pass `quirks-mptcp`: MPTCP option forms the MPTCP fork of packetdrill fills in differently
 * from what they seem to say (pkt-language.md §8.6, §8.7):
 * - a bare `dack8` or `dsn8` next to the other DSS field on an injected packet is not computed
 *   but stored as 0xFFFFFFFF;
 * - `ssn=`, `dll=` or `cksum=` on a DSS without a DSN are ignored (the option is ack-only):
 *   reported on segments with payload, where the script evidently meant a mapping;
 * - an injected DSS `dack…=0` / `dsn…=0` is the literal 0, not the relative IDSN + 0;
 * - an injected ADD_ADDR with `port=` and `hmac=auto` is signed with port 0, while RFC 8684
 *   §3.4.1 signs the port that is sent.
 */
import type { AddAddress, Dss, DssNumber } from "../ast.ts";
import { warning } from "../diagnostic.ts";
import { packetEvents, walkNodes, type CheckContext, type CheckPass } from "./pass.ts";

/** The field name as written (`dack8`, `dsn4`). */
function fieldName(n: DssNumber, kind: "dack" | "dsn"): string {
  return `${kind}${n.width}`;
}

/** Quirks of one DSS; `inbound` when packetdrill builds it. */
function checkDss(dss: Dss, inbound: boolean, payload: boolean, report: CheckContext["report"]): void {
  const { dataAck, dataSeq } = dss;
  if (inbound && dataAck !== null && dataSeq !== null) {
    for (const [n, kind] of [[dataAck, "dack"], [dataSeq, "dsn"]] as const) {
      if (n.value === null && n.width === 8) {
        report(warning("quirk-dss-bare-field", `Bare '${fieldName(n, kind)}' next to a ${kind === "dack" ? "DSN" : "Data ACK"}: packetdrill sends 0xFFFFFFFF, not a computed value`, n.span, [
          "the MPTCP fork computes a bare 8-byte field only when it is the DSS's only number (pkt-language.md §8.6)",
          `fix: give the value ('${fieldName(n, kind)}=N')`,
        ]));
      }
    }
  }
  for (const n of inbound ? [dataAck, dataSeq] : []) {
    if (n?.value?.kind === "int" && n.value.value === 0n) {
      const kind = n === dataAck ? "dack" : "dsn";
      report(warning("quirk-dss-zero", `'${fieldName(n, kind)}=0' is sent as the literal 0, not relative to the IDSN`, n.span, [
        "packetdrill adds the IDSN to every injected DSS value except 0 (pkt-language.md §8.6)",
        "fix: use the relative value you mean (1 is the first data byte)",
      ]));
    }
  }
  const ignored = dataSeq !== null ? [] : [dss.subflowSeq && "ssn", dss.dataLevelLength && "dll", dss.checksum?.kind === "int" && "cksum"];
  const names = ignored.filter((x): x is string => typeof x === "string");
  if (dataAck !== null && payload && names.length > 0) {
    report(warning("quirk-dss-ignored", `${names.map((x) => `'${x}='`).join(", ")} ignored: this DSS maps no data, so the payload goes without a mapping`, dss.span, [
      "a DSS without 'dsn4='/'dsn8=' is ack-only: packetdrill drops these fields (pkt-language.md §8.6); RFC 8684 §3.3.1: data needs a mapping",
      "fix: remove them, or add 'dsn4=…'/'dsn8=…' for a mapping",
    ]));
  }
}

function checkAddAddress(add: AddAddress, report: CheckContext["report"]): void {
  if (add.port === null || add.hmac?.kind !== "auto") return;
  report(warning("quirk-add-addr-port-hmac", "Injected ADD_ADDR with 'port=' and 'hmac=auto': packetdrill signs it with port 0", add.span, [
    "RFC 8684 §3.4.1: the HMAC covers \"the Address ID, IP address, and port\"; the MPTCP fork always hashes 2 zero bytes (pkt-language.md §8.7), mptcpdrill the port",
    "fix: leave out 'port=' where the script must behave alike under packetdrill, whose ADD_ADDR the kernel drops as badly signed",
  ]));
}

/** The pass. */
export const quirksMptcp: CheckPass = {
  name: "quirks-mptcp",
  run({ script, report }) {
    for (const { packet } of packetEvents(script)) {
      const inbound = packet.direction === "inbound";
      const length = packet.body.kind === "tcp" ? packet.body.seq.length : null;
      const payload = length?.kind === "int" && length.value > 0n;
      walkNodes(packet.body, (node) => {
        if (node.kind === "dss") checkDss(node as Dss, inbound, payload, report);
        else if (node.kind === "addAddress" && inbound) checkAddAddress(node as AddAddress, report);
      });
    }
  },
};
