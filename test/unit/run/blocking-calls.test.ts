/**
 * `hasBlockingCalls` decides whether a kernel job starts the blocking-call thread: true exactly
 * when some event line has a `...END` time (pkt-language.md §2.1), never for argument ellipses.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hasBlockingCalls } from "../../../src/cli/run/child-job.ts";

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/corpus");

describe("hasBlockingCalls", () => {
  it("sees blocking times and ignores argument ellipses", () => {
    expect(hasBlockingCalls("+0...0.040 poll([{fd=4, events=POLLOUT}], 1, 1000) = 1")).to.equal(true);
    expect(hasBlockingCalls("   +0 ... .02 sendto(4, ..., 6000, MSG_FASTOPEN, ..., ...) = 6000")).to.equal(true);
    expect(hasBlockingCalls(".1...0.2 accept(3, ..., ...) = 4")).to.equal(true);
    expect(hasBlockingCalls("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 read(4, ..., 1024) = 10\n+0 bind(3, ..., ...) = 0")).to.equal(false);
    expect(hasBlockingCalls("+0 accept(3, ..., ...) = 4")).to.equal(false);
  });

  it("agrees with a line-by-line reading of every corpus script", () => {
    const files = execFileSync("find", [CORPUS, "-name", "*.pkt"], { encoding: "utf8" }).trim().split("\n");
    expect(files.length).to.be.greaterThan(200);
    let blocking = 0;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const byLine = text.split("\n").some((l) => /^\s*\+?[\d.]+\s*\.\.\.\s*\+?[\d.]/.test(l));
      expect(hasBlockingCalls(text), f).to.equal(byLine);
      if (byLine) blocking++;
    }
    expect(blocking).to.be.greaterThan(20);
  });
});
