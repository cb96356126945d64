/**
 * The reference stack against the live kernel (issue 8): every default interop scenario runs once
 * (one topology, one worker in the reference namespace) and each gets its own test that fails on
 * a byte mismatch or an unexpected counter. Then the CLI's `interop --report` on one scenario.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { formatReport } from "../../src/interop/report.ts";
import { type InteropRun, runInterop, scenarioNames } from "../../src/interop/run-interop.ts";
import { commonChecks, type ScenarioOutcome } from "../../src/interop/scenario.ts";
import { SCENARIOS } from "../../src/interop/scenarios.ts";
import { canUseNetns } from "../support/netns.ts";

function leftoverNamespaces(): string[] {
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith(`mpd-interop-k${process.pid} `) || l.startsWith(`mpd-interop-r${process.pid}`));
}

describe("kernel interop: reference stack vs Linux MPTCP over veth + libpcap", function () {
  this.timeout(150_000);
  let run: InteropRun | undefined;

  before(async function () {
    if (!canUseNetns()) this.skip();
    run = await runInterop();
  });

  after(() => {
    if (run) process.stdout.write(formatReport(run.outcomes, run.errors));
  });

  it("runs every default scenario without environment errors and removes its namespaces", () => {
    expect(run?.errors).to.deep.equal([]);
    expect(run?.outcomes.map((o) => o.name)).to.deep.equal(scenarioNames());
    expect(leftoverNamespaces()).to.deep.equal([]);
  });

  for (const name of scenarioNames()) {
    it(`${name} passes`, () => {
      const o = run?.outcomes.find((x) => x.name === name);
      expect(o, "outcome").to.not.equal(undefined);
      expect(o?.failures).to.deep.equal([]);
      expect(o?.passed).to.equal(true);
    });
  }

  it("bulk transfer moved at least 20 MiB each way over two subflows", () => {
    const o = run?.outcomes.find((x) => x.name === "bulk-20mb-two-subflows");
    expect(o?.ref.sentBytes).to.be.at.least(20 * 2 ** 20);
    expect(o?.kernel?.recvSha).to.equal(o?.ref.sentSha);
    expect(o?.ref.recvSha).to.equal(o?.kernel?.sentSha);
    expect(o?.refMptcp?.subflows.length).to.equal(2);
    for (const sf of o?.refMptcp?.subflows ?? []) expect(sf.bytesOut + sf.bytesIn).to.be.greaterThan(2 ** 20);
  });

  it("the common checks flag a hash mismatch and a checksum error", () => {
    const o = run?.outcomes.find((x) => x.name === "mpc-ref-client") as ScenarioOutcome;
    const s = SCENARIOS.find((x) => x.name === "mpc-ref-client");
    if (!o || !s) return expect.fail("no outcome");
    expect(commonChecks(s, o)).to.deep.equal([]);
    const bad = { ...o, kernel: o.kernel && { ...o.kernel, recvSha: "0".repeat(64) }, mib: { ...o.mib, MPTcpExtDataCsumErr: 1 } };
    const f = commonChecks(s, bad);
    expect(f.some((x) => x.startsWith("ref→kernel not byte-exact"))).to.equal(true);
    expect(f).to.include("MPTcpExtDataCsumErr = 1, want 0");
  });

  it("cli interop --report prints the table and exits 0", async function () {
    if (!canUseNetns()) this.skip();
    const io = memoryIo();
    const code = await runCli(["interop", "--report", "fallback-synack-stripped"], io);
    expect(io.err()).to.equal("");
    expect(code).to.equal(0);
    expect(io.out()).to.match(/^scenario\s+result\s+MiB out\/in\s+MB\/s\s+subflows\s+kernel counters$/m);
    expect(io.out()).to.match(/^fallback-synack-stripped\s+pass\s+1\.0\/1\.0\s+[\d.]+\s+1\/1\s+MPCSynRx=1 FbAck=1 CsumErr=0$/m);
    expect(io.out()).to.match(/^1 passed, 0 failed$/m);
  });

  it("cli interop rejects an unknown scenario with exit 2", async () => {
    const io = memoryIo();
    expect(await runCli(["interop", "no-such-scenario"], io)).to.equal(2);
    expect(io.err()).to.match(/MPD_ERR_USAGE.*unknown scenario 'no-such-scenario'/);
  });
});
