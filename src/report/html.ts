/**
 * HTML reporter (`--reporter html:FILE`): one self-contained page, no network access (inline CSS
 * and script, a Content-Security-Policy that forbids every fetch). The summary (counts, durations,
 * SUT, kernel, host, seed, command line) is static HTML; the jobs travel as one JSON block that a
 * small inline script turns into a filterable table, and each job's ladder diagram (ladder-model.ts,
 * drawn by html-client.ts) is built only when its row is opened, so a page of 1,000 jobs opens as
 * fast as its JSON parses. Jobs are listed by file then variant whatever the completion order.
 * Like JUnit, the document cannot be streamed: into a file it is replaced atomically at the run's
 * start, after each job (at most every second) and at `runEnd`; on stdout it is written once.
 */
import { VARIANTS, emptyCounts, VERDICTS, type RunEvent, type Verdict } from "../interp/events.ts";
import { DocumentWriter } from "./document-writer.ts";
import { HTML_CLIENT_CSS, HTML_CLIENT_JS } from "./html-client.ts";
import { LadderBook, type LadderJob } from "./ladder-model.ts";
import { formatDuration, type Reporter, type ReporterFactory, type ReporterOptions, type ReportSink } from "./reporter.ts";

/** Escapes text for HTML character data and attribute values. */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON safe inside a `<script>` element: no `<` (so no `</script>`), no U+2028/2029. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const INTERIM_MS = 1000;

/** The page's header facts, from the run's events and the reporter options. */
interface RunFacts {
  sut: string;
  total: number;
  parallel: number;
  startedAt: number;
  ms: number | null;
  interrupted: boolean;
}

function compareJobs(a: LadderJob, b: LadderJob): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant);
}

function row(term: string, value: string): string {
  return `<dt>${htmlEscape(term)}</dt><dd>${value}</dd>`;
}

/** The static summary: verdict counts, durations, SUT, kernel, host, seed, command line. */
function summaryHtml(facts: RunFacts, jobs: readonly LadderJob[], options: ReporterOptions): string {
  const counts = emptyCounts();
  let jobMs = 0;
  for (const j of jobs) {
    counts[j.verdict] += 1;
    jobMs += j.ms;
  }
  const badges = VERDICTS.map((v: Verdict) => `<span class="badge v-${v}" data-count="${v}">${v} ${counts[v]}</span>`).join(" ");
  const state = facts.ms === null ? `in progress: ${jobs.length} of ${facts.total} jobs reported` : facts.interrupted ? "interrupted" : "finished";
  const seeds = [...new Set(jobs.map((j) => j.seed).filter((s): s is number => s !== null))];
  return [
    "<dl id=\"summary\">",
    row("jobs", `${jobs.length} of ${facts.total} (${htmlEscape(state)})`),
    row("verdicts", badges),
    row("duration", facts.ms === null ? "–" : htmlEscape(formatDuration(facts.ms))),
    row("job time", `${htmlEscape(formatDuration(jobMs))} in all, ${facts.parallel} at a time`),
    row("started", htmlEscape(new Date(facts.startedAt).toISOString())),
    row("SUT", htmlEscape(facts.sut)),
    row("kernel", htmlEscape(options.kernel ?? "–")),
    row("host", htmlEscape(options.hostname ?? "–")),
    row("seed", seeds.length === 0 ? "–" : htmlEscape(seeds.join(", "))),
    row("command", `<code>${htmlEscape(options.command === undefined ? "–" : options.command.join(" "))}</code>`),
    "</dl>",
  ].join("\n");
}

/** The whole page for `jobs`. */
export function htmlDocument(facts: RunFacts, jobs: readonly LadderJob[], options: ReporterOptions): string {
  const sorted = [...jobs].sort(compareJobs);
  const filters = VERDICTS.map((v) => `<label><input type="checkbox" class="vf" value="${v}" checked> ${v}</label>`).join(" ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mptcpdrill report: ${htmlEscape(facts.sut)}</title>
<style>${HTML_CLIENT_CSS}</style>
</head>
<body>
<header><h1>mptcpdrill run</h1>
${summaryHtml(facts, sorted, options)}
</header>
<section id="filters"><input id="q" type="search" placeholder="filter: path, variant, message" aria-label="filter"> ${filters} <span id="shown"></span></section>
<table id="jobs"><thead><tr><th>#</th><th>verdict</th><th>script</th><th>variant</th><th>time</th><th>message</th></tr></thead><tbody></tbody></table>
<noscript><p>The job table and the ladders need JavaScript; the summary above does not.</p></noscript>
<script type="application/json" id="run-data">${scriptJson({ jobs: sorted })}</script>
<script>${HTML_CLIENT_JS}</script>
</body>
</html>
`;
}

class HtmlReporter implements Reporter {
  private readonly book = new LadderBook();
  private readonly jobs: LadderJob[] = [];
  private readonly facts: RunFacts;
  private readonly out: DocumentWriter;

  constructor(sink: ReportSink, private readonly options: ReporterOptions, now: () => number) {
    this.facts = { sut: "", total: 0, parallel: 0, startedAt: options.startedAt ?? now(), ms: null, interrupted: false };
    this.out = new DocumentWriter(sink, now, INTERIM_MS);
  }

  onEvent(event: RunEvent): void {
    const done = this.book.note(event);
    if (done !== null) {
      this.jobs.push(done);
      this.interim(false);
    } else if (event.kind === "runStart") {
      Object.assign(this.facts, { sut: event.sut, total: event.total, parallel: event.jobs });
      this.interim(true);
    } else if (event.kind === "runEnd") {
      Object.assign(this.facts, { ms: event.ms, interrupted: event.interrupted });
      this.out.final(htmlDocument(this.facts, this.jobs, this.options));
    }
  }

  private interim(force: boolean): void {
    this.out.interim(() => htmlDocument(this.facts, this.jobs, this.options), force);
  }
}

/** Factory for `--reporter html`. */
export const htmlReporter: ReporterFactory = (sink, options) => new HtmlReporter(sink, options, options.now ?? Date.now);
