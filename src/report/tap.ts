/**
 * TAP 13 reporter: the plan from `runStart`, then one test point per finished script and variant
 * in completion order, written and flushed as it ends. Failures and errors carry a YAML block with
 * the verdict, line and message; jobs stopped by an interrupt are `# SKIP`. An interrupted run ends
 * with `Bail out!` so consumers know the plan was not completed.
 */
import type { RunEvent, ScriptEndEvent } from "../interp/events.ts";
import type { Reporter, ReporterFactory, ReportSink } from "./reporter.ts";

/** Quotes a string as a YAML double-quoted scalar (JSON strings are valid YAML). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

function description(e: ScriptEndEvent): string {
  return `${e.file} [${e.variant}]`.replace(/#/g, "\\#");
}

function testPoint(n: number, e: ScriptEndEvent): string {
  const time = `time=${Math.round(e.ms)}ms`;
  if (e.verdict === "pass") return `ok ${n} - ${description(e)} # ${time}\n`;
  if (e.verdict === "skip") return `ok ${n} - ${description(e)} # SKIP ${e.message ?? "not run"}\n`;
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
  return `not ok ${n} - ${description(e)} # ${time}\n${yaml.join("\n")}\n`;
}

class TapReporter implements Reporter {
  private count = 0;

  constructor(private readonly sink: ReportSink) {}

  onEvent(event: RunEvent): void {
    switch (event.kind) {
      case "runStart":
        this.out(`TAP version 13\n1..${event.total}\n`);
        break;
      case "scriptEnd":
        this.count += 1;
        this.out(testPoint(this.count, event));
        break;
      case "runEnd": {
        const c = event.counts;
        const tail = `# pass ${c.pass}\n# fail ${c.fail}\n# error ${c.error}\n# skip ${c.skip}\n`;
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
