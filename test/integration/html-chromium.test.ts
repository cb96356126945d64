/**
 * The HTML report in a real browser (headless Chromium, Debian's `chromium` package): the report
 * of suites/ on the reference SUT plus a failing fixture opens, has a row per job, and a passing
 * and a failing job's ladders draw an arrow per packet, a box per system call and, for the
 * failure, the highlighted mismatch with the expected packet beside the actual one; both are
 * screenshotted (kept under reports/html-screenshots/ when MPTCPDRILL_KEEP_SCREENSHOTS=1).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { htmlDocument } from "../../src/report/html.ts";
import type { LadderJob, LadderStep } from "../../src/report/ladder-model.ts";
import { chromiumPath, dumpDom } from "../support/chromium.ts";
import { checkLadder, checkTable, reportJobs } from "../support/html-report-check.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

describe("HTML report in headless Chromium (suites/ on the reference SUT)", function () {
  this.timeout(300_000);
  let dir = "";
  let page = "";
  let browser = "";

  before(function () {
    const found = chromiumPath();
    if (found === null) throw new Error("chromium is missing: apt-get install chromium (scripts/setup.sh)");
    browser = found;
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-html-"));
    page = join(dir, "report.html");
    const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--reporter", `html:${page}`, "suites", "test/fixtures/html-run"],
      { cwd: ROOT, encoding: "utf8", timeout: 250_000 });
    expect(r.status, r.stderr).to.equal(1);
  });
  after(() => {
    if (process.env["MPTCPDRILL_KEEP_SCREENSHOTS"] === "1" && dir !== "") {
      mkdirSync(join(ROOT, "reports/html-screenshots"), { recursive: true });
      cpSync(dir, join(ROOT, "reports/html-screenshots"), { recursive: true });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens with a row per job and fetches nothing", () => {
    expect(reportJobs(page).length).to.be.greaterThan(100);
    checkTable(browser, page);
  });

  it("a passing job's ladder: an arrow per packet, a box per system call, no mismatch", () => {
    const jobs = reportJobs(page);
    const n = jobs.findIndex((j) => j.verdict === "pass" && j.file.includes("mp-join/")) + 1;
    expect(n).to.be.greaterThan(0);
    const r = checkLadder(browser, page, n, join(dir, "pass.png"));
    expect(r.arrows).to.be.greaterThan(3);
    expect(r.mismatch).to.equal(false);
  });

  it("a page of 1,000 jobs of 30 packets each is usable within 3 s (the ladders are drawn on demand)", () => {
    const steps: LadderStep[] = Array.from({ length: 30 }, (_, k) => ({ k: k % 2 === 0 ? "out" : "in", us: k * 10_000, line: k + 5,
      dump: `. ${k}:${k}(0) ack 1 win 1024 <mpcapable v1 flags[flag_h] key[ckey=0x8a6cb2752160278e, skey=0x0200000000000000]>` }));
    const jobs: LadderJob[] = Array.from({ length: 1000 }, (_, i) => ({ file: `suites/x/s${String(i).padStart(4, "0")}.pkt`, variant: "ipv4", verdict: i % 10 === 0 ? "fail" : "pass",
      ms: 50, line: null, message: null, known: null, seed: 1, failure: null, capture: null, steps }));
    const big = join(dir, "big.html");
    writeFileSync(big, htmlDocument({ sut: "kernel", total: 1000, parallel: 2, startedAt: 0, ms: 60_000, interrupted: false }, jobs, { verbose: false }));
    const dom = dumpDom(browser, big, "#job-500");
    expect(dom.match(/<tr class="job /g)).to.have.length(1000);
    expect(dom.match(/<g class="pkt /g)).to.have.length(30);
    const ready = Number(/data-ready-ms="(\d+)"/.exec(dom)?.[1]);
    expect(ready).to.be.within(1, 3000);
  });

  it("a failing job's ladder highlights the mismatch: expected packet beside the actual one", () => {
    const jobs = reportJobs(page);
    const n = jobs.findIndex((j) => j.file === "test/fixtures/html-run/fail-window-v4.pkt" && j.variant === "ipv4") + 1;
    expect(n).to.be.greaterThan(0);
    expect(jobs[n - 1]?.failure).to.deep.include({ field: "tcp_window", expected: "4321", actual: "1024" });
    const r = checkLadder(browser, page, n, join(dir, "fail.png"));
    // The capture beside the report is linked relatively (the folder can move as a CI artifact).
    expect(dumpDom(browser, page, `#job-${n}`)).to.include('class="capture" href="captures/test__fixtures__html-run__fail-window-v4.ipv4.pcap"');
    // The SYN and the SYN/ACK; the third packet is the failing one, drawn in the band.
    expect(r).to.deep.equal({ arrows: 2, mismatch: true });
  });
});
