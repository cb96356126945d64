/**
 * Pass `time-forms`: each event's time is well formed on its own (pkt-language.md §2.1):
 * no negative time, `*` and windows only on outbound packets, a window or a blocking call
 * does not end before it starts.
 */
import type { Event, EventTime, Seconds } from "../ast.ts";
import { error } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";

/** The seconds written in a time (all ends), for the negative-time check. */
function secondsOf(time: EventTime): Seconds[] {
  switch (time.kind) {
    case "abs":
      return [time.at];
    case "rel":
      return [time.offset];
    case "any":
      return [];
    case "absRange":
    case "relRange":
      return [time.start, time.end];
  }
}

/** What the event is, for messages: `an inbound packet`, `a system call` …. */
function describeAction(event: Event): string {
  const a = event.action;
  if (a.kind === "packet") return a.direction === "inbound" ? "an inbound packet" : "an outbound packet";
  return a.kind === "syscall" ? "a system call" : a.kind === "command" ? "a shell command" : "a code block";
}

function isOutboundPacket(event: Event): boolean {
  return event.action.kind === "packet" && event.action.direction === "outbound";
}

/** The start of a time (`null` for `*`), keeping the written text for messages. */
function startOf(time: EventTime): Seconds | null {
  return time.kind === "abs" ? time.at : time.kind === "rel" ? time.offset : time.kind === "any" ? null : time.start;
}

/** The pass. */
export const timeForms: CheckPass = {
  name: "time-forms",
  run({ script, report }) {
    for (const event of script.events) {
      const time = event.time;
      if (time === null) continue;
      for (const s of [...secondsOf(time), ...(event.blockingEnd ? [event.blockingEnd] : [])]) {
        if (s.value < 0) report(error("negative-time", `Negative time '${s.text}'`, s.span, ["times count seconds from the script start or from the previous event"]));
      }
      const ranged = time.kind === "absRange" || time.kind === "relRange";
      if ((time.kind === "any" || ranged) && !isOutboundPacket(event)) {
        const form = time.kind === "any" ? "Time '*'" : "A time range";
        report(error("time-form", `${form} is not allowed on ${describeAction(event)}`, time.span, [
          "only outbound packets may use '*' or 'a~b': every other event happens at one scheduled time",
        ]));
      }
      if (ranged && time.end.value < time.start.value) {
        report(error("time-range", `Time range ends at ${time.end.text} s, before it starts at ${time.start.text} s`, time.span));
      }
      const start = startOf(time);
      if (event.blockingEnd !== null && start !== null && event.blockingEnd.value < start.value) {
        report(error("time-range", `Blocking call returns at ${event.blockingEnd.text} s, before it starts at ${start.text} s`, event.blockingEnd.span, [
          "in 'a...b' both times count from the same base",
        ]));
      }
    }
  },
};
