/**
 * `decode --runnable` from kernel ↔ kernel captures the test makes itself (test/support/
 * capture-lab.ts): MPTCP with one subflow, with DSS checksums, with a second subflow joined to an
 * address the server announced (ADD_ADDR), an MPTCP client falling back to TCP against a plain
 * server, and TCP with a FIN exchange (a GRO-aggregated 3000-byte segment included) and with a
 * reset. Each capture is decoded with the server as SUT (and, where it matters, the client) and
 * the script must pass on the kernel SUT five runs in a row. Then one field of one SUT packet is
 * edited in the capture before decoding: the script fails at that packet, naming the field.
 * Needs root, netns and /dev/net/tun.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import type { Variant } from "../../src/interp/events.ts";
import { addToField, dssDataAck, readFrames, tcpSegments, writeEdited } from "../support/capture-edit.ts";
import { CAPTURE_LAB, type CaptureScenario, captureScenario } from "../support/capture-lab.ts";
import { canRunKernel, KernelScripts } from "../support/kernel-script.ts";
import { canUseNetns } from "../support/netns.ts";

interface Case {
  readonly sc: CaptureScenario;
  /** Decode with these SUT addresses (undefined: the default, the server). */
  readonly suts: readonly (string | undefined)[];
  readonly variants: readonly Variant[];
}

const CASES: readonly Case[] = [
  { sc: { name: "mptcp-one", mptcp: true, clientMptcp: true, rounds: [[1000, 500], [200, 100]] }, suts: [undefined, CAPTURE_LAB.client1], variants: ["ipv4", "ipv6"] },
  { sc: { name: "mptcp-csum", mptcp: true, clientMptcp: true, checksum: true, rounds: [[1000, 500]] }, suts: [undefined, CAPTURE_LAB.client1], variants: ["ipv4", "ipv6"] },
  { sc: { name: "mptcp-addaddr", mptcp: true, clientMptcp: true, addAddr: true, rounds: [[1000, 500]] }, suts: [undefined], variants: ["ipv4"] },
  { sc: { name: "mptcp-fallback", mptcp: false, clientMptcp: true, rounds: [[1000, 500]] }, suts: [undefined, CAPTURE_LAB.client1], variants: ["ipv4", "ipv6"] },
  { sc: { name: "tcp-fin", mptcp: false, clientMptcp: false, rounds: [[1000, 500], [3000, 100]] }, suts: [undefined, CAPTURE_LAB.client1], variants: ["ipv4", "ipv6"] },
  { sc: { name: "tcp-reset", mptcp: false, clientMptcp: false, reset: true, rounds: [[1000, 500]] }, suts: [undefined], variants: ["ipv4", "ipv6"] },
];

const RUNS = 5;

async function decode(file: string, sut: string | undefined): Promise<string> {
  const io = memoryIo();
  const code = await runCli(["decode", "--runnable", ...(sut === undefined ? [] : ["--sut-ip", sut]), file], io);
  expect(code, io.err()).to.equal(0);
  return io.out();
}

describe("kernel: decode --runnable scripts replay their capture", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "mpd-runnable-"));
  const kernel = canRunKernel ? new KernelScripts(2, ["ipv4", "ipv6"]) : null;
  const captures = new Map<string, string>();

  before(async function () {
    if (!canRunKernel || !canUseNetns()) {
      this.skip();
      return;
    }
    for (const c of CASES) captures.set(c.sc.name, await captureScenario(c.sc, dir));
  });
  after(async () => {
    await kernel?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    for (const sut of c.suts) {
      const who = sut === undefined ? "server" : "client";
      it(`${c.sc.name}, ${who} as SUT: passes ${RUNS} runs in a row (${c.variants.join(", ")})`, async () => {
        const script = await decode(captures.get(c.sc.name) as string, sut);
        if (c.sc.mptcp && who === "server") expect(script).to.match(/IPPROTO_MPTCP/);
        if (c.sc.addAddr === true) expect(script).to.match(/add_address address_id=\d+ addr\[saddr1\] hmac=auto/).and.match(/mp_join_syn /);
        if (c.sc.checksum === true) expect(script).to.match(/checksum_enabled=1/);
        const file = `${c.sc.name}-${who}.pkt`;
        writeFileSync(join(dir, file), script);
        for (const variant of c.variants) {
          for (let i = 0; i < RUNS; i++) {
            const out = await kernel!.runRetryTiming("mpd", file, script, variant, dir);
            expect(out.failure?.message ?? "", `${variant} run ${i + 1}:\n${script}`).to.equal("");
            expect(out.verdict).to.equal("pass");
          }
        }
      });
    }

    it(`${c.sc.name}: one SUT packet edited in the capture, the script fails there naming the field`, async () => {
      const path = captures.get(c.sc.name) as string;
      const frames = readFrames(path);
      const segs = tcpSegments(frames);
      // The SUT's (server's) first pure ACK after the handshake, on either subflow: its TCP ack (or, with MPTCP, its Data ACK) moves by one.
      const victim = segs.find((s) => (s.srcIp === CAPTURE_LAB.server1 || s.srcIp === CAPTURE_LAB.server2) && s.flags === 0x10 && s.payloadLen === 0
        && (!c.sc.mptcp || s.mptcp.some((o) => o.subtype === 2 && dssDataAck(s.data, o.at) !== undefined)));
      expect(victim, "a SUT ACK").to.not.equal(undefined);
      const v = victim!;
      const dss = c.sc.mptcp ? v.mptcp.find((o) => o.subtype === 2) : undefined;
      const edited = join(dir, `${c.sc.name}-edited.pcap`);
      writeEdited(edited, frames, v.frame, (data) => {
        if (dss === undefined) addToField(data, v.tcp + 8, 4, 1n);
        else {
          const dack = dssDataAck(data, dss.at);
          addToField(data, dack!.at, dack!.len, 1n);
        }
      });
      const script = await decode(edited, undefined);
      const out = await kernel!.runRetryTiming("mpd", `${c.sc.name}-edited.pkt`, script, c.variants[0] as Variant, dir);
      expect(out.verdict).to.equal("fail");
      expect(out.failure?.message).to.match(dss === undefined ? /live packet field tcp_ack_seq: expected: \d+ \(0x[0-9a-f]+\) vs actual: \d+/ : /live packet field mptcp dss dack[48]: expected: \d+ \(0x[0-9a-f]+\) vs actual: \d+/);
      const line = script.split("\n")[(out.failure?.line ?? 0) - 1] ?? "";
      expect(line, "the failing line is the edited packet").to.match(/^\s*\+[\d.]+ > (addr\[\w+\] > addr\[\w+\] )?\. /);
    });
  }
});
