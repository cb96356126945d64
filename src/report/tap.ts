/**
 * TAP 13 reporter: the plan from `runStart`, then one test point per finished script and variant
 * in completion order, written and flushed as it ends. Failures and errors carry a YAML block with
 * the verdict, line and message, and the failure as data under `failure:` (cause, packetdrill's
 * detail, field, expected, actual, line, column, the script and live packet dumps, the capture
 * file, and the whole text as a literal block), the kept capture file (`capture:`, passes too)
 * and the job's packet log (`packets:`, one dump per packet in the order they crossed; the jobs
 * of a run with a TAP reporter send it, cli/run/jobs.ts); jobs stopped by an interrupt are `# SKIP`. An `xfail` (a failure
 * the script's known-difference tag expects) is `not ok … # TODO <reason>`, which TAP consumers do
 * not count as a failure; an `xpass` is a plain `not ok` (a stale tag fails the run); a `flaky` job
 * (passed on a retry) is `ok … # flaky` with every attempt and the first failure in YAML. An
 * interrupted run ends with `Bail out!` so consumers know the plan was not completed.
 */
import type { FailureDetail, RunEvent, ScriptEndEvent } from "../interp/events.ts";
import { FailureBook, describeKnown, type Reporter, type ReporterFactory, type ReportSink } from "./reporter.ts";

/** Quotes a string as a YAML double-quoted scalar (JSON strings are valid YAML). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

function description(e: ScriptEndEvent): string {
  return `${e.file} [${e.variant}]${e.repeat === undefined ? "" : ` repeat ${e.repeat}`}`.replace(/#/g, "\\#");
}

const yamlText = (s: string | null): string => (s === null ? "~" : yamlString(s));

/**
 * The `failure:` mapping of a YAML block. `text` is a literal block scalar (the dumps stay one per
 * line); its indentation indicator keeps a line that starts with spaces part of the text.
 */
function failureYaml(f: FailureDetail): string[] {
  const scalar = (k: string, v: string | number | null): string => `    ${k}: ${typeof v === "number" ? v : yamlText(v)}`;
  return [
    "  failure:",
    scalar("kind", f.kind), scalar("cause", f.cause), scalar("detail", f.detail), scalar("field", f.field),
    scalar("expected", f.expected), scalar("actual", f.actual), scalar("line", f.line), scalar("column", f.column),
    scalar("scriptPacket", f.scriptPacket), scalar("livePacket", f.livePacket), scalar("capture", f.capture),
    "    text: |2-",
    ...f.text.split("\n").map((l) => `      ${l}`),
  ];
}

/** The attempts of a retried job, as a YAML sequence. */
function attemptsYaml(e: ScriptEndEvent): string[] {
  return ["  attempts:", ...(e.attempts ?? []).flatMap((a) => [
    `    - attempt: ${a.attempt}`, `      verdict: ${a.verdict}`, `      line: ${a.line === null ? "~" : a.line}`, `      message: ${yamlText(a.message)}`,
  ])];
}

/** A `flaky` job: `ok` (it passed on a retry), the attempts and the first failure in its YAML block. */
function flakyPoint(n: number, e: ScriptEndEvent, failure: FailureDetail | null): string {
  const yaml = ["  ---", "  verdict: flaky", `  file: ${yamlString(e.file)}`, `  variant: ${e.variant}`, `  ms: ${Math.round(e.ms)}`, ...attemptsYaml(e)];
  if (failure !== null) yaml.push(...failureYaml(failure));
  return `ok ${n} - ${description(e)} # flaky: passed on attempt ${e.attempts?.length ?? 1}\n${[...yaml, "  ..."].join("\n")}\n`;
}

function testPoint(n: number, e: ScriptEndEvent, failure: FailureDetail | null, packets: readonly string[]): string {
  const time = `time=${Math.round(e.ms)}ms`;
  const capture = e.capture === undefined ? [] : [`  capture: ${yamlString(e.capture)}`];
  if (e.verdict === "pass") {
    const fixed = e.baseline?.status === "fixed" ? " fixed: the baseline expects a failure" : "";
    return `ok ${n} - ${description(e)} # ${time}${fixed}\n${capture.length === 0 ? "" : ["  ---", ...capture, "  ...", ""].join("\n")}`;
  }
  if (e.verdict === "skip") return `ok ${n} - ${description(e)} # SKIP ${e.message ?? "not run"}\n`;
  if (e.verdict === "flaky") return flakyPoint(n, e, failure);
  const yaml = [
    "  ---",
    `  verdict: ${e.verdict}`,
    `  file: ${yamlString(e.file)}`,
    `  variant: ${e.variant}`,
    `  line: ${e.line === null ? "~" : e.line}`,
    `  message: ${yamlString(e.message ?? "")}`,
    `  ms: ${Math.round(e.ms)}`,
    "  ...",
  ];
  if (e.known !== undefined) yaml.splice(-1, 0, `  known: ${yamlString(describeKnown(e.known))}`);
  if (e.baseline !== undefined) yaml.splice(-1, 0, `  baseline: ${e.baseline.status} (expected ${e.baseline.verdict}${e.baseline.line === null ? "" : ` at line ${e.baseline.line}`})`);
  if ((e.attempts?.length ?? 0) > 1) yaml.splice(-1, 0, ...attemptsYaml(e));
  yaml.splice(-1, 0, ...capture);
  if (failure !== null) yaml.splice(-1, 0, ...failureYaml(failure));
  if (packets.length > 0) yaml.splice(-1, 0, "  packets:", ...packets.map((p) => `    - ${yamlString(p)}`));
  const why = e.known !== undefined ? describeKnown(e.known) : "known failure (baseline)";
  const directive = e.verdict === "xfail" ? `TODO ${why.replace(/#/g, "\\#")}` : time;
  return `not ok ${n} - ${description(e)} # ${directive}\n${yaml.join("\n")}\n`;
}

class TapReporter implements Reporter {
  private count = 0;
  private readonly failures = new FailureBook();
  /** The packet log of each running job (`log` events), for its YAML block if it fails. */
  private readonly packets = new Map<string, string[]>();

  constructor(private readonly sink: ReportSink) {}

  onEvent(event: RunEvent): void {
    this.failures.note(event);
    switch (event.kind) {
      case "log": {
        const key = `${event.file}\u0000${event.variant}`;
        this.packets.set(key, [...(this.packets.get(key) ?? []), ...event.text.split("\n")]);
        break;
      }
      case "runStart":
        this.out(`TAP version 13\n1..${event.total}\n`);
        break;
      case "scriptEnd":
        this.count += 1;
        this.out(testPoint(this.count, event, this.failures.take(event), this.packets.get(`${event.file}\u0000${event.variant}`) ?? []));
        this.packets.delete(`${event.file}\u0000${event.variant}`);
        break;
      case "runEnd": {
        const c = event.counts;
        const known = c.xfail + c.xpass > 0 ? `# xfail ${c.xfail}\n# xpass ${c.xpass}\n` : "";
        const flaky = c.flaky > 0 ? `# flaky ${c.flaky}\n` : "";
        const tail = `# pass ${c.pass}\n# fail ${c.fail}\n# error ${c.error}\n# skip ${c.skip}\n${known}${flaky}`;
        this.out(event.interrupted ? `${tail}Bail out! interrupted\n` : tail);
        break;
      }
      default:
        break;
    }
  }

  private out(text: string): void {
    this.sink.write(text);
    this.sink.flush?.();
  }
}

/** Factory for `--reporter tap`. */
export const tapReporter: ReporterFactory = (sink) => new TapReporter(sink);
