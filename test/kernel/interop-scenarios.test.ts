/**
 * The reference stack against the live kernel (issue 8), over both links: libpcap on a veth pair,
 * and a TUN device whose fd the reference stack owns in the kernel's namespace. Every default
 * scenario runs once per link (the 20 MB bulk one on veth only, to keep the run short), each with
 * a tcpdump capture on the kernel's interface, and each gets its own test that fails on a byte
 * mismatch or an unexpected counter. Then every capture goes through the offline RFC 8684 checker
 * (src/verify, in-process): clean, except the corrupted-payload run, flagged with CS-02 at the
 * corrupted packet and nowhere else; `mptcpdrill verify` says the same once. Then the CLI's
 * `interop --report --link tun` on one scenario.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { formatReport } from "../../src/interop/report.ts";
import { type InteropRun, runInterop, scenarioNames } from "../../src/interop/run-interop.ts";
import { commonChecks, type ScenarioOutcome } from "../../src/interop/scenario.ts";
import { SCENARIOS } from "../../src/interop/scenarios.ts";
import { LINK_KINDS, type LinkKind, REF_ADDRS } from "../../src/interop/topology.ts";
import { verifyCapture, type VerifyReport } from "../../src/verify/index.ts";
import { formatIpAddress } from "../../src/wire/address.ts";
import { parsePacket } from "../../src/wire/packet.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { seqDiff, type SeqNum } from "../../src/wire/seq.ts";
import { canUseNetns } from "../support/netns.ts";

const BULK = "bulk-20mb-two-subflows";
const CORRUPTED = "mpfail-kernel-detects";

/** Scenarios per link in this test: all defaults on veth, all but the bulk one on tun. */
function namesFor(link: LinkKind): string[] {
  return scenarioNames().filter((n) => link === "veth" || n !== BULK);
}

function leftoverNamespaces(): string[] {
  const ours = ["k", "r", "t"].map((x) => `mpd-interop-${x}${process.pid}`);
  return execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => ours.includes(l.split(" ")[0] ?? ""));
}

/**
 * The file frame number of the first packet from the reference stack whose payload holds the
 * byte at subflow offset `offset` (bytes after ISN + 1), found independently of src/verify.
 */
function frameHolding(bytes: Uint8Array, offset: number): number | undefined {
  let isn: SeqNum | undefined;
  for (const item of readCapture(bytes)) {
    if (item.kind !== "packet") continue;
    const link = stripLinkLayer(item.packet.linkType, item.packet.data);
    const p = link.ok ? parsePacket(link.value.payload) : undefined;
    if (!p?.ok || p.value.l4.kind !== "tcp" || p.value.ip.kind !== "ipv4" || formatIpAddress(p.value.ip.src) !== REF_ADDRS[0]) continue;
    const tcp = p.value.l4;
    if ((tcp.flags & 0x02) !== 0) isn = tcp.seq;
    if (isn === undefined) continue;
    const start = seqDiff(tcp.seq, isn) - 1;
    if (offset >= start && offset < start + p.value.payload.length) return item.packet.number;
  }
  return undefined;
}

describe("kernel interop: reference stack vs Linux MPTCP over veth + libpcap and over TUN", function () {
  this.timeout(170_000);
  const runs = new Map<LinkKind, InteropRun>();
  const dir = mkdtempSync(join(tmpdir(), "mpd-interop-"));
  const reports = new Map<string, VerifyReport>();
  const outcome = (link: LinkKind, name: string): ScenarioOutcome | undefined => runs.get(link)?.outcomes.find((o) => o.name === name);

  before(async function () {
    if (!canUseNetns()) this.skip();
    for (const link of LINK_KINDS) runs.set(link, await runInterop({ links: [link], scenarios: namesFor(link), captureDir: dir }));
  });

  after(() => {
    for (const r of runs.values()) process.stdout.write(formatReport(r.outcomes, r.errors));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs every scenario on both links without environment errors and removes its namespaces", () => {
    for (const link of LINK_KINDS) {
      expect(runs.get(link)?.errors, link).to.deep.equal([]);
      expect(runs.get(link)?.outcomes.map((o) => `${o.name}.${o.link}`)).to.deep.equal(namesFor(link).map((n) => `${n}.${link}`));
    }
    expect(leftoverNamespaces()).to.deep.equal([]);
  });

  for (const link of LINK_KINDS) {
    for (const name of namesFor(link)) {
      it(`${name} passes over ${link}`, () => {
        const o = outcome(link, name);
        expect(o, "outcome").to.not.equal(undefined);
        expect(o?.failures).to.deep.equal([]);
        expect(o?.passed).to.equal(true);
      });

      it(`${name} over ${link}: the capture verifies ${name === CORRUPTED ? "with CS-02 at the corrupted packet only" : "clean"}`, () => {
        const file = outcome(link, name)?.capture;
        expect(file, "capture").to.be.a("string");
        const bytes = new Uint8Array(readFileSync(file as string));
        const report = verifyCapture(readCapture(bytes));
        reports.set(`${name}.${link}`, report);
        expect(report.decodeErrors).to.deep.equal([]);
        expect(report.stats.mptcpConnections).to.equal(1);
        expect(report.stats.flowsWithoutHandshake).to.equal(0);
        if (name !== CORRUPTED) {
          expect(report.violations).to.deep.equal([]);
          const s = SCENARIOS.find((x) => x.name === name);
          // Checksummed runs: every mapping's DSS checksum was checked, none skipped (whole packets captured).
          if (s && (s.kernelChecksum || s.refChecksum)) {
            expect(report.checks.get("CS-02")?.run ?? 0).to.be.greaterThan(100);
            expect(report.checks.get("CS-02")?.skipped ?? 0).to.equal(0);
          }
          return;
        }
        const offset = outcome(link, name)?.corruption?.offset;
        expect(offset, "corruption offset").to.be.a("number");
        const frame = frameHolding(bytes, offset as number);
        expect(frame, "frame of the corrupted byte").to.be.a("number");
        expect(report.violations.map((v) => `${v.frame} ${v.id}`)).to.deep.equal([`${frame} CS-02`]);
      });
    }
  }

  it("mptcpdrill verify flags the corrupted capture at the same frame (exit 1) and passes a clean one (exit 0)", async function () {
    const bad = outcome("veth", CORRUPTED)?.capture;
    const good = outcome("tun", "mpc-kernel-client-csum")?.capture;
    const badReport = reports.get(`${CORRUPTED}.veth`);
    if (!bad || !good || !badReport) return expect.fail("captures not made");
    const io = memoryIo();
    expect(await runCli(["verify", bad], io)).to.equal(1);
    const [v] = badReport.violations;
    expect(io.out()).to.match(new RegExp(`^frame ${v?.frame}: CS-02 \\(RFC 8684 §3\\.3\\.1\\): DSS checksum 0x[0-9a-f]{4} does not match 0x[0-9a-f]{4} `, "m"));
    expect(io.out()).to.match(/^verify: 1 violation$/m);
    const io2 = memoryIo();
    expect(await runCli(["verify", good], io2)).to.equal(0);
    expect(io2.out()).to.match(/^verify: clean$/m);
  });

  it("bulk transfer moved at least 20 MiB each way over two subflows", () => {
    const o = outcome("veth", BULK);
    expect(o?.ref.sentBytes).to.be.at.least(20 * 2 ** 20);
    expect(o?.kernel?.recvSha).to.equal(o?.ref.sentSha);
    expect(o?.ref.recvSha).to.equal(o?.kernel?.sentSha);
    expect(o?.refMptcp?.subflows.length).to.equal(2);
    for (const sf of o?.refMptcp?.subflows ?? []) expect(sf.bytesOut + sf.bytesIn).to.be.greaterThan(2 ** 20);
  });

  it("the common checks flag a hash mismatch and a checksum error", () => {
    const o = outcome("tun", "mpc-ref-client");
    const s = SCENARIOS.find((x) => x.name === "mpc-ref-client");
    if (!o || !s) return expect.fail("no outcome");
    expect(commonChecks(s, o)).to.deep.equal([]);
    const bad = { ...o, kernel: o.kernel && { ...o.kernel, recvSha: "0".repeat(64) }, mib: { ...o.mib, MPTcpExtDataCsumErr: 1 } };
    const f = commonChecks(s, bad);
    expect(f.some((x) => x.startsWith("ref→kernel not byte-exact"))).to.equal(true);
    expect(f).to.include("MPTcpExtDataCsumErr = 1, want 0");
  });

  it("cli interop --report --link tun prints the table and exits 0", async function () {
    if (!canUseNetns()) this.skip();
    const io = memoryIo();
    const code = await runCli(["interop", "--report", "--link", "tun", "fallback-synack-stripped"], io);
    expect(io.err()).to.equal("");
    expect(code).to.equal(0);
    expect(io.out()).to.match(/^scenario\s+link\s+result\s+MiB out\/in\s+MB\/s\s+subflows\s+kernel counters$/m);
    expect(io.out()).to.match(/^fallback-synack-stripped\s+tun\s+pass\s+1\.0\/1\.0\s+[\d.]+\s+1\/1\s+MPCSynRx=1 FbAck=1 CsumErr=0$/m);
    expect(io.out()).to.match(/^1 passed, 0 failed$/m);
    expect(leftoverNamespaces()).to.deep.equal([]);
  });

  it("cli interop rejects an unknown scenario and an unknown link with exit 2", async () => {
    const io = memoryIo();
    expect(await runCli(["interop", "no-such-scenario"], io)).to.equal(2);
    expect(io.err()).to.match(/MPD_ERR_USAGE.*unknown scenario 'no-such-scenario'/);
    const io2 = memoryIo();
    expect(await runCli(["interop", "--link", "wifi"], io2)).to.equal(2);
    expect(io2.err()).to.match(/MPD_ERR_USAGE.*--link wants veth, tun or both, got 'wifi'/);
  });
});
