/**
 * The interpreter's ≤ 1 s wait for a blocking call (pkt-language.md §6.5) runs on the run's clock:
 * against the reference SUT virtual time moves for it, up to the instant the call returns, so a
 * script that ends with a blocking call in flight is judged on the call's result, at once, instead
 * of waiting a real second for a virtual clock that stands still.
 */
import { expect } from "chai";
import { parseOwnScript, runScriptRequest } from "../../../src/runner/script-runner.ts";
import { referenceNetConfig } from "../../../src/sut/reference/net-config.ts";
import { type ReferenceSut, openReferenceSut } from "../../../src/sut/reference/reference-sut.ts";

const LISTEN = [
  "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
  "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
  "+0 bind(3, ..., ...) = 0",
  "+0 listen(3, 1) = 0",
];

async function run(lines: readonly string[]): Promise<{ verdict: string; message: string | null; virtualUs: number; realMs: number }> {
  let sut: ReferenceSut | null = null;
  const open = (): Promise<ReferenceSut> => Promise.resolve((sut = openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 1 })));
  const source = `${lines.join("\n")}\n`;
  const t0 = performance.now();
  const out = await runScriptRequest({ file: "wait.pkt", script: parseOwnScript(source, "wait.pkt"), variant: "ipv4", flags: {}, defines: {}, seed: 1 }, open, () => {});
  const realMs = performance.now() - t0;
  return { verdict: out.verdict, message: out.failure?.message ?? null, virtualUs: (sut as ReferenceSut | null)?.now() ?? -1, realMs };
}

describe("interp: waiting for a blocking call on the run's clock", () => {
  it("a blocking poll still in flight at the end returns in virtual time and passes, without a real wait", async () => {
    const r = await run([...LISTEN, "+0...0.200 poll([{fd=3, events=POLLIN, revents=0}], 1, 200) = 0"]);
    expect(r.message).to.equal(null);
    expect(r.verdict).to.equal("pass");
    expect(r.realMs).to.be.below(500);
  });

  it("the wait stops at the call's return: virtual time ends near the call's 200 ms, not 1 s later", async () => {
    const r = await run([...LISTEN, "+0...0.200 poll([{fd=3, events=POLLIN, revents=0}], 1, 200) = 0"]);
    // close + final RSTs run after the wait; none of them moves time by a second.
    expect(r.virtualUs).to.be.at.least(200_000).and.below(1_000_000);
  });

  it("the call's result is still checked after the wait (a wrong return value fails on its line)", async () => {
    const r = await run([...LISTEN, "+0...0.200 poll([{fd=3, events=POLLIN, revents=0}], 1, 200) = 1"]);
    expect(r.verdict).to.equal("fail");
    expect(r.message).to.match(/^wait\.pkt:5: /);
  });

  it("a call that outlasts the 1 s wait is still 'exiting while a blocking system call is in progress'", async () => {
    const r = await run([...LISTEN, "+0...3 poll([{fd=3, events=POLLIN, revents=0}], 1, 3000) = 0"]);
    expect(r.verdict).to.equal("fail");
    expect(r.message).to.contain("runtime error: exiting while a blocking system call is in progress");
    expect(r.realMs).to.be.below(500);
  });
});
