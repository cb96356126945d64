/**
 * `run --retries` on the kernel SUT with a script made flaky on purpose: its inbound SYN is due at
 * an absolute 100 ms, and a command before it sleeps 200 ms on the first attempt only (it leaves a
 * marker file), so that attempt misses the SYN's 25 ms tolerance and the retry, in a fresh
 * namespace, does not. The job must be reported flaky (not failed, exit 0), with both attempts
 * and the first one's timing failure in the jsonl report, which still validates against its schema;
 * with `--capture` each attempt keeps its own pcap.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "docs/schema/run-events.schema.json"), "utf8")) as object;

function flakyScript(marker: string): string {
  return `--tolerance_usecs=25000
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 \`if [ -e ${marker} ]; then :; else touch ${marker}; sleep 0.2; fi\`
0.100 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale *>
 +.05 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
   +0 close(4) = 0
   +0 > F. 1:1(0) ack 1
`;
}

describe("kernel: --retries reports a job flaky when it passes on a retry", function () {
  this.timeout(120_000);
  let dir = "";
  before(function () {
    if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mpd-flaky-"));
    writeFileSync(join(dir, "flaky.pkt"), flakyScript(join(dir, "first-attempt-done")));
  });
  after(() => dir !== "" && rmSync(dir, { recursive: true, force: true }));

  it("flaky, exit 0, every attempt with the first one's failure in the jsonl", () => {
    const r = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "--retries", "2", "--capture", "caps", "--reporter", "jsonl:r.jsonl", "flaky.pkt"], { cwd: dir, encoding: "utf8", timeout: 90_000 });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^FLAKY flaky\.pkt \[ipv4\]/m).and.contain("0 passed, 0 failed, 0 errors, 0 skipped, 1 flaky");
    const rows = readFileSync(join(dir, "r.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
    for (const row of rows) expect(validate(row), JSON.stringify(validate.errors)).to.equal(true);
    const job = rows[0] as { verdict: string; attempts: Array<{ attempt: number; verdict: string; line: number | null; failure: { kind: string; line: number } | null }> };
    expect(job.verdict).to.equal("flaky");
    expect(job.attempts.map((a) => [a.attempt, a.verdict, a.line, a.failure?.kind ?? null, a.failure?.line ?? null])).to.deep.equal([[1, "fail", 7, "timing", 7], [2, "pass", null, null, null]]);
    // Each attempt keeps its own capture; the first attempt's failure names the plain file.
    expect(existsSync(join(dir, "caps/flaky.ipv4.pcap")) && existsSync(join(dir, "caps/flaky.ipv4.attempt2.pcap"))).to.equal(true);
    expect((job.attempts[0]?.failure as { capture?: string } | null)?.capture).to.equal(join(dir, "caps/flaky.ipv4.pcap"));
    expect(rows[1]).to.deep.include({ summary: { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, flaky: 1 } });
  });
});
