/**
 * Mutation check of suites/reference: for each RFC 8684 behaviour the stack can switch off (test
 * hooks, src/stack/mptcp/test-hooks.ts), the scripts that cover it pass on the intact reference
 * stack and at least one fails once the behaviour is disabled.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseOwnScript, runScriptRequest } from "../../../src/runner/script-runner.ts";
import type { MptcpBehaviour } from "../../../src/stack/mptcp/test-hooks.ts";
import { referenceNetConfig } from "../../../src/sut/reference/net-config.ts";
import { openReferenceSut } from "../../../src/sut/reference/reference-sut.ts";

const SUITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../suites/reference");

/** Behaviour → the suite scripts that must notice it missing. */
const COVERAGE: Readonly<Record<MptcpBehaviour, readonly string[]>> = {
  dssChecksumVerify: ["checksum/cs-04-bad-checksum-single-subflow-listener-v4.pkt", "checksum/cs-03-bad-checksum-two-subflows-listener-v4.pkt"],
  addAddrEcho: ["add-addr/aa-02-echo-listener-v4.pkt"],
  addAddrHmacCheck: ["add-addr/aa-01-bad-hmac-ignored-listener-v4.pkt"],
  joinAckHmacCheck: ["mp-join/mpj-04-bad-ack-hmac-reset-listener-v4.pkt"],
  joinSynAckHmacCheck: ["mp-join/mpj-03-bad-synack-hmac-reset-initiator-v4.pkt"],
  fallbackOnStrippedOptions: ["fallback/fb-03-third-ack-stripped-listener-v4.pkt", "mp-capable/mpc-10-data-without-dss-falls-back-listener-v4.pkt"],
  dataFinOctet: ["dss/dss-07-data-fin-one-octet-listener-v4.pkt", "dss/dss-07-data-fin-one-octet-initiator-v4.pkt"],
  fastcloseKeyCheck: ["fastclose/fc-01-wrong-key-ignored-listener-v4.pkt"],
  mpcVersionCheck: ["mp-capable/mpc-02-wrong-version-listener-v4.pkt"],
  unmappedDataReset: ["dss/dss-01-unmapped-data-reset-listener-v4.pkt", "fallback/fb-05-join-subflow-loses-options-listener-v4.pkt"],
};

async function verdict(script: string, disabled: readonly MptcpBehaviour[]): Promise<string> {
  const source = fs.readFileSync(path.join(SUITE, script), "utf8");
  const req = { file: script, script: parseOwnScript(source, script), variant: "ipv4" as const, flags: {}, defines: {}, seed: 8684 };
  const open = () => Promise.resolve(openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 8684, mptcp: { disabled } }));
  const outcome = await runScriptRequest(req, open, () => {});
  return outcome.verdict;
}

describe("suites/reference mutation check", () => {
  for (const [behaviour, scripts] of Object.entries(COVERAGE) as [MptcpBehaviour, readonly string[]][]) {
    it(`disabling ${behaviour} fails a script that passes with it`, async () => {
      for (const s of scripts) expect(await verdict(s, []), `${s} on the intact stack`).to.equal("pass");
      const mutated = await Promise.all(scripts.map((s) => verdict(s, [behaviour])));
      expect(mutated, `verdicts of ${scripts.join(", ")} without ${behaviour}`).to.include("fail");
    });
  }
});
