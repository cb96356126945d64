/**
 * Pass `quirks-packets`: injected TCP packets that packetdrill builds differently from what the
 * script seems to say (pkt-language.md §3.2, §5.2, §5.3):
 * - an ACK (`.`) without `ack N`: the ack field defaults to 0, mapped to the kernel's ISN, which
 *   acknowledges nothing. Reported where that trips the kernel: on a SYN-ACK (RFC 9293 §3.10.7.3:
 *   an unacceptable ACK in SYN-SENT gets a reset), and while the kernel has sent data or a FIN
 *   that no injected `ack N` has answered yet (it then stays unacknowledged). A reset, or a pure
 *   ACK with nothing outstanding, is left alone;
 * - a `TS … ecr E` on an ACK where E is no earlier outbound line's `TS val`: packetdrill maps ecr
 *   through the outbound values it has seen and stops with `unable to infer live TS ecr` when
 *   there is none (unless `--tcp_ts_ecr_scaled`).
 */
import type { TcpOption, TcpSegment } from "../ast.ts";
import { warning } from "../diagnostic.ts";
import { packetEvents, type CheckPass } from "./pass.ts";

/** The `TS` option of a segment, if it has one. */
function timestampOf(tcp: TcpSegment): Extract<TcpOption, { kind: "timestamp" }> | null {
  if (tcp.options?.kind !== "optionList") return null;
  for (const o of tcp.options.options) if (o.kind === "timestamp") return o;
  return null;
}

/** Outbound `TS val` values seen so far: literal values, or `"any"` once one is not a literal. */
type SeenVals = Set<bigint> | "any";

function recordOutboundVal(seen: SeenVals, tcp: TcpSegment): SeenVals {
  const ts = timestampOf(tcp);
  if (ts === null || seen === "any") return seen;
  if (ts.val.kind !== "int") return "any";
  seen.add(ts.val.value);
  return seen;
}

/** The pass. */
export const quirksPackets: CheckPass = {
  name: "quirks-packets",
  run({ script, report }) {
    const ecrScaled = script.options.some((o) => o.name === "tcp_ts_ecr_scaled");
    let seen: SeenVals = new Set<bigint>();
    let outstanding = false;
    for (const { packet } of packetEvents(script)) {
      const tcp = packet.body;
      if (tcp.kind !== "tcp") continue;
      const flags = tcp.flags.text;
      if (packet.direction === "outbound") {
        seen = recordOutboundVal(seen, tcp);
        const length = tcp.seq.length.kind === "int" ? tcp.seq.length.value : 0n;
        outstanding ||= (length > 0n && !flags.includes("S")) || flags.includes("F");
        continue;
      }
      const hasAck = flags.includes(".");
      const synAck = flags.includes("S");
      if (hasAck && tcp.ack === null && !flags.includes("R") && (synAck || outstanding)) {
        const what = synAck ? "the kernel answers this SYN-ACK with a reset" : "the kernel's data and FIN stay unacknowledged";
        report(warning("quirk-inbound-ack-missing", `Inbound ACK without an 'ack' value: packetdrill sends ack 0, so ${what}`, tcp.flags.span, [
          "packetdrill defaults the ack field to 0 and maps it to the kernel's ISN, acknowledging nothing it sent (pkt-language.md §3.2, §5.2)",
          "fix: write 'ack N' after the sequence range",
        ]));
      }
      if (flags.includes("R") || tcp.ack !== null) outstanding = false;
      const ts = timestampOf(tcp);
      if (!hasAck || ts === null || ecrScaled || seen === "any" || ts.ecr.kind !== "int" || seen.has(ts.ecr.value)) continue;
      report(warning("quirk-ts-ecr-unmapped", `TS ecr ${ts.ecr.text} matches no earlier outbound 'TS val': packetdrill cannot map it`, ts.ecr.span, [
        "packetdrill replaces an inbound ecr by the live value of the outbound packet whose script val it equals, and stops with 'unable to infer live TS ecr' without one (pkt-language.md §5.3)",
        "fix: echo the 'TS val' of an earlier '>' line, or set '--tcp_ts_ecr_scaled'",
      ]));
    }
  },
};
