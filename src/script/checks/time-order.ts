/**
 * Pass `time-order`: the script's timeline is consistent across events (pkt-language.md §2.1):
 * the first timed event is at time 0, and absolute times never decrease.
 */
import type { Event, Seconds } from "../ast.ts";
import { error } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";

/** The absolute start of an event written with an absolute time, else `null`. */
function absoluteStart(event: Event): Seconds | null {
  const t = event.time;
  if (t === null) return null;
  return t.kind === "abs" ? t.at : t.kind === "absRange" ? t.start : null;
}

/** The start offset of the first timed event, relative to the script start (`null` for `*`). */
function firstStart(event: Event): Seconds | null {
  const t = event.time;
  if (t === null || t.kind === "any") return null;
  return t.kind === "abs" ? t.at : t.kind === "rel" ? t.offset : t.start;
}

/** The pass. */
export const timeOrder: CheckPass = {
  name: "time-order",
  run({ script, report }) {
    const timed = script.events.filter((e) => e.time !== null);
    const first = timed[0];
    const start = first === undefined ? null : firstStart(first);
    if (first?.time?.kind === "any" || (start !== null && start.value !== 0)) {
      const text = start === null ? "*" : start.text;
      report(error("first-event-time", `First event is at '${text}' but should be at time 0`, first?.time?.span ?? script.span, [
        "the script clock starts with the first event, so its time must be 0",
      ]));
    }
    let previous: { at: Seconds; event: Event } | null = null;
    for (const event of timed) {
      const at = absoluteStart(event);
      if (at === null || at.value < 0) continue; // negative times are time-forms' business
      if (previous !== null && at.value < previous.at.value) {
        report(error("time-backwards", `Time goes backwards from ${previous.at.text} s to ${at.text} s`, at.span, [
          `the previous absolute time is on line ${previous.at.span.start.line}`,
        ]));
      }
      previous = { at, event };
    }
  },
};
