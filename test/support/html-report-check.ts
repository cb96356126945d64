/**
 * Checks of an HTML report (src/report/html.ts) as a browser shows it: the jobs' data from the
 * page's JSON block, and the DOM that headless Chromium serialises after the page's script drew a
 * job's ladder (`#job-N` opens job N).
 */
import { readFileSync, statSync } from "node:fs";
import { expect } from "chai";
import type { LadderJob } from "../../src/report/ladder-model.ts";
import { dumpDom, screenshot } from "./chromium.ts";

/** The jobs of a report, in the page's order (job N is index N-1). */
export function reportJobs(page: string): LadderJob[] {
  const html = readFileSync(page, "utf8");
  const m = /<script type="application\/json" id="run-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error(`no run-data block in ${page}`);
  return (JSON.parse(m[1] ?? "") as { jobs: LadderJob[] }).jobs;
}

/** The serialised ladder of job `n` (1-based) as drawn in the browser. */
function ladderDom(browser: string, page: string, n: number): string {
  const dom = dumpDom(browser, page, `#job-${n}`);
  const start = dom.indexOf(`id="job-${n}-detail"`);
  expect(start, `job ${n}'s detail row was not drawn`).to.be.greaterThan(0);
  const end = dom.indexOf("</tr>", start);
  return dom.slice(start, end);
}

const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;

/**
 * Opens job `n` in the browser and checks its ladder: one arrow per packet of the job (plus the
 * expected and actual packets of a packet mismatch, in a highlighted band), a box per system call,
 * and the mismatch box with the failure's field; screenshots it to `png` (a real, non-blank PNG).
 */
export function checkLadder(browser: string, page: string, n: number, png: string): { arrows: number; mismatch: boolean } {
  const job = reportJobs(page)[n - 1];
  if (job === undefined) throw new Error(`no job ${n}`);
  const ladder = ladderDom(browser, page, n);
  const packets = job.steps.filter((s) => s.k === "in" || s.k === "out").length;
  const calls = job.steps.filter((s) => s.k === "call").length;
  expect(count(ladder, /<g class="pkt (in|out)"/g), "an arrow per packet").to.equal(packets);
  expect(count(ladder, /<g class="call"/g), "a box per system call").to.equal(calls);
  const f = job.failure;
  const mismatch = f !== null;
  if (f !== null) {
    expect(ladder).to.include('class="band mismatch"');
    expect(ladder).to.include('class="mismatch-box"');
    expect(ladder).to.include(f.cause.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    if (f.scriptPacket !== null) expect(count(ladder, /<g class="pkt out expected mismatch"/g)).to.equal(1);
    if (f.livePacket !== null) expect(count(ladder, /<g class="pkt out actual mismatch"/g)).to.equal(1);
    if (f.field !== null) expect(ladder).to.include(`field: ${f.field}`);
  } else expect(ladder).to.not.include("mismatch-box");
  screenshot(browser, page, `#job-${n}`, png);
  const png8 = readFileSync(png).subarray(0, 8);
  expect(png8.toString("hex")).to.equal("89504e470d0a1a0a");
  expect(statSync(png).size).to.be.greaterThan(20_000);
  return { arrows: packets, mismatch };
}

/** Checks the page's table: one row per job, the filter's count, and no resource fetched from anywhere. */
export function checkTable(browser: string, page: string): void {
  const jobs = reportJobs(page);
  const dom = dumpDom(browser, page);
  expect(count(dom, /<tr class="job /g)).to.equal(jobs.length);
  expect(dom).to.include(`${jobs.length} of ${jobs.length} jobs shown`);
  const html = readFileSync(page, "utf8");
  expect(html).to.include("Content-Security-Policy\" content=\"default-src 'none'");
  expect(html).to.not.match(/<(script|link|img)[^>]+(src|href)=/);
}
