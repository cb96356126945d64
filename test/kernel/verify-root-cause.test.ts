/**
 * verify on a kernel ↔ kernel MPTCP capture (DSS checksums on, a second subflow joined to an
 * address the server announced, 300 kB of data; test/support/capture-lab.ts) with one field of
 * one packet corrupted: a Data ACK, a DSN, a DSS checksum, a join HMAC, an ADD_ADDR HMAC, a join
 * token. Each gives exactly one finding, at the corrupted frame, with its rule and the carried and
 * expected values; the clean capture gives none. Needs root and netns.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { verifyCapture } from "../../src/verify/index.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { addToField, dssFields, readFrames, type TcpBytes, tcpSegments, writeEdited } from "../support/capture-edit.ts";
import { CAPTURE_LAB, captureScenario } from "../support/capture-lab.ts";
import { canUseNetns } from "../support/netns.ts";

const SYN = 0x02;
const ACK = 0x10;

interface Corruption {
  readonly name: string;
  readonly id: string;
  readonly field: string;
  /** The packet to corrupt. */
  pick(segs: readonly TcpBytes[]): TcpBytes | undefined;
  edit(s: TcpBytes, data: Uint8Array): void;
}

const mptcpOf = (s: TcpBytes, subtype: number): number | undefined => s.mptcp.find((o) => o.subtype === subtype)?.at;
const fromClient = (s: TcpBytes): boolean => s.srcIp === CAPTURE_LAB.client1 || s.srcIp === CAPTURE_LAB.client2;
/** Client data segments with a checksummed mapping, after the first one of their subflow. */
const laterData = (segs: readonly TcpBytes[]): TcpBytes[] =>
  segs.filter((s) => fromClient(s) && s.payloadLen > 0 && s.mptcp.some((o) => o.subtype === 2 && dssFields(s.data, o.at).checksum !== undefined)).slice(2);

const u32 = (d: Uint8Array, at: number): number => new DataView(d.buffer, d.byteOffset).getUint32(at);
/** True when `s`'s DSS mapping starts at its first payload byte (relative SSN = its relative seq). */
function startsMapping(segs: readonly TcpBytes[], s: TcpBytes): boolean {
  const port = (x: TcpBytes): number => ((x.data[x.tcp] as number) << 8) | (x.data[x.tcp + 1] as number);
  const syn = segs.find((x) => (x.flags & SYN) !== 0 && x.srcIp === s.srcIp && port(x) === port(s));
  const f = dssFields(s.data, mptcpOf(s, 2) as number);
  if (syn === undefined || f.ssn === undefined) return false;
  return ((u32(s.data, s.tcp + 4) - u32(syn.data, syn.tcp + 4)) >>> 0) === u32(s.data, f.ssn);
}

const CORRUPTIONS: readonly Corruption[] = [
  {
    name: "Data ACK", id: "DSS-05", field: "Data ACK",
    pick: (segs) => segs.filter((s) => !fromClient(s) && s.payloadLen === 0 && s.flags === ACK && s.mptcp.some((o) => o.subtype === 2 && dssFields(s.data, o.at).dack !== undefined))[3],
    edit: (s, d) => {
      const f = dssFields(d, mptcpOf(s, 2) as number).dack!;
      addToField(d, f.at, f.len, 0x1000000n);
    },
  },
  {
    // The kernel repeats a mapping on every segment of it: a changed DSN on a repeat is DSS-02
    // (the mapping changed); on the mapping's only segment the DSS checksum catches it (CS-02).
    name: "DSN", id: "DSS-02|CS-02", field: "DSN",
    pick: (segs) => laterData(segs)[0],
    edit: (s, d) => {
      const f = dssFields(d, mptcpOf(s, 2) as number).dsn!;
      addToField(d, f.at, f.len, 0x1000n);
    },
  },
  {
    // On a segment that starts its mapping: the checksum is checked over the mapping's payload.
    name: "DSS checksum", id: "CS-02", field: "DSS checksum",
    pick: (segs) => laterData(segs).find((s) => startsMapping(segs, s)),
    edit: (s, d) => addToField(d, dssFields(d, mptcpOf(s, 2) as number).checksum!, 2, 0x1234n),
  },
  {
    name: "join HMAC", id: "MPJ-03", field: "truncated HMAC-B",
    pick: (segs) => segs.find((s) => s.flags === (SYN | ACK) && mptcpOf(s, 1) !== undefined),
    edit: (s, d) => addToField(d, (mptcpOf(s, 1) as number) + 4, 8, 1n),
  },
  {
    name: "ADD_ADDR HMAC", id: "AA-01", field: "ADD_ADDR HMAC",
    pick: (segs) => segs.find((s) => !fromClient(s) && s.mptcp.some((o) => o.subtype === 3 && ((s.data[o.at + 2] as number) & 1) === 0)),
    edit: (s, d) => {
      const at = s.mptcp.find((o) => o.subtype === 3)!.at;
      addToField(d, at + (d[at + 1] as number) - 8, 8, 1n);
    },
  },
  {
    name: "join token", id: "MPJ-01", field: "token",
    pick: (segs) => segs.find((s) => s.flags === SYN && mptcpOf(s, 1) !== undefined),
    edit: (s, d) => addToField(d, (mptcpOf(s, 1) as number) + 4, 4, 1n),
  },
];

describe("kernel: verify finds one root cause per corrupted field", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "mpd-rootcause-"));
  let capture = "";

  before(async function () {
    if (!canUseNetns()) {
      this.skip();
      return;
    }
    capture = await captureScenario({ name: "rootcause", mptcp: true, clientMptcp: true, checksum: true, addAddr: true, rounds: [[300_000, 1000]] }, dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the clean capture: no finding, and the checks the corruptions need all ran", () => {
    const r = verifyCapture(readCapture(new Uint8Array(readFileSync(capture))));
    expect(r.violations).to.deep.equal([]);
    expect(r.stats).to.include({ mptcpConnections: 1, subflows: 2 });
    for (const id of ["DSS-05", "CS-02", "MPJ-01", "MPJ-03", "AA-01"] as const) expect(r.checks.get(id)?.run ?? 0, id).to.be.greaterThan(0);
  });

  for (const c of CORRUPTIONS) {
    it(`${c.name}: exactly one finding, ${c.id} at that frame, with the carried and expected values`, async () => {
      const frames = readFrames(capture);
      const victim = c.pick(tcpSegments(frames));
      expect(victim, "a packet to corrupt").to.not.equal(undefined);
      const file = join(dir, `corrupt-${c.id}.pcap`);
      writeEdited(file, frames, victim!.frame, (d) => c.edit(victim!, d));
      const r = verifyCapture(readCapture(new Uint8Array(readFileSync(file))));
      expect(r.violations.map((v) => `frame ${v.frame}: ${v.id}: ${v.message}`)).to.have.length(1);
      const v = r.violations[0]!;
      expect(v).to.include({ frame: victim!.frame.number, field: c.field, packets: 1 });
      expect(c.id.split("|")).to.include(v.id);
      expect(v.rule).to.match(/^RFC 8684 §3\.\d/);
      expect(v.carried, "carried").to.be.a("string").and.not.equal(v.expected);
      expect(v.expected, "expected").to.be.a("string");
      const io = memoryIo();
      expect(await runCli(["verify", file], io)).to.equal(1);
      expect(io.out()).to.match(new RegExp(`^frame ${v.frame}: ${v.id} \\(RFC 8684 §[\\d.]+\\): .*; ${c.field} carried .+, expected `, "m"));
      expect(io.out().trimEnd().split("\n").at(-1)).to.equal("verify: 1 violation");
    });
  }
});
