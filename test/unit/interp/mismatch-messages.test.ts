/**
 * Golden mismatch messages (issue #13): one mutated line of our own fixtures per kind of
 * difference, run against the reference SUT through the whole path (interpreter, matcher, message
 * rendering, dumps). Each message must keep packetdrill's `file:line:` on its first line, with the
 * mutated line's number, and lead with its cause; packetdrill's own detail follows on the second
 * line. The full texts are golden files in test/golden/mismatches/.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { EventFailEvent, ScriptEvent } from "../../../src/interp/events.ts";
import { REFERENCE_SEED } from "../../../src/runner/job-seed.ts";
import { parseOwnScript, runScriptRequest } from "../../../src/runner/script-runner.ts";
import { referenceNetConfig } from "../../../src/sut/reference/net-config.ts";
import { openReferenceSut } from "../../../src/sut/reference/reference-sut.ts";
import { expectGolden } from "../../support/golden.ts";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/interp");

/** One kind of difference: a fixture, one line replaced, and what the first line must lead with. */
interface Case {
  readonly name: string;
  readonly fixture: "server-basic.pkt" | "mptcp-server.pkt";
  /** The whole line to replace (trimmed), its replacement ("" deletes it), and an inserted line after it. */
  readonly line: string;
  readonly to: string;
  /** The line the failure must name when it is not the mutated one (a deleted line's next packet). */
  readonly failLine?: string;
  /** The cause the first line leads with, after `file:line: [error handling packet: ]`. */
  readonly cause: RegExp;
  /** packetdrill's detail on the second line. */
  readonly detail: RegExp;
}

const T = "server-basic.pkt";
const M = "mptcp-server.pkt";

const CASES: readonly Case[] = [
  { name: "tcp-flags", fixture: T, line: "+0 > P. 1:1001(1000) ack 1", to: "+0 > FP. 1:1001(1000) ack 1",
    cause: /^expected flags FP\. \(FIN\|PSH\|ACK\), live packet has P\. \(PSH\|ACK\)$/, detail: /^live packet field tcp_fin: / },
  { name: "option-missing", fixture: T, line: "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale *>", to: "+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale *>",
    cause: /^expected option TS, live packet lacks it$/, detail: /^live packet field ipv4_total_length: / },
  { name: "option-extra", fixture: T, line: "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale *>", to: "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,nop,wscale *>",
    cause: /^live packet has unexpected option sackOK$/, detail: /^bad outbound TCP options$/ },
  { name: "option-value", fixture: T, line: "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale *>", to: "+0 > S. 0:0(0) ack 1 <mss 1000,nop,nop,sackOK,nop,wscale *>",
    cause: /^expected option mss 1000, live packet has mss 1460$/, detail: /^bad value in outbound TCP option \(kind=2\)/ },
  { name: "seq", fixture: T, line: "+0 > . 1001:1001(0) ack 201", to: "+0 > . 1002:1002(0) ack 201",
    cause: /^expected seq 1002, live packet has seq 1001$/, detail: /^live packet field tcp_seq: / },
  { name: "ack", fixture: T, line: "+0 > . 1001:1001(0) ack 201", to: "+0 > . 1001:1001(0) ack 200",
    cause: /^expected ack 200, live packet has ack 201$/, detail: /^live packet field tcp_ack_seq: / },
  { name: "window", fixture: T, line: "+0 > . 1001:1001(0) ack 201", to: "+0 > . 1001:1001(0) ack 201 win 100",
    cause: /^expected win 100, live packet has win \d+$/, detail: /^live packet field tcp_window: / },
  { name: "payload-length", fixture: T, line: "+0 > P. 1:1001(1000) ack 1", to: "+0 > P. 1:501(500) ack 1",
    cause: /^expected 500 bytes of payload, live packet has 1000$/, detail: /^live packet payload: expected 500 bytes vs actual 1000 bytes$/ },
  { name: "extra-packet", fixture: T, line: "+0 > P. 1:1001(1000) ack 1", to: "", failLine: "+0 > . 1001:1001(0) ack 201",
    cause: /^extra packet: live packet P\. 1:1001\(1000\) lies before the expected \. 1001:1001\(0\)/, detail: /^live packet payload: expected 0 bytes vs actual 1000 bytes$/ },
  { name: "missing-packet", fixture: T, line: "+0 read(4, ..., 1000) = 200", to: "+0 read(4, ..., 1000) = 200\n+0 > P. 1001:1101(100) ack 201",
    failLine: "+0 > P. 1001:1101(100) ack 201",
    cause: /^missing packet: the SUT sent no packet for this line before the timeout$/, detail: /^Timed out waiting for packet$/ },
  { name: "timing-early", fixture: T, line: "+0 > P. 1:1001(1000) ack 1", to: "+.2 > P. 1:1001(1000) ack 1",
    cause: /^timing error: outbound packet 0\.200000 sec too early \(beyond its 0\.000000 sec tolerance\)$/, detail: /^timing error: expected outbound packet at / },
  { name: "timing-late", fixture: T, line: "+.05 < . 1:1(0) ack 1001 win 257", to: "+.05 > P. 1:1001(1000) ack 1",
    cause: /^timing error: outbound packet \d\.\d{6} sec too late \(beyond its 0\.000000 sec tolerance\)$/, detail: /^timing error: expected outbound packet at / },
  { name: "mptcp-rst-instead-of-dss-ack", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > R. 1:1(0) ack 1001 <mp_reset 0>",
    cause: /^expected flags R\. \(RST\|ACK\), live packet has \. \(ACK\); expected MPTCP option mp_reset, live packet has dss instead$/,
    detail: /^live packet field ipv4_total_length: expected: 44 \(0x2c\) vs actual: 52 \(0x34\)$/ },
  { name: "fin-instead-of-rst", fixture: T, line: "+0 > F. 1001:1001(0) ack 201", to: "+0 > R. 1001:1001(0) ack 201",
    cause: /^expected flags R\. \(RST\|ACK\), live packet has F\. \(FIN\|ACK\)$/, detail: /^live packet field tcp_fin: / },
  { name: "mptcp-unexpected-mpcapable", fixture: M, line: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
    to: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *>",
    cause: /^live packet has unexpected option mpcapable$/, detail: /^live packet field ipv4_total_length: / },
  { name: "mptcp-add-address-instead-of-dss", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <add_address address_id=1 addr[saddr1]>",
    cause: /^expected MPTCP option add_address, live packet has dss instead$/, detail: /^live packet field ipv4_total_length: |^bad outbound TCP options$/ },
  { name: "mptcp-subtype", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <mp_prio backup=1 address_id=0,nop,nop,nop,nop,nop,nop,nop,nop>",
    cause: /^expected MPTCP option mp_prio, live packet has dss instead$/, detail: /^live packet field ipv4_total_length: |^bad outbound TCP options$/ },
  { name: "mptcp-dss-dack-value", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <dss dack8=1000 nocs>",
    cause: /^expected dss dack8=1000, live packet has dack8=1001$/, detail: /^live packet field mptcp dss dack8: expected: 1000 / },
  { name: "mptcp-dss-dack-width", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <dss dack4=1001 nocs>",
    cause: /^expected dss with a 4-octet Data ACK \(dack4\), live packet has an 8-octet one \(dack8\)$/, detail: /^live packet field ipv4_total_length: / },
  { name: "mptcp-dss-dsn", fixture: M, line: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=1 ssn=1 dll=500 nocs, nop, nop>", to: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=2 ssn=1 dll=500 nocs, nop, nop>",
    cause: /^expected dss dsn8=2, live packet has dsn8=1$/, detail: /^live packet field mptcp dss dsn8: / },
  { name: "mptcp-dss-ssn", fixture: M, line: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=1 ssn=1 dll=500 nocs, nop, nop>", to: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=1 ssn=2 dll=500 nocs, nop, nop>",
    cause: /^expected dss ssn=2, live packet has ssn=1$/, detail: /^live packet field mptcp dss ssn: / },
  { name: "mptcp-dss-dll", fixture: M, line: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=1 ssn=1 dll=500 nocs, nop, nop>", to: "+0 > P. 1:501(500) ack 1001 <dss dack8=1001 dsn8=1 ssn=1 dll=400 nocs, nop, nop>",
    cause: /^expected dss dll=400, live packet has dll=500$/, detail: /^live packet field mptcp dss dll: / },
  { name: "mptcp-dss-data-fin", fixture: M, line: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs>", to: "+0 > . 1:1(0) ack 1001 <dss dack8=1001 nocs fin>",
    cause: /^expected DATA_FIN set in dss, live packet has it clear$/, detail: /^live packet field mptcp dss fin: / },
  { name: "mptcp-mpcapable-flags", fixture: M, line: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
    to: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_a, flag_h] key[skey]>",
    cause: /^expected mpcapable flags\[flag_a, flag_h\], live packet has flags\[flag_h\]$/, detail: /^live packet field mptcp mpcapable flags: / },
  { name: "mptcp-join-backup", fixture: M, line: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mp_join_syn_ack address_id=0 sender_hmac=auto>",
    to: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mp_join_syn_ack backup=1 address_id=0 sender_hmac=auto>",
    cause: /^expected mp_join_syn_ack backup=1, live packet has backup=0$/, detail: /^live packet field mptcp mp_join_syn_ack backup: / },
  { name: "unbound-key-by-name", fixture: M, line: "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
    to: "+0 > SE. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
    cause: /^expected flags SE\. \(SYN\|ECE\|ACK\), live packet has S\. \(SYN\|ACK\)$/, detail: /^live packet field tcp_ece: / },
];

/** `source` with the one line equal to `from` (trimmed) replaced by `to` ("" deletes it). */
function mutate(source: string, from: string, to: string): string {
  const lines = source.split("\n");
  const hits = lines.flatMap((l, i) => (l.trim() === from ? [i] : []));
  if (hits.length !== 1) throw new Error(`fixture line '${from}' found ${hits.length} times`);
  const i = hits[0] as number;
  const indent = /^\s*/.exec(lines[i] as string)?.[0] ?? "";
  lines.splice(i, 1, ...(to === "" ? [] : to.split("\n").map((l) => indent + l)));
  return lines.join("\n");
}

function lineOf(source: string, text: string): number {
  return source.split("\n").findIndex((l) => l.trim() === text) + 1;
}

/**
 * A fixture's text for the reference SUT: it has no `ip mptcp endpoint` state to flush (its
 * commands are listed in src/sut/reference/commands.ts), so the MPTCP fixture's init command
 * keeps only the limits. Line numbers do not change.
 */
function fixtureSource(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), "utf8").replace("`ip mptcp endpoint flush; ", "`");
}

async function run(file: string, source: string): Promise<{ verdict: string; fails: EventFailEvent[] }> {
  const events: ScriptEvent[] = [];
  const req = { file, script: parseOwnScript(source, file), variant: "ipv4" as const, flags: {}, defines: {}, seed: REFERENCE_SEED };
  const open = () => Promise.resolve(openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 8684 }));
  const outcome = await runScriptRequest(req, open, (e) => events.push(e));
  return { verdict: outcome.verdict, fails: events.filter((e): e is EventFailEvent => e.kind === "eventFail") };
}

describe("interp: mismatch messages lead with their cause (golden)", () => {
  for (const fixture of [T, M]) {
    it(`${fixture} passes unmutated on the reference SUT`, async () => {
      const r = await run(fixture, fixtureSource(fixture));
      expect(r.fails.map((f) => f.message)).to.deep.equal([]);
      expect(r.verdict).to.equal("pass");
    });
  }

  it("covers at least 12 kinds of difference", () => expect(CASES.length).to.be.at.least(12));

  for (const c of CASES) {
    it(`${c.name}: ${c.cause.source.slice(1, 70)}…`, async () => {
      const source = mutate(fixtureSource(c.fixture), c.line, c.to);
      const r = await run(c.fixture, source);
      expect(r.verdict).to.equal("fail");
      const fail = r.fails.find((f) => f.fatal);
      if (fail === undefined) throw new Error("no fatal eventFail");
      const line = lineOf(source, c.failLine ?? (c.to.split("\n")[0] ?? ""));
      const [first = "", second = ""] = fail.message.split("\n");
      const head = new RegExp(`^${c.fixture.replace(/\./g, "\\.")}:${line}: (error handling packet: )?`);
      expect(first, "first line keeps file:line: with the mutated line").to.match(head);
      expect(first.replace(head, ""), "the cause leads").to.match(c.cause);
      expect(second, "packetdrill's detail is the second line").to.match(c.detail);
      expect(fail.line).to.equal(line);
      expect(fail.failure).to.deep.include({ line, cause: first.replace(head, ""), detail: second, text: fail.message });
      // Every random value comes from the run's seed, HMACs over MP_JOIN nonces included.
      expectGolden(`mismatches/${c.name}.txt`, `${fail.message}\n`);
    });
  }
});
