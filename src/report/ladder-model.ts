/**
 * The ladder of one job as data: what the HTML report draws, gathered from the job's run events.
 * Packets come from the interpreter's packet log (`log` events, `inbound injected packet: <t>
 * <dump>` / `outbound sniffed packet: <t> <dump>`; the jobs of a run with an HTML reporter send it,
 * cli/run/jobs.ts), system calls from their `eventPass` with the result the script expects, the
 * failing event from its `eventFail` (the structured {@link FailureDetail}: expected and actual
 * packets, field, values). Times are microseconds since the script's start. Pure: no I/O.
 */
import type { FailureDetail, KnownDifferenceTag, RunEvent, ScriptEndEvent, Variant, Verdict } from "../interp/events.ts";

/** A packet on the wire: `in` from the tester to the SUT (injected), `out` from the SUT (sniffed). */
export interface LadderPacket {
  readonly k: "in" | "out";
  /** Microseconds since the script's start. */
  readonly us: number;
  readonly line: number | null;
  /** The one-line dump: flags, seq/ack, window, options (MPTCP options spelled out). */
  readonly dump: string;
}

/** A system call that returned what the script expected, on the SUT's lifeline. */
export interface LadderCall {
  readonly k: "call";
  readonly us: number;
  readonly line: number | null;
  /** `connect`, `accept return` … */
  readonly name: string;
  readonly result: string;
}

/** A non-fatal warning (`--non_fatal`) or other text the job logged. */
export interface LadderNote {
  readonly k: "note";
  readonly us: number;
  readonly line: number | null;
  readonly text: string;
}

/** One step of a ladder, in the order the job produced it. */
export type LadderStep = LadderPacket | LadderCall | LadderNote;

/** Everything the report shows about one job. */
export interface LadderJob {
  readonly file: string;
  readonly variant: Variant;
  readonly verdict: Verdict;
  readonly ms: number;
  readonly line: number | null;
  readonly message: string | null;
  readonly known: KnownDifferenceTag | null;
  readonly seed: number | null;
  /** The job's first fatal failure as data (with its time), null when it has none. */
  readonly failure: (FailureDetail & { readonly us: number | null }) | null;
  /** The job's capture file, null when none was kept. */
  readonly capture: string | null;
  readonly steps: readonly LadderStep[];
}

const PACKET_LOG = /^(inbound injected|outbound sniffed) packet:\s+(\d+)\.(\d{6})\s+(.*)$/s;

/** A packet log line as a {@link LadderPacket}, or null when the text is not one. */
export function parsePacketLog(text: string, line: number | null): LadderPacket | null {
  const m = PACKET_LOG.exec(text);
  if (m === null) return null;
  const us = Number(m[2]) * 1_000_000 + Number(m[3]);
  return { k: m[1] === "inbound injected" ? "in" : "out", us, line, dump: m[4] ?? "" };
}

/** The microseconds of a dump that starts with `<seconds>.<6 digits> `, else null. */
export function dumpTime(dump: string | null): number | null {
  const m = dump === null ? null : /^\s*(\d+)\.(\d{6})\s/.exec(dump);
  return m === null ? null : Number(m[1]) * 1_000_000 + Number(m[2]);
}

interface Pending {
  steps: LadderStep[];
  failure: (FailureDetail & { us: number | null }) | null;
}

function key(e: { file: string; variant: string }): string {
  return `${e.file}\u0000${e.variant}`;
}

/** Collects the events of every running job and hands back each job's ladder when it ends. */
export class LadderBook {
  private readonly running = new Map<string, Pending>();

  /** Notes `event`; returns the finished job on its `scriptEnd`, else null. */
  note(event: RunEvent): LadderJob | null {
    switch (event.kind) {
      case "scriptStart":
        this.running.set(key(event), { steps: [], failure: null });
        return null;
      case "log": {
        const p = this.pending(event);
        const packet = parsePacketLog(event.text, event.line);
        p.steps.push(packet ?? { k: "note", us: p.steps.at(-1)?.us ?? 0, line: event.line, text: event.text });
        return null;
      }
      case "eventPass":
        if (event.result !== undefined) {
          this.pending(event).steps.push({ k: "call", us: Math.round(event.ms * 1000), line: event.line, name: event.what.replace(/^syscall /, ""), result: event.result });
        }
        return null;
      case "eventFail": {
        const p = this.pending(event);
        if (!event.fatal) p.steps.push({ k: "note", us: Math.round(event.ms * 1000), line: event.line, text: event.message });
        else if (p.failure === null && event.failure !== undefined) {
          p.failure = { ...event.failure, us: dumpTime(event.failure.livePacket) ?? dumpTime(event.failure.scriptPacket) ?? Math.round(event.ms * 1000) };
        }
        return null;
      }
      case "scriptEnd":
        return this.finish(event);
      default:
        return null;
    }
  }

  private pending(e: { file: string; variant: string }): Pending {
    let p = this.running.get(key(e));
    if (p === undefined) {
      p = { steps: [], failure: null };
      this.running.set(key(e), p);
    }
    return p;
  }

  private finish(e: ScriptEndEvent): LadderJob {
    const p = this.running.get(key(e)) ?? { steps: [], failure: null };
    this.running.delete(key(e));
    // The packet that failed to match was logged as it was sniffed; the failure shows it (mapped
    // into script space, beside the expected one), so it is not drawn twice.
    const last = p.steps.at(-1);
    if (p.failure !== null && p.failure.livePacket !== null && last?.k === "out" && last.line === p.failure.line) p.steps.pop();
    return {
      file: e.file, variant: e.variant, verdict: e.verdict, ms: Math.round(e.ms), line: e.line, message: e.message, known: e.known ?? null,
      seed: e.seed ?? null, failure: p.failure, capture: e.capture ?? p.failure?.capture ?? null, steps: p.steps,
    };
  }
}
