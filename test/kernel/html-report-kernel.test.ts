/**
 * The HTML report of a small kernel run in headless Chromium: a few scripts of the upstream TCP
 * corpus (ipv4, ../shared/corpus/gpd, with configs/packetdrill.json) that pass and fail on the live
 * kernel, plus mptcpdrill's own server fixture with one ACK expected wrong (a sure failure). The packets reach the report from the script hosts (their packet log and system calls'
 * passes, sent because an HTML reporter is on); a passing and a failing job's ladders are checked
 * in the browser (an arrow per packet, the highlighted mismatch) and screenshotted, the failure's
 * capture is kept beside the report and the passes' are dropped. Needs root, /dev/net/tun and
 * chromium.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { chromiumPath } from "../support/chromium.ts";
import { checkLadder, checkTable, reportJobs } from "../support/html-report-check.ts";
import { canRunKernel, repoRoot, sharedCorpus } from "../support/kernel-script.ts";

/** Rows whose verdict does not hang on a few ms (corpus-sample.test.ts): passes and a failure. */
const SAMPLE = ["shutdown/shutdown-rdwr-close.pkt", "inq/server.pkt", "epoll/epoll_in_edge.pkt", "mtu_probe/basic-v4.pkt", "zerocopy/basic.pkt"];

describe("kernel: HTML report of a TCP corpus sample in headless Chromium", function () {
  this.timeout(300_000);
  let dir = "";
  let page = "";
  let browser = "";

  before(function () {
    const found = chromiumPath();
    if (!canRunKernel || !existsSync(sharedCorpus)) this.skip();
    if (found === null) throw new Error("chromium is missing: apt-get install chromium (scripts/setup.sh)");
    browser = found;
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-html-kernel-"));
    page = join(dir, "report.html");
    const failing = join(dir, "server-bad-ack.pkt");
    writeFileSync(failing, readFileSync(join(repoRoot, "test/fixtures/interp/server-basic.pkt"), "utf8").replace("+0 > . 1001:1001(0) ack 201", "+0 > . 1001:1001(0) ack 200"));
    const scripts = [...SAMPLE.map((s) => join(sharedCorpus, "gpd/net/tcp", s)), failing];
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/mptcpdrill.js"), "run", "--config", join(repoRoot, "configs/packetdrill.json"),
      "--ip-version", "ipv4", "--tolerance_usecs=20000", "--reporter", `html:${page}`, ...scripts], { cwd: dir, encoding: "utf8", timeout: 250_000 });
    expect([0, 1], r.stderr).to.include(r.status);
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("opens with a row per job", () => {
    expect(reportJobs(page)).to.have.length(SAMPLE.length + 1);
    checkTable(browser, page);
  });

  it("a passing kernel job's ladder has an arrow per packet and its system calls", () => {
    const jobs = reportJobs(page);
    const n = jobs.findIndex((j) => j.verdict === "pass" && j.steps.some((s) => s.k === "out")) + 1;
    expect(n, JSON.stringify(jobs.map((j) => [j.file, j.verdict]))).to.be.greaterThan(0);
    const r = checkLadder(browser, page, n, join(dir, "pass.png"));
    expect(r.arrows).to.be.greaterThan(2);
    expect(jobs[n - 1]?.steps.some((s) => s.k === "call")).to.equal(true);
  });

  it("a failing kernel job's ladder highlights its mismatch, and only failures keep a capture", () => {
    const jobs = reportJobs(page);
    const n = jobs.findIndex((j) => j.file.endsWith("server-bad-ack.pkt")) + 1;
    expect(jobs[n - 1]?.failure).to.deep.include({ field: "tcp_ack_seq", expected: "200", actual: "201" });
    expect(checkLadder(browser, page, n, join(dir, "fail.png")).mismatch).to.equal(true);
    const kept = jobs.filter((j) => j.capture !== null);
    expect(kept.every((j) => j.verdict !== "pass")).to.equal(true);
    expect(jobs[n - 1]?.capture).to.be.a("string");
    expect(readdirSync(join(dir, "captures")).length).to.equal(kept.length);
  });
});
