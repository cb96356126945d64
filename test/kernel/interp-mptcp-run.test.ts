/**
 * MPTCP in the interpreter on the live kernel (kernel-tun SUT, mpd preset, own namespace): our
 * MPTCP fixtures pass in every IP variant, and mutants with one MPTCP field changed fail at that
 * line naming the field. A few upstream MPTCP scripts give packetdrill's baseline verdicts.
 * Needs root and /dev/net/tun.
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

/** Runs script text as `variant` with the mpd preset, once more after a timing-only miss. */
function run(file: string, source: string, variant: Variant, dir: string): Promise<KernelOutcome> {
  return kernel!.runRetryTiming("mpd", file, source, variant, dir);
}

describe("interp MPTCP on the kernel SUT", function () {
  this.timeout(120_000);
  before(function () {
    if (!canRun) this.skip();
  });
  after(() => kernel?.close());

  for (const variant of ["ipv4", "ipv6", "ipv4-mapped-ipv6"] as const) {
    for (const name of ["mptcp-server.pkt", "mptcp-client.pkt"]) {
      it(`${name} passes as ${variant}`, async () => {
        const out = await run(name, fixture(name), variant, fixtures);
        expect(out.failure?.message ?? "", "no failure").to.equal("");
        expect(out.verdict).to.equal("pass");
      });
    }
  }

  const mutants: readonly { file: string; what: string; from: string; to: string; message: RegExp }[] = [
    {
      file: "mptcp-server.pkt", what: "an MP_CAPABLE flag",
      from: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
      to: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_a, flag_h] key[skey]>",
      message: /live packet field mptcp mpcapable flags: expected: 129 \(0x81\) vs actual: 1 \(0x1\)/,
    },
    {
      file: "mptcp-server.pkt", what: "a DSN", from: "dsn8=1 ssn=1 dll=500", to: "dsn8=2 ssn=1 dll=500",
      message: /live packet field mptcp dss dsn8: expected: 2 \(0x2\) vs actual: 1 \(0x1\)/,
    },
    {
      file: "mptcp-server.pkt", what: "a Data ACK", from: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <dss dack8=1000 nocs>",
      message: /live packet field mptcp dss dack8: expected: 1000 \(0x3e8\) vs actual: 1001 \(0x3e9\)/,
    },
    {
      file: "mptcp-server.pkt", what: "an MP_JOIN HMAC", from: "mp_join_syn_ack address_id=0 sender_hmac=auto", to: "mp_join_syn_ack address_id=0 sender_hmac=trunc_l64_hmac(5)",
      message: /live packet field mptcp mp_join_syn_ack hmac: expected: 5 \(0x5\) vs actual: \d+/,
    },
    {
      // packetdrill checks lengths before options: a dropped option shows as the IP length.
      file: "mptcp-server.pkt", what: "a dropped DSS option", from: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001",
      message: /live packet field ipv4_total_length: expected: 40 \(0x28\) vs actual: 52 \(0x34\)/,
    },
    {
      file: "mptcp-client.pkt", what: "a key", from: "+0 > . 1:1(0) ack 1 <mpcapable v1 flags[flag_h] key[ckey, skey]>",
      to: "+0 > . 1:1(0) ack 1 <mpcapable v1 flags[flag_h] key[ckey, skey=3]>",
      message: /live packet field mptcp mpcapable rkey: expected: 216172782113783808 \(0x300000000000000\) vs actual: 144115188075855872 \(0x200000000000000\)/,
    },
    {
      file: "mptcp-client.pkt", what: "an address id", from: "add_address address_id=1 addr[saddr1] addr_echo", to: "add_address address_id=2 addr[saddr1] addr_echo",
      message: /live packet field mptcp add_address address_id: expected: 2 \(0x2\) vs actual: 1 \(0x1\)/,
    },
    {
      file: "mptcp-client.pkt", what: "the DATA_FIN flag", from: "dll=1 nocs fin, nop, nop", to: "dll=1 nocs, nop, nop",
      message: /live packet field mptcp dss fin: expected: 0 \(0x0\) vs actual: 1 \(0x1\)/,
    },
  ];
  for (const m of mutants) {
    it(`${m.file} fails when ${m.what} is changed, naming the field and line`, async () => {
      const mutated = mutate(fixture(m.file), m.from, m.to);
      const out = await run(m.file, mutated, "ipv4", fixtures);
      expect(out.verdict, out.failure?.message ?? "").to.equal("fail");
      expect(out.failure?.line).to.equal(lineOf(mutated, m.to));
      expect(out.failure?.message).to.match(m.message);
      expect(out.failure?.message).to.match(/\nscript packet: .*\nactual packet: /);
    });
  }
});

/** Upstream MPTCP scripts with deterministic baseline verdicts (shared/corpus/baseline/mpd.tsv). */
const CORPUS: readonly (readonly [string, "pass" | "fail", string | null])[] = [
  ["mpd/net/mptcp/dss/dss_ssn_specified_server.pkt", "pass", null],
  ["mpd/net/mptcp/dss/mpc_with_data_client.pkt", "pass", null],
  ["mpd/net/mptcp/mp_join/mp_join_server_bad_token.pkt", "pass", null],
  ["mpd/net/mptcp/add_addr/add_addr_client.pkt", "fail", "\nlive packet field ipv4_total_length: expected: 68 (0x44) vs actual: 60 (0x3c)\n"],
];

describe("interp MPTCP smoke: upstream scripts vs packetdrill's baseline (ipv4)", function () {
  this.timeout(120_000);
  before(function () {
    if (!canRun || !existsSync(corpus)) this.skip();
  });
  after(() => kernel?.close());

  for (const [rel, verdict, message] of CORPUS) {
    it(`${rel} → ${verdict}`, async () => {
      const file = path.join(corpus, rel);
      const out = await run(path.basename(file), readFileSync(file, "utf8"), "ipv4", path.dirname(file));
      expect(out.verdict, out.failure?.message ?? "").to.equal(verdict);
      if (message !== null) expect(out.failure?.message).to.include(message).and.match(/^add_addr_client\.pkt:30: error handling packet: /);
    });
  }
});
