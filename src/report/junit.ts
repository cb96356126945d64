/**
 * JUnit XML reporter: one `<testsuite>` per script file, one `<testcase>` per variant, in a stable
 * order (files sorted, variants in run_all.py order) whatever the completion order. `fail` becomes
 * `<failure>`, `error` becomes `<error>`, `skip` becomes `<skipped>`, `xfail` (a failure the
 * script's known-difference tag expects) becomes `<skipped>` with the tag's reason and the
 * mismatch, `xpass` (a stale tag) becomes `<failure type="xpass">`; the body is the full failure
 * text (cause, packetdrill's field line, script and live packet dumps) from the fatal `eventFail`,
 * then the capture file when there is one (a kept capture is also named in the case's
 * `<system-out>`). Each suite carries the run's `timestamp` and `hostname` and `<properties>`
 * (SUT, kernel release, variants, seed), and validates against the common JUnit schema
 * (test/fixtures/junit.xsd). XML cannot be streamed: into a file, the whole document
 * is replaced atomically at the run's start, after each job (at most every quarter second) and at
 * `runEnd`, so a run killed even with SIGKILL leaves a valid document with the verdicts so far
 * (marked by a comment as a run in progress); on stdout it is written once, at `runEnd`, which the
 * CLI also emits when SIGINT/SIGTERM stops a run.
 */
import { DocumentWriter } from "./document-writer.ts";
import { VARIANTS, emptyCounts, type FailureDetail, type RunEvent, type ScriptEndEvent } from "../interp/events.ts";
import { FailureBook, describeKnown, withLocation, type Reporter, type ReporterFactory, type ReporterOptions, type ReportSink } from "./reporter.ts";

/** Escapes text for XML attributes and character data; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An ISO 8601 time without fraction or zone (the JUnit schema's `timestamp`), in UTC. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The body of a `<failure>`/`<error>`: the whole text with its dumps, then the capture file. */
function failureBody(e: ScriptEndEvent, f: FailureDetail): string {
  const text = withLocation(e.file, f.line ?? e.line, f.text);
  return f.capture === null ? text : `${text}\ncapture: ${f.capture}`;
}

/** A `flaky` job's story: each attempt's verdict and first problem. */
function flakyText(e: ScriptEndEvent): string {
  const attempts = e.attempts ?? [];
  const lines = attempts.map((a) => `attempt ${a.attempt}: ${a.verdict}${a.message === null ? "" : ` ${withLocation(e.file, a.line, a.message)}`}`);
  return [`flaky: passed on attempt ${attempts.length} of ${attempts.length}`, ...lines].join("\n");
}

interface Case {
  readonly end: ScriptEndEvent;
  readonly detail: string | null;
}

/** The element a verdict puts in its `<testcase>`, null for a pass. */
function outcomeXml(c: Case): string | null {
  const e = c.end;
  const message = xmlEscape(e.message ?? "");
  const body = xmlEscape(c.detail ?? withLocation(e.file, e.line, e.message ?? ""));
  switch (e.verdict) {
    case "pass":
      return null;
    case "skip":
      return `<skipped message="${message}"/>`;
    case "fail":
      return `<failure message="${message}" type="mismatch">${body}</failure>`;
    case "error":
      return `<error message="${message}" type="error">${body}</error>`;
    case "xfail": {
      const why = xmlEscape(e.known === undefined ? "known failure (baseline)" : describeKnown(e.known));
      return `<skipped message="${why}">${body}</skipped>`;
    }
    case "xpass":
      return `<failure message="${message}" type="xpass">${body}</failure>`;
    case "flaky":
      return `<system-out>${xmlEscape(flakyText(e))}${c.detail === null ? "" : `\n${body}`}</system-out>`;
  }
}

/**
 * A `<testcase>`. A kept capture is named in `<system-out>` as `[[ATTACHMENT|path]]`, the form
 * Jenkins' JUnit attachments plugin links to, which other consumers show as text.
 */
function caseXml(c: Case): string {
  const e = c.end;
  const name = e.repeat === undefined ? e.variant : `${e.variant} #${e.repeat}`;
  const open = `    <testcase classname="${xmlEscape(e.file)}" name="${name}" time="${seconds(e.ms)}"`;
  const outcome = outcomeXml(c);
  const attachment = e.capture === undefined ? null : `[[ATTACHMENT|${xmlEscape(e.capture)}]]`;
  // One <system-out> per case: a flaky job's story and the capture go in the same one.
  const inner = outcome?.startsWith("<system-out>") === true && attachment !== null
    ? [outcome.replace("</system-out>", `\n${attachment}</system-out>`)]
    : [outcome, attachment === null ? null : `<system-out>${attachment}</system-out>`].filter((x): x is string => x !== null);
  return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner.map((x) => `      ${x}`), "    </testcase>"].join("\n");
}

/** What every `<testsuite>` says about the run: its time, host and `<properties>`. */
interface RunFacts {
  readonly timestamp: string;
  readonly hostname: string;
  readonly sut: string;
  readonly kernel: string;
}

/**
 * The `<properties>` of a file's suite: the SUT, the kernel release, the variants of its cases
 * (each `<testcase>` is named by its variant) and the run's seed.
 */
function propertiesXml(run: RunFacts, cases: readonly Case[]): string[] {
  const seeds = [...new Set(cases.map((c) => c.end.seed).filter((s) => s !== undefined))];
  const props: Array<[string, string]> = [["sut", run.sut], ["kernel", run.kernel], ["variant", cases.map((c) => c.end.variant).join(",")]];
  if (seeds.length > 0) props.push(["seed", seeds.join(",")]);
  return ["    <properties>", ...props.map(([n, v]) => `      <property name="${n}" value="${xmlEscape(v)}"/>`), "    </properties>"];
}

function suiteXml(run: RunFacts, id: number, file: string, cases: readonly Case[]): string {
  const counts = emptyCounts();
  let ms = 0;
  for (const c of cases) {
    counts[c.end.verdict] += 1;
    ms += c.end.ms;
  }
  const attrs = `name="${xmlEscape(file)}" id="${id}" tests="${cases.length}" failures="${counts.fail + counts.xpass}" errors="${counts.error}" skipped="${counts.skip + counts.xfail}" time="${seconds(ms)}" timestamp="${run.timestamp}" hostname="${xmlEscape(run.hostname)}"`;
  return [`  <testsuite ${attrs}>`, ...propertiesXml(run, cases), ...cases.map(caseXml), "  </testsuite>"].join("\n");
}

/** At most one interim document per this many milliseconds. */
const INTERIM_MS = 250;

class JunitReporter implements Reporter {
  private readonly cases = new Map<string, Case[]>();
  private readonly failures = new FailureBook();
  private total = 0;
  private run: RunFacts;
  private readonly out: DocumentWriter;

  constructor(sink: ReportSink, now: () => number, options: ReporterOptions) {
    this.run = { timestamp: isoSeconds(options.startedAt ?? now()), hostname: options.hostname ?? "localhost", sut: "", kernel: options.kernel ?? "unknown" };
    this.out = new DocumentWriter(sink, now, INTERIM_MS);
  }

  onEvent(event: RunEvent): void {
    this.failures.note(event);
    if (event.kind === "runStart") {
      this.total = event.total;
      this.run = { ...this.run, sut: event.sut };
      this.interim(true);
    } else if (event.kind === "scriptEnd") {
      const list = this.cases.get(event.file) ?? [];
      const failure = this.failures.take(event);
      list.push({ end: event, detail: failure === null ? null : failureBody(event, failure) });
      this.cases.set(event.file, list);
      this.interim(false);
    } else if (event.kind === "runEnd") {
      this.out.final(this.document(event.ms, null));
    }
  }

  /** The document so far, replacing the file's (file sinks only). */
  private interim(force: boolean): void {
    this.out.interim(() => {
      const done = [...this.cases.values()].reduce((n, l) => n + l.length, 0);
      return this.document(0, `mptcpdrill: run in progress, ${done} of ${this.total} jobs reported`);
    }, force);
  }

  private document(ms: number, inProgress: string | null): string {
    const counts = emptyCounts();
    for (const list of this.cases.values()) for (const c of list) counts[c.end.verdict] += 1;
    const files = [...this.cases.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const suites = files.map((f, i) => {
      const cases = [...(this.cases.get(f) ?? [])].sort((a, b) => VARIANTS.indexOf(a.end.variant) - VARIANTS.indexOf(b.end.variant) || (a.end.repeat ?? 0) - (b.end.repeat ?? 0));
      return suiteXml(this.run, i, f, cases);
    });
    const tests = [...this.cases.values()].reduce((n, l) => n + l.length, 0);
    const head = `<testsuites name="mptcpdrill" tests="${tests}" failures="${counts.fail + counts.xpass}" errors="${counts.error}" skipped="${counts.skip + counts.xfail}" time="${seconds(ms)}" timestamp="${this.run.timestamp}">`;
    const note = inProgress === null ? [] : [`<!-- ${inProgress} -->`];
    return `<?xml version="1.0" encoding="UTF-8"?>\n${[...note, head, ...suites, "</testsuites>"].join("\n")}\n`;
  }
}

/** Factory for `--reporter junit`. */
export const junitReporter: ReporterFactory = (sink, options) => new JunitReporter(sink, options.now ?? Date.now, options);
