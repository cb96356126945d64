/**
 * The interpreter on the live kernel (through the kernel-tun SUT in its own namespace): our own
 * fixtures pass in every IP variant, one-expectation mutants fail naming the field, and a few
 * upstream scripts give packetdrill's baseline verdicts. Needs root and /dev/net/tun.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Variant } from "../../src/interp/events.ts";
import type { KernelOutcome } from "../support/kernel-script.ts";
import { canRunKernel, KernelScripts, lineOf, mutateOnce, repoRoot, sharedCorpus } from "../support/kernel-script.ts";

const fixtures = path.join(repoRoot, "test/fixtures/interp");
const corpus = sharedCorpus;
const kernel = canRunKernel ? new KernelScripts() : null;
const canRun = canRunKernel;
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), "utf8");
const mutate = mutateOnce;

/** Runs script text as `variant` with the gpd preset, once more after a timing-only miss. */
function run(file: string, source: string, variant: Variant, dir: string): Promise<KernelOutcome> {
  return kernel!.runRetryTiming("gpd", file, source, variant, dir);
}

describe("interp on the kernel SUT", function () {
  this.timeout(120_000);
  before(function () {
    if (!canRun) this.skip();
  });
  after(() => kernel?.close());

  for (const variant of ["ipv4", "ipv6", "ipv4-mapped-ipv6"] as const) {
    for (const name of ["server-basic.pkt", "client-basic.pkt"]) {
      it(`${name} passes as ${variant}`, async () => {
        const out = await run(name, fixture(name), variant, fixtures);
        expect(out.failure?.message ?? "", "no failure").to.equal("");
        expect(out.verdict).to.equal("pass");
      });
    }
  }

  const src = fixture("server-basic.pkt");
  const mutants: readonly { what: string; from: string; to: string; message: RegExp }[] = [
    { what: "a flag", from: "+0 > P. 1:1001(1000) ack 1", to: "+0 > . 1:1001(1000) ack 1", message: /live packet field tcp_psh: expected: 0 \(0x0\) vs actual: 1 \(0x1\)/ },
    { what: "a seq", from: "+0 > . 1001:1001(0) ack 201", to: "+0 > . 1002:1002(0) ack 201", message: /live packet field tcp_seq: expected: 1002 \(0x3ea\) vs actual: 1001 \(0x3e9\)/ },
    { what: "an ack", from: "+0 > F. 1001:1001(0) ack 201", to: "+0 > F. 1001:1001(0) ack 200", message: /live packet field tcp_ack_seq: expected: 200 \(0xc8\) vs actual: 201 \(0xc9\)/ },
    { what: "a window", from: "+0 > . 1002:1002(0) ack 202", to: "+0 > . 1002:1002(0) ack 202 win 1", message: /live packet field tcp_window: expected: 1 \(0x1\) vs actual: \d+/ },
    { what: "an option value", from: "<mss 1460,", to: "<mss 1400,", message: /bad value in outbound TCP option \(kind=2\): expected: mss 1400 actual: mss 1460/ },
    { what: "a time (+50 ms)", from: "+0 > P. 1:1001(1000) ack 1", to: "+.05 > P. 1:1001(1000) ack 1", message: /timing error: expected outbound packet at [\d.]+ sec but happened at [\d.]+ sec; tolerance 0\.025000 sec/ },
    { what: "a syscall result", from: "read(4, ..., 1000) = 200", to: "read(4, ..., 1000) = 100", message: /runtime error in read call: Expected result 100 but got 200 with errno 0 \(Success\)/ },
  ];
  for (const m of mutants) {
    it(`fails when ${m.what} is changed, naming the field and line`, async () => {
      const mutated = mutate(src, m.from, m.to);
      const out = await run("server-basic.pkt", mutated, "ipv4", fixtures);
      expect(out.verdict).to.equal("fail");
      expect(out.failure?.line).to.equal(lineOf(mutated, m.to));
      expect(out.failure?.message).to.match(m.message);
      expect(out.failure?.message.startsWith(`server-basic.pkt:${lineOf(mutated, m.to)}: `)).to.equal(true);
    });
  }

  it("reports a missing packet as a timeout", async () => {
    const mutated = mutate(src, "   +0 > . 1002:1002(0) ack 202\n", "   +0 > . 1002:1002(0) ack 202\n   +0 > P. 1002:1102(100) ack 202\n");
    const out = await run("server-basic.pkt", mutated, "ipv4", fixtures);
    expect(out.failure?.message).to.match(/error handling packet: missing packet: the SUT sent no packet for this line before the timeout\nTimed out waiting for packet\n/);
  });
});

/** Upstream scripts whose baseline verdict is deterministic (not timing-flaky), with that verdict. */
const CORPUS: readonly (readonly [string, "pass" | "fail", string | null])[] = [
  ["gpd/net/tcp/close/close-on-syn-sent.pkt", "pass", null],
  ["gpd/net/tcp/close/close-remote-fin-then-close.pkt", "pass", null],
  ["gpd/net/tcp/blocking/blocking-connect.pkt", "pass", null],
  ["gpd/net/tcp/nagle/sockopt_cork_nodelay.pkt", "pass", null],
  ["gpd/net/tcp/mss/mss-getsockopt-tcp_maxseg-server.pkt", "pass", null],
  ["gpd/net/tcp/sack/sack-shift-sacked-7-3-4-8-9-fack.pkt", "fail", "live packet payload: expected 1000 bytes vs actual 2000 bytes"],
];

describe("interp smoke: upstream scripts vs packetdrill's baseline (ipv4)", function () {
  this.timeout(120_000);
  before(function () {
    if (!canRun || !existsSync(corpus)) this.skip();
  });
  after(() => kernel?.close());

  for (const [rel, verdict, message] of CORPUS) {
    it(`${rel} → ${verdict}`, async () => {
      const file = path.join(corpus, rel);
      let out = await run(path.basename(file), readFileSync(file, "utf8"), "ipv4", path.dirname(file));
      // The baseline README: timing verdicts flip under load; one retry for a timing-only miss.
      const expected = (o: typeof out): boolean => o.verdict === verdict && (message === null || (o.failure?.message ?? "").includes(message));
      if (!expected(out) && /timing error/.test(out.failure?.message ?? "")) {
        out = await run(path.basename(file), readFileSync(file, "utf8"), "ipv4", path.dirname(file));
      }
      expect(out.verdict, out.failure?.message ?? "").to.equal(verdict);
      if (message !== null) expect(out.failure?.message).to.include(message);
    });
  }
});
