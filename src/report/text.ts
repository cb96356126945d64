/**
 * Human reporter (the default): one result line per finished script and variant, the failure text
 * (its cause, packetdrill's line, the dumps and the capture file) under each failing one, and a
 * summary with the list of failures at the end. On a terminal a progress line (`[done/total] running, counts`) stays at the
 * bottom and is redrawn after every event. With `-v` passing events and `log` output appear live,
 * each prefixed with its job so parallel runs stay readable; with run_all.py's `-l`/`-L` a failing /
 * passing job's `log` output is printed under its result line instead. An `xfail` (a failure the script's
 * known-difference tag expects) prints `XFAIL` with the tag's reason above the mismatch; an
 * `xpass` (a stale tag) prints `XPASS` and is listed with the failures.
 */
import { type RunEvent, type ScriptEndEvent, type Verdict, type VerdictCounts, emptyCounts } from "../interp/events.ts";
import { describeKnown, formatDuration, withLocation, type Reporter, type ReporterFactory, type ReporterOptions, type ReportSink } from "./reporter.ts";

const LABEL: Readonly<Record<Verdict, string>> = { pass: "PASS ", fail: "FAIL ", error: "ERROR", skip: "SKIP ", xfail: "XFAIL", xpass: "XPASS" };
const CLEAR_LINE = "\r\u001b[K";

function jobName(e: { readonly file: string; readonly variant: string }): string {
  return `${e.file} [${e.variant}]`;
}

function indent(text: string, prefix: string): string {
  return text.split("\n").map((l) => (l === "" ? l : prefix + l)).join("\n");
}

/** `3 passed, 1 failed, 0 errors, 0 skipped`, then `, 2 xfail, 0 xpass` when a tag applied. */
export function formatCounts(c: VerdictCounts): string {
  const known = c.xfail + c.xpass > 0 ? `, ${c.xfail} xfail, ${c.xpass} xpass` : "";
  return `${c.pass} passed, ${c.fail} failed, ${c.error} ${c.error === 1 ? "error" : "errors"}, ${c.skip} skipped${known}`;
}

class TextReporter implements Reporter {
  private total = 0;
  private running = 0;
  private readonly counts = emptyCounts();
  /** Full failure text and warnings per job, printed under its result line. */
  private readonly details = new Map<string, string[]>();
  private readonly failures: ScriptEndEvent[] = [];
  /** `log` text per job, kept for `-l`/`-L` until the job's result line. */
  private readonly logs = new Map<string, string[]>();
  private progressShown = false;
  private lastProgress = "";

  constructor(private readonly sink: ReportSink, private readonly options: ReporterOptions) {}

  onEvent(event: RunEvent): void {
    switch (event.kind) {
      case "runStart":
        this.total = event.total;
        this.print(`running ${event.total} ${event.total === 1 ? "job" : "jobs"} on the ${event.sut} SUT, ${event.jobs} at a time\n`);
        break;
      case "scriptStart":
        this.running += 1;
        break;
      case "eventPass":
        if (this.options.verbose) this.print(`  ${jobName(event)} line ${event.line}: ${event.what} ok (${formatDuration(event.ms)})\n`);
        break;
      case "log":
        if (this.options.verbose) this.print(`${indent(event.text, `  ${jobName(event)} | `)}\n`);
        else if (this.options.logOnError === true || this.options.logOnSuccess === true) {
          this.logs.set(jobName(event), [...(this.logs.get(jobName(event)) ?? []), event.text]);
        }
        break;
      case "eventFail": {
        const capture = event.failure?.capture ?? null;
        const text = `${event.fatal ? "" : "warning: "}${withLocation(event.file, event.line, event.message)}${capture === null ? "" : `\ncapture: ${capture}`}`;
        this.details.set(jobName(event), [...(this.details.get(jobName(event)) ?? []), text]);
        break;
      }
      case "scriptEnd":
        this.scriptEnd(event);
        break;
      case "runEnd":
        this.runEnd(event.ms, event.interrupted, event.counts);
        break;
    }
    this.drawProgress(event.kind !== "runEnd");
  }

  private scriptEnd(e: ScriptEndEvent): void {
    this.running = Math.max(0, this.running - 1);
    this.counts[e.verdict] += 1;
    const lines = [`${LABEL[e.verdict]} ${jobName(e)} (${formatDuration(e.ms)})`];
    const details = this.details.get(jobName(e)) ?? [];
    this.details.delete(jobName(e));
    if (e.verdict !== "pass" && e.verdict !== "skip" && !details.some((d) => !d.startsWith("warning: "))) {
      details.push(withLocation(e.file, e.line, e.message ?? "no message"));
    }
    if (e.verdict === "skip") lines[0] += ` ${e.message ?? ""}`.trimEnd();
    if (e.known !== undefined) details.unshift(describeKnown(e.known));
    if ((e.verdict === "fail" || e.verdict === "error") && e.seed !== undefined) details.push(`seed ${e.seed} (replay with --seed ${e.seed})`);
    for (const d of details) lines.push(indent(d, "      "));
    const log = this.logs.get(jobName(e)) ?? [];
    this.logs.delete(jobName(e));
    const failed = e.verdict === "fail" || e.verdict === "error" || e.verdict === "xfail" || e.verdict === "xpass";
    if (log.length > 0 && ((failed && this.options.logOnError === true) || (e.verdict === "pass" && this.options.logOnSuccess === true))) {
      lines.push("      log:", ...log.map((l) => indent(l, "        ")));
    }
    if (e.verdict === "fail" || e.verdict === "error" || e.verdict === "xpass") this.failures.push(e);
    this.print(`${lines.join("\n")}\n`);
  }

  private runEnd(ms: number, interrupted: boolean, counts: VerdictCounts): void {
    const out: string[] = [""];
    if (this.failures.length > 0) {
      out.push("failures:");
      for (const f of this.failures) {
        out.push(`  ${f.verdict.padEnd(5)} [${f.variant}] ${withLocation(f.file, f.line, f.message ?? "")}`.trimEnd());
      }
      out.push("");
    }
    const notRun = counts.skip - this.counts.skip;
    if (interrupted) out.push(`interrupted: ${notRun} ${notRun === 1 ? "job" : "jobs"} not started`);
    out.push(`${formatCounts(counts)} (${this.total} ${this.total === 1 ? "job" : "jobs"} in ${formatDuration(ms)})`);
    this.print(`${out.join("\n")}\n`);
  }

  /** Writes permanent text above the progress line. */
  private print(text: string): void {
    if (this.progressShown) {
      this.sink.write(CLEAR_LINE);
      this.progressShown = false;
    }
    this.sink.write(text);
  }

  private drawProgress(show: boolean): void {
    if (!this.sink.isTTY || !show || this.total === 0) return;
    const done = Object.values(this.counts).reduce((a, b) => a + b, 0);
    const line = `[${done}/${this.total}] ${this.running} running · ${this.counts.pass} pass · ${this.counts.fail} fail · ${this.counts.error} error`;
    if (this.progressShown && line === this.lastProgress) return;
    this.sink.write(`${this.progressShown ? CLEAR_LINE : ""}${line}`);
    this.progressShown = true;
    this.lastProgress = line;
  }
}

/** Factory for `--reporter human` (the default). */
export const textReporter: ReporterFactory = (sink, options) => new TextReporter(sink, options);
