/**
 * verify over a real capture: kernel ↔ kernel MPTCP with DSS checksums on, two subflows (the
 * second joined to the server's signalled address), captured by tcpdump -i any (cooked v2 pcap)
 * and dumpcap on both veths (pcapng). Both captures verify clean. Then one payload byte of one
 * client data packet is flipped and the capture rewritten with our pcap writer: verify must flag
 * exactly that frame with CS-02 and nothing else.
 *
 * The TCP checksum of the altered packet is recomputed, as a payload-rewriting middlebox would
 * do: the DSS checksum exists to catch exactly that (RFC 8684 §3.3.1). verify never checks TCP
 * checksums anyway, since captured outgoing packets carry offloaded (partial) ones.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { verifyCapture, type VerifyReport } from "../../src/verify/index.ts";
import { l4Checksum } from "../../src/wire/checksum.ts";
import { parsePacket } from "../../src/wire/packet.ts";
import type { CapturedPacket } from "../../src/wire/pcap/captured-packet.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";
import { seqOffset, type SeqNum } from "../../src/wire/seq.ts";
import { buildMptcpLab, LAB, startCaptures, transfer } from "../support/mptcp-lab.ts";
import { canUseNetns, NetnsLab } from "../support/netns.ts";

function packets(bytes: Uint8Array): CapturedPacket[] {
  return [...readCapture(bytes)].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
}

/** A client data packet whose DSS mapping (with checksum) covers exactly its payload. */
function pickDataPacket(frames: readonly CapturedPacket[]): { frame: CapturedPacket; ipOffset: number } {
  const isn = new Map<string, SeqNum>();
  for (const f of frames) {
    const link = stripLinkLayer(f.linkType, f.data);
    if (!link.ok) continue;
    const p = parsePacket(link.value.payload);
    if (!p.ok || p.value.l4.kind !== "tcp") continue;
    const tcp = p.value.l4;
    const key = `${tcp.srcPort}>${tcp.dstPort}`;
    if (tcp.flags & 0x02) isn.set(key, tcp.seq);
    const base = isn.get(key);
    const dss = tcp.options.find((o) => o.kind === "mptcp" && o.subtype === "dss" && o.mapping?.checksum !== undefined);
    if (base === undefined || dss?.kind !== "mptcp" || dss.subtype !== "dss" || dss.mapping === undefined) continue;
    const n = p.value.payload.length;
    if (tcp.dstPort === LAB.port && n > 100 && dss.mapping.dataLevelLength === n && dss.mapping.subflowSeq === seqOffset(tcp.seq, base)) {
      return { frame: f, ipOffset: link.value.payloadOffset };
    }
  }
  throw new Error("no client data packet with a one-segment mapping in the capture");
}

/** The capture with one payload byte of `victim` flipped and its TCP checksum recomputed. */
function flipOneByte(frames: readonly CapturedPacket[], victim: CapturedPacket, ipOffset: number): Uint8Array {
  const data = victim.data.slice();
  const ip = data.subarray(ipOffset);
  const ihl = ((ip[0] as number) & 0xf) * 4;
  const total = ((ip[2] as number) << 8) | (ip[3] as number);
  const seg = ip.subarray(ihl, total);
  const doff = ((seg[12] as number) >> 4) * 4;
  seg[doff + 50] = (seg[doff + 50] as number) ^ 0x01;
  const cs = l4Checksum(ip.subarray(12, 16), ip.subarray(16, 20), 6, seg, 16);
  [seg[16], seg[17]] = [cs >> 8, cs & 0xff];
  const records = frames.map((f) => ({ tsSec: f.tsSec, tsNsec: f.tsNsec, originalLength: f.originalLength, data: f === victim ? data : f.data }));
  return emitPcapFile({ linkType: victim.linkType, precision: "ns" }, records);
}

/** Offset of the captured-length field of the first classic pcap record that starts at or after `from`. */
function recordAfter(file: Buffer, from: number): number {
  let at = 24;
  while (at + 16 <= file.length) {
    if (at >= from) return at + 8;
    at += 16 + file.readUInt32LE(at + 8);
  }
  throw new Error("no record after the offset");
}

/** Offset of the total-length field of the first pcapng block that starts at or after `from`. */
function firstBlockAfter(file: Buffer, from: number): number {
  let at = 0;
  while (at + 12 <= file.length) {
    if (at >= from) return at + 4;
    at += file.readUInt32LE(at + 4);
  }
  throw new Error("no block after the offset");
}

describe("kernel: verify a real MPTCP capture with DSS checksums", function () {
  this.timeout(60_000);
  const lab = new NetnsLab("verify");
  const dir = mkdtempSync(join(tmpdir(), "mpd-verify-"));
  let received = 0;

  before(async function () {
    if (!canUseNetns()) {
      this.skip();
      return;
    }
    const m = buildMptcpLab(lab);
    const stop = await startCaptures(m, dir);
    try {
      received = await transfer(m, dir, 1_000_000);
      // The capture tools deliver packets in blocks with a timeout: let the last block (the DATA_FINs) arrive.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await stop();
    }
  });
  after(async () => {
    await lab.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const file of ["any.pcap", "two.pcapng"]) {
    it(`${file}: clean, with checksums, joins, ADD_ADDR and DATA_FINs checked`, () => {
      expect(received).to.equal(1_000_000);
      const r: VerifyReport = verifyCapture(readCapture(new Uint8Array(readFileSync(join(dir, file)))));
      expect(r.violations.map((v) => `frame ${v.frame}: ${v.id}: ${v.message}`)).to.deep.equal([]);
      expect(r.stats).to.include({ mptcpConnections: 1, subflows: 2, fallbackConnections: 0, undecodable: 0 });
      for (const id of ["MPC-01", "CS-01", "CS-02", "MPJ-01", "MPJ-03", "MPJ-04", "AA-01", "AA-02", "DSS-02", "DSS-05", "DSS-07"] as const) {
        expect(r.checks.get(id)?.run ?? 0, id).to.be.greaterThan(0);
      }
      expect(r.checks.get("CS-02")?.skipped ?? 0, "CS-02 skipped").to.equal(0);
      expect(r.incomplete).to.deep.equal([]);
    });
  }

  it("the first 10% of a real capture, and one with a corrupt record, are never clean (exit 3, or 1 when the cut leaves a finding), the whole one is (exit 0)", async () => {
    for (const file of ["any.pcap", "two.pcapng"]) {
      const whole = readFileSync(join(dir, file));
      const io = memoryIo();
      expect(await runCli(["verify", join(dir, file)], io), file).to.equal(0);
      expect(io.out().trimEnd().split("\n").at(-1)).to.equal("verify: clean");
      const cut = join(dir, `cut-${file}`);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 10)));
      const io2 = memoryIo();
      // A multi-interface pcapng holds each interface's packets in blocks: a prefix can have one
      // side's packets without the other's, which a check may flag. Either way: never clean.
      const cutStatus = await runCli(["verify", cut], io2);
      expect([1, 3], `cut ${file}: ${io2.out()}`).to.include(cutStatus);
      expect(io2.out()).to.match(/^\/\/ incomplete: the file could not be read to its end/m);
      expect(io2.out().trimEnd().split("\n").at(-1)).to.match(cutStatus === 3 ? /^verify: inconclusive: / : /^verify: \d+ (violation|finding)/);
      // A record length field overwritten in the middle: the reader stops there.
      const corrupt = Buffer.from(whole);
      const at = file.endsWith(".pcapng") ? firstBlockAfter(corrupt, Math.floor(corrupt.length / 2)) : recordAfter(corrupt, Math.floor(corrupt.length / 2));
      corrupt.writeUInt32LE(0x7fffffff, at);
      const bad = join(dir, `corrupt-${file}`);
      writeFileSync(bad, corrupt);
      const io3 = memoryIo();
      expect(await runCli(["verify", bad], io3), `corrupt ${file}`).to.not.equal(0);
      expect(io3.out()).to.match(/^\/\/ incomplete: the file could not be read to its end/m);
    }
  });

  it("one flipped payload byte: exactly that frame is flagged, with CS-02, by the CLI too", async () => {
    const frames = packets(new Uint8Array(readFileSync(join(dir, "any.pcap"))));
    const { frame, ipOffset } = pickDataPacket(frames);
    const altered = join(dir, "flipped.pcap");
    writeFileSync(altered, flipOneByte(frames, frame, ipOffset));
    const r = verifyCapture(readCapture(new Uint8Array(readFileSync(altered))));
    expect(r.violations.map((v) => [v.frame, v.id])).to.deep.equal([[frame.number, "CS-02"]]);
    expect(r.violations[0]?.message).to.match(/^DSS checksum 0x[0-9a-f]{4} does not match 0x[0-9a-f]{4} \(dsn \d+ ssn \d+ dll \d+\)$/);
    const io = memoryIo();
    expect(await runCli(["verify", altered], io)).to.equal(1);
    expect(io.out()).to.match(new RegExp(`^frame ${frame.number}: CS-02 \\(RFC 8684 §3\\.3\\.1\\): DSS checksum `));
    expect(io.out().trimEnd().split("\n").at(-1)).to.equal("verify: 1 violation");
  });
});
