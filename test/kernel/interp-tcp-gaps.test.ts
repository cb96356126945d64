/**
 * TCP interpreter behaviour that needs the live kernel: the socket under test (a closed socket's
 * FIN is not "for" the next socket), inbound ICMP errors about the connection, MSG_ERRQUEUE
 * cmsgs with sock_extended_err fields, and code-block failures at their line. Each fixture
 * passes as written, and a one-field mutant fails naming the field. Needs root and /dev/net/tun.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Variant } from "../../src/interp/events.ts";
import { KernelScripts, type KernelOutcome } from "../support/kernel-script.ts";

const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun");
const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = path.join(repo, "test/fixtures/interp");
const kernel = canRun ? new KernelScripts() : null;

function run(file: string, source: string, variant: Variant): Promise<KernelOutcome> {
  return kernel!.run("gpd", file, source, variant, fixtures);
}

const fixture = (name: string): string => readFileSync(path.join(fixtures, name), "utf8");

function mutate(src: string, from: string, to: string): string {
  expect(src.split(from).length, `'${from}' occurs once`).to.equal(2);
  return src.replace(from, to);
}

const lineOf = (src: string, needle: string): number => src.slice(0, src.indexOf(needle)).split("\n").length;

describe("interp TCP gaps on the kernel SUT", function () {
  this.timeout(120_000);
  before(function () {
    if (!canRun) this.skip();
  });
  after(() => kernel?.close());

  for (const variant of ["ipv4", "ipv6"] as const) {
    it(`ignores a closed socket's FIN while the next socket's SYN is expected (${variant})`, async () => {
      const out = await run("closed-socket-fin.pkt", fixture("closed-socket-fin.pkt"), variant);
      expect(out.failure?.message ?? "").to.equal("");
    });
  }

  it("injects an ICMP frag_needed about the connection; the kernel resends at once", async () => {
    const out = await run("icmp-frag-needed.pkt", fixture("icmp-frag-needed.pkt"), "ipv4");
    expect(out.failure?.message ?? "").to.equal("");
  });

  it("an ICMP whose echoed seq is outside the window is ignored by the kernel (resend only at the RTO)", async () => {
    const src = mutate(fixture("icmp-frag-needed.pkt"), "[1:1401(1400)]", "[5000:5001(1)]");
    const out = await run("icmp-frag-needed.pkt", src, "ipv4");
    expect(out.verdict).to.equal("fail");
    expect(out.failure?.message).to.match(/^icmp-frag-needed\.pkt:\d+: error handling packet: timing error: outbound packet \d+\.\d{6} sec too late .*\ntiming error: expected outbound packet/);
  });

  it("an ICMP name the IPv6 wire lacks is packetdrill's semantic error (verdict error)", async () => {
    const out = await run("icmp-frag-needed.pkt", fixture("icmp-frag-needed.pkt"), "ipv6");
    expect(out.verdict).to.equal("error");
    expect(out.failure?.message).to.equal(`icmp-frag-needed.pkt:${lineOf(fixture("icmp-frag-needed.pkt"), "< icmp")}: semantic error: bad ICMP code frag_needed`);
  });

  for (const variant of ["ipv4", "ipv4-mapped-ipv6"] as const) {
    it(`reads a zerocopy notification from the error queue (${variant})`, async () => {
      const out = await run("zerocopy-errqueue.pkt", fixture("zerocopy-errqueue.pkt"), variant);
      expect(out.failure?.message ?? "").to.equal("");
    });
  }

  it("fails a zerocopy notification whose ee_data differs, naming the field", async () => {
    const src = mutate(fixture("zerocopy-errqueue.pkt"), "ee_data=0}}", "ee_data=1}}");
    const out = await run("zerocopy-errqueue.pkt", src, "ipv4");
    expect(out.failure?.message).to.equal(
      `zerocopy-errqueue.pkt:${lineOf(src, "recvmsg(")}: runtime error in recvmsg call: Bad data in cmsg 0: expected=ee_data=1 actual=ee_data=0`,
    );
  });

  it("reports a failing code block at its own line", async () => {
    const src = fixture("code-error-line.pkt");
    const out = await run("code-error-line.pkt", src, "ipv4");
    expect(out.verdict).to.equal("fail");
    expect(out.failure?.line).to.equal(lineOf(src, "+0 %{\n"));
    expect(out.failure?.message).to.match(/^code-error-line\.pkt:\d+: error in Python code\n.*AssertionError: 1460/s);
  });
});
