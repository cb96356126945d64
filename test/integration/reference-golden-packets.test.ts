/**
 * Golden packets: the reference suite (MP_JOIN scripts included) run on the reference SUT with
 * `--capture` writes byte-identical pcaps on every run with the same seed, whatever `-j`, and
 * matches the committed digests in test/golden/reference-packets.txt (`npm run golden:update`
 * after an intended change to the stack, the interpreter or a script). Another seed changes the
 * MP_JOIN randoms of both sides (the stack's and the interpreter's) and every script still passes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parsePacket } from "../../src/wire/packet.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { expectGolden } from "../support/golden.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

/** Runs the reference suite with `args`, capturing into a new folder; returns its pcaps by name. */
function captureSuite(tmp: string, name: string, ...args: string[]): Map<string, Buffer> {
  const dir = join(tmp, name);
  const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--capture", dir, ...args, "suites/reference"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  expect(r.stderr).to.equal("");
  expect(r.stdout).to.match(/\n(\d+) passed, 0 failed, 0 errors, 0 skipped/);
  expect(r.status).to.equal(0);
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

/** `sha256  name` per pcap, sorted by name. */
function digests(pcaps: ReadonlyMap<string, Buffer>): string {
  return [...pcaps].map(([f, b]) => `${createHash("sha256").update(b).digest("hex")}  ${f}\n`).join("");
}

/** The MP_JOIN SYN and SYN/ACK randoms of a capture, in file order, tagged with their subtype. */
function joinRandoms(pcap: Buffer): string[] {
  const out: string[] = [];
  for (const item of readCapture(pcap)) {
    if (item.kind !== "packet") continue;
    const p = parsePacket(item.packet.data);
    if (!p.ok || p.value.l4.kind !== "tcp") continue;
    for (const o of p.value.l4.options) {
      if (o.kind === "mptcp" && (o.subtype === "mpJoinSyn" || o.subtype === "mpJoinSynAck")) out.push(`${o.subtype} ${o.sendersRandom}`);
    }
  }
  return out;
}

describe("golden packets: the reference suite is byte-identical for a seed", function () {
  this.timeout(300_000);
  let tmp = "";
  let base = new Map<string, Buffer>();

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "mptcpdrill-golden-"));
    base = captureSuite(tmp, "a", "--seed", "8684");
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("writes one pcap per job, MP_JOIN scripts included", () => {
    expect(base.size).to.be.at.least(100);
    const joins = [...base.keys()].filter((f) => f.includes("mp-join"));
    expect(joins.length).to.be.at.least(10);
    for (const f of joins) expect(joinRandoms(base.get(f) as Buffer), f).to.not.be.empty;
  });

  it("the same seed writes the same bytes, one job at a time or in parallel, and the default seed is 8684", () => {
    const again = captureSuite(tmp, "b", "--seed", "8684", "-j", "1");
    const byDefault = captureSuite(tmp, "c", "-j", "3");
    expect([...again.keys()]).to.deep.equal([...base.keys()]);
    for (const [f, bytes] of base) {
      expect(again.get(f)?.equals(bytes), f).to.equal(true);
      expect(byDefault.get(f)?.equals(bytes), f).to.equal(true);
    }
  });

  it("matches the committed digests (test/golden/reference-packets.txt)", () => {
    expectGolden("reference-packets.txt", digests(base));
  });

  it("another seed changes every MP_JOIN random, the stack's and the script side's, and every script still passes", () => {
    const other = captureSuite(tmp, "d", "--seed", "4242");
    for (const f of [...base.keys()].filter((name) => name.includes("mp-join"))) {
      const a = joinRandoms(base.get(f) as Buffer);
      const b = joinRandoms(other.get(f) as Buffer);
      expect(b.map((r) => r.split(" ")[0]), f).to.deep.equal(a.map((r) => r.split(" ")[0]));
      // Listener scripts: the SYN's random is the interpreter's, the SYN/ACK's the stack's; initiator scripts the reverse.
      a.forEach((r, i) => expect(b[i], `${f} ${r}`).to.not.equal(r));
    }
  });
});
