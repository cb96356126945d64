/**
 * A representative sample of the upstream TCP corpus (gpd, read from ../shared/corpus at run
 * time) run as ipv4 on the live kernel, each verdict checked against packetdrill's own
 * (shared/corpus/baseline/gpd.tsv); a failing script must fail at the baseline's line. The sample
 * mixes passes and failures across features (zerocopy cmsgs, inbound ICMP, TFO client and server,
 * sendmsg, MTU probing, shutdown, inq, sendfile/splice, MD5, epoll, code blocks, GRO, slow start)
 * and avoids rows whose verdict depends on a few ms of timing. Runs use `--tolerance_usecs=20000`:
 * every sampled row passes or fails on something other than timing in the baseline, and this
 * keeps the test about those verdicts on a loaded machine (docs/compat.md, TCP: timing).
 * Needs root and /dev/net/tun.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { KernelScripts, type KernelOutcome } from "../support/kernel-script.ts";

const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun");
const repo = fileURLToPath(new URL("../..", import.meta.url));
const corpus = path.resolve(repo, "../shared/corpus");
const kernel = canRun ? new KernelScripts(1, ["ipv4"]) : null;

const SAMPLE: readonly string[] = [
  "zerocopy/basic.pkt",
  "fastopen/server/icmp-before-accept.pkt",
  "fastopen/client/syn-data-icmp-unreach-frag-needed-with-seq.pkt",
  "fastopen/client/nonblocking-sendmsg-multi-iov.pkt",
  "fastopen/client/synack-data.pkt",
  "mtu_probe/basic-v4.pkt",
  "shutdown/shutdown-rdwr-close.pkt",
  "inq/server.pkt",
  "splice/tcp_splice_loop_test.pkt",
  "md5/md5-only-on-client-ack.pkt",
  "epoll/epoll_in_edge.pkt",
  "epoll/epoll_out_edge.pkt",
  "fastopen/server/simple1.pkt",
  "gro/gro-mss-option.pkt",
  "slow_start/slow-start-after-idle.pkt",
  "cwnd_moderation/cwnd-moderation-disorder-no-moderation.pkt",
  "fastopen/client/nonblocking-sendto.pkt",
];

interface BaselineRow {
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string;
}

function baseline(): Map<string, BaselineRow> {
  const rows = new Map<string, BaselineRow>();
  for (const raw of readFileSync(path.join(corpus, "baseline/gpd.tsv"), "utf8").split("\n").slice(1)) {
    const [script = "", variant = "", verdict = "", , message = ""] = raw.split("\t");
    const m = /\.pkt:(\d+):/.exec(message);
    if (variant === "ipv4") rows.set(script, { verdict, line: m ? Number(m[1]) : null, message });
  }
  return rows;
}

async function runCorpus(rel: string): Promise<KernelOutcome> {
  const file = path.join(corpus, "gpd/net/tcp", rel);
  return kernel!.run("gpd", path.basename(file), readFileSync(file, "utf8"), "ipv4", path.dirname(file), { tolerance_usecs: "20000" });
}

describe("upstream TCP corpus sample vs packetdrill's baseline (ipv4)", function () {
  this.timeout(90_000);
  before(function () {
    if (!canRun || !existsSync(corpus)) this.skip();
  });
  after(() => kernel?.close());

  const rows = existsSync(corpus) ? baseline() : new Map<string, BaselineRow>();
  it("the sample mixes passing and failing baseline rows", function () {
    if (rows.size === 0) this.skip();
    const verdicts = SAMPLE.map((s) => rows.get(`gpd/net/tcp/${s}`)?.verdict);
    expect(verdicts.filter((v) => v === "pass").length).to.be.greaterThan(5);
    expect(verdicts.filter((v) => v === "fail").length).to.be.greaterThan(5);
  });

  for (const rel of SAMPLE) {
    it(rel, async () => {
      const want = rows.get(`gpd/net/tcp/${rel}`);
      expect(want, "baseline row").to.not.equal(undefined);
      const out = await runCorpus(rel);
      expect(out.verdict, out.failure?.message ?? "passed").to.equal(want?.verdict);
      if (want?.verdict === "fail") expect(out.failure?.line, `${out.failure?.message} vs ${want.message}`).to.equal(want.line);
    });
  }
});
