/**
 * Human reporter (the default): one result line per finished script and variant, the failure text
 * (its cause, packetdrill's line, the dumps and the capture file) under each failing one, and a
 * summary with the list of failures at the end. On a terminal a progress line (`[done/total] running, counts`) stays at the
 * bottom and is redrawn after every event. With `-v` passing events and `log` output appear live,
 * each prefixed with its job so parallel runs stay readable; with run_all.py's `-l`/`-L` a failing /
 * passing job's `log` output is printed under its result line instead. An `xfail` (a failure the script's
 * known-difference tag expects) prints `XFAIL` with the tag's reason above the mismatch; an
 * `xpass` (a stale tag) prints `XPASS` and is listed with the failures. A `flaky` job (`--retries`)
 * prints `FLAKY` with every attempt's failure and is listed apart; a baseline's notes (`known`,
 * `new`, `fixed`) come under the result line, fixed rows listed at the end; with `--repeat` each
 * result line names its repetition and the summary has a per-script pass rate.
 */
import { type RunEvent, type ScriptEndEvent, type Verdict, type VerdictCounts, emptyCounts } from "../interp/events.ts";
import { describeKnown, formatDuration, withLocation, type Reporter, type ReporterFactory, type ReporterOptions, type ReportSink } from "./reporter.ts";

const LABEL: Readonly<Record<Verdict, string>> = { pass: "PASS ", fail: "FAIL ", error: "ERROR", skip: "SKIP ", xfail: "XFAIL", xpass: "XPASS", flaky: "FLAKY" };
const CLEAR_LINE = "\r\u001b[K";

function jobName(e: { readonly file: string; readonly variant: string }): string {
  return `${e.file} [${e.variant}]`;
}

/** Keeps a job's pending text apart from other jobs and other repetitions of the same job. */
function jobKey(e: { readonly file: string; readonly variant: string; readonly repeat?: number }): string {
  return `${jobName(e)}#${e.repeat ?? ""}`;
}

function indent(text: string, prefix: string): string {
  return text.split("\n").map((l) => (l === "" ? l : prefix + l)).join("\n");
}

/** `3 passed, 1 failed, 0 errors, 0 skipped`, then `, 2 xfail, 0 xpass` when a tag applied, then `, 1 flaky` when one was. */
export function formatCounts(c: VerdictCounts): string {
  const known = c.xfail + c.xpass > 0 ? `, ${c.xfail} xfail, ${c.xpass} xpass` : "";
  const flaky = c.flaky > 0 ? `, ${c.flaky} flaky` : "";
  return `${c.pass} passed, ${c.fail} failed, ${c.error} ${c.error === 1 ? "error" : "errors"}, ${c.skip} skipped${known}${flaky}`;
}

/** What a `scriptEnd`'s baseline note and attempts add under its result line. */
function outcomeNotes(e: ScriptEndEvent): string[] {
  const notes: string[] = [];
  const b = e.baseline;
  const expected = b === undefined ? "" : `${b.verdict}${b.line === null ? "" : ` at line ${b.line}`}`;
  if (b?.status === "known") notes.push(`known failure (baseline: ${expected})`);
  if (b?.status === "changed") notes.push(`new failure: the baseline expects ${expected}`);
  if (b?.status === "fixed") notes.push(`fixed: the baseline expects ${expected}; update it (--update-baseline)`);
  const attempts = e.attempts ?? [];
  if (attempts.length > 1) {
    notes.push(`${attempts.length} attempts: ${attempts.map((a) => `${a.verdict}${a.line === null ? "" : ` (line ${a.line})`}`).join(", ")}`);
  }
  return notes;
}

/** `--repeat N`: per script and variant, how many of its repetitions passed. */
function passRates(ends: readonly ScriptEndEvent[]): string[] {
  const byJob = new Map<string, { passed: number; runs: number }>();
  for (const e of ends) {
    const r = byJob.get(jobName(e)) ?? { passed: 0, runs: 0 };
    r.runs += 1;
    if (e.verdict === "pass" || e.verdict === "flaky") r.passed += 1;
    byJob.set(jobName(e), r);
  }
  const names = [...byJob.keys()].sort();
  return ["pass rate (--repeat):", ...names.map((n) => {
    const r = byJob.get(n) ?? { passed: 0, runs: 0 };
    return `  ${String(Math.round((100 * r.passed) / r.runs)).padStart(3)}% ${r.passed}/${r.runs} ${n}`;
  }), ""];
}

class TextReporter implements Reporter {
  private total = 0;
  private running = 0;
  private readonly counts = emptyCounts();
  /** Full failure text and warnings per job, printed under its result line. */
  private readonly details = new Map<string, string[]>();
  private readonly failures: ScriptEndEvent[] = [];
  /** Flaky jobs and baseline rows now passing, listed at the end. */
  private readonly flaky: ScriptEndEvent[] = [];
  private readonly fixed: ScriptEndEvent[] = [];
  /** Ends of repeated jobs (`--repeat`), for the pass-rate table. */
  private readonly repeated: ScriptEndEvent[] = [];
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
          this.logs.set(jobKey(event), [...(this.logs.get(jobKey(event)) ?? []), event.text]);
        }
        break;
      case "eventFail": {
        const capture = event.failure?.capture ?? null;
        const text = `${event.fatal ? "" : "warning: "}${withLocation(event.file, event.line, event.message)}${capture === null ? "" : `\ncapture: ${capture}`}`;
        this.details.set(jobKey(event), [...(this.details.get(jobKey(event)) ?? []), text]);
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
    const repeat = e.repeat === undefined ? "" : ` #${e.repeat}`;
    const lines = [`${LABEL[e.verdict]} ${jobName(e)}${repeat} (${formatDuration(e.ms)})`];
    const details = this.details.get(jobKey(e)) ?? [];
    this.details.delete(jobKey(e));
    if (e.verdict !== "pass" && e.verdict !== "skip" && e.verdict !== "flaky" && !details.some((d) => !d.startsWith("warning: "))) {
      details.push(withLocation(e.file, e.line, e.message ?? "no message"));
    }
    if (e.verdict === "skip") lines[0] += ` ${e.message ?? ""}`.trimEnd();
    if (e.known !== undefined) details.unshift(describeKnown(e.known));
    details.unshift(...outcomeNotes(e));
    if ((e.verdict === "fail" || e.verdict === "error") && e.seed !== undefined) details.push(`seed ${e.seed} (replay with --seed ${e.seed})`);
    for (const d of details) lines.push(indent(d, "      "));
    const log = this.logs.get(jobKey(e)) ?? [];
    this.logs.delete(jobKey(e));
    const failed = e.verdict === "fail" || e.verdict === "error" || e.verdict === "xfail" || e.verdict === "xpass";
    if (log.length > 0 && ((failed && this.options.logOnError === true) || (e.verdict === "pass" && this.options.logOnSuccess === true))) {
      lines.push("      log:", ...log.map((l) => indent(l, "        ")));
    }
    if (e.verdict === "fail" || e.verdict === "error" || e.verdict === "xpass") this.failures.push(e);
    if (e.verdict === "flaky") this.flaky.push(e);
    if (e.baseline?.status === "fixed") this.fixed.push(e);
    if (e.repeat !== undefined) this.repeated.push(e);
    this.print(`${lines.join("\n")}\n`);
  }

  private runEnd(ms: number, interrupted: boolean, counts: VerdictCounts): void {
    const out: string[] = [""];
    if (this.failures.length > 0) {
      out.push("failures:");
      for (const f of this.failures) {
        const repeat = f.repeat === undefined ? "" : ` #${f.repeat}`;
        out.push(`  ${f.verdict.padEnd(5)} [${f.variant}]${repeat} ${withLocation(f.file, f.line, f.message ?? "")}`.trimEnd());
      }
      out.push("");
    }
    const list = (title: string, ends: readonly ScriptEndEvent[]): void => {
      if (ends.length > 0) out.push(title, ...ends.map((e) => `  [${e.variant}] ${e.file}${e.repeat === undefined ? "" : ` #${e.repeat}`}`), "");
    };
    list("flaky (failed, then passed on a retry):", this.flaky);
    list("fixed (the baseline expects a failure):", this.fixed);
    if (this.repeated.length > 0) out.push(...passRates(this.repeated));
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
