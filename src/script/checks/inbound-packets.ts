/**
 * Pass `inbound-packets`: an injected (`<`) packet is fully specified, since nothing live fills
 * it in (pkt-language.md §3.2, §4): a TCP segment needs `win`, may not use `<...>`, and its
 * ECN codepoint cannot be the outbound-only `ect01`. A missing `win` is reported as an empty span
 * where it would go (after `ack N`, else after the sequence range).
 */
import type { TcpSegment } from "../ast.ts";
import { error } from "../diagnostic.ts";
import type { Span } from "../span.ts";
import { packetEvents, type CheckPass } from "./pass.ts";

/** The empty span where `win N` belongs: right after `ack N`, or after the sequence range. */
function winGoesAt(tcp: TcpSegment): Span {
  const end = (tcp.ack ?? tcp.seq).span.end;
  return { file: tcp.span.file, start: end, end };
}

/** The pass. */
export const inboundPackets: CheckPass = {
  name: "inbound-packets",
  run({ script, report }) {
    for (const { packet } of packetEvents(script)) {
      if (packet.direction !== "inbound") continue;
      const body = packet.body;
      if (body.kind === "tcp" && body.win === null) {
        report(error("inbound-window", "Inbound TCP packet without 'win'", winGoesAt(body), [
          "the window of an injected packet is not chosen automatically: add 'win N'",
        ]));
      }
      if (body.kind === "tcp" && body.options?.kind === "anyOptions") {
        report(error("inbound-any-options", "'<...>' is not allowed on an inbound packet", body.options.span, [
          "'<...>' means 'do not check the options', which only applies to packets the stack sends",
        ]));
      }
      for (const item of packet.ipInfo?.items ?? []) {
        if (item.kind === "ecn" && item.codepoint === "ect01") {
          report(error("inbound-ect01", "'ect01' is not allowed on an inbound packet", item.span, [
            "'ect01' accepts either ECT(0) or ECT(1) on an outbound packet; an injected packet needs one codepoint",
          ]));
        }
      }
    }
  },
};
