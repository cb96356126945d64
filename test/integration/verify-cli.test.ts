// mptcpdrill verify as a process: synthetic captures written with our pcap writer, exit codes
// 0 (clean), 1 (violations, one line each plus the summary), 2 (unreadable input or usage), --json.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";
import { LINKTYPE_IPV4 } from "../../src/wire/pcap/link-type.ts";
import { ACK, C1, IDSN_C, IDSN_S, ISN_C, ISN_S, S1, Synth, bytes, dss, handshake } from "../unit/verify/synth.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pcapOf(cap: Synth): Uint8Array {
  const records = cap.items.flatMap((i) => (i.kind === "packet" ? [{ tsSec: i.packet.tsSec, tsNsec: i.packet.tsNsec, data: i.packet.data }] : []));
  return emitPcapFile({ linkType: LINKTYPE_IPV4 }, records);
}

describe("cli: mptcpdrill verify", function () {
  this.timeout(60_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-verify-"));
    const p = bytes(64);
    const good = new Synth();
    handshake(good);
    good.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p })], payload: p });
    good.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 65, options: [dss({ ack: IDSN_C + 65n })] });
    writeFileSync(join(dir, "good.pcap"), pcapOf(good));
    const bad = new Synth();
    handshake(bad);
    bad.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p, checksum: 0x1234 })], payload: p });
    writeFileSync(join(dir, "bad.pcap"), pcapOf(bad));
    writeFileSync(join(dir, "junk.pcap"), "this is not a capture file\n");
    const whole = pcapOf(good);
    // Cut inside the last record: every frame but the last read, then a read error.
    writeFileSync(join(dir, "cut.pcap"), whole.subarray(0, whole.length - 10));
    const plain = new Synth();
    plain.add({ from: C1, to: S1, flags: 0x02, seq: ISN_C, ack: 0, options: [] });
    plain.add({ from: S1, to: C1, flags: 0x12, seq: ISN_S, ack: ISN_C + 1, options: [] });
    writeFileSync(join(dir, "plain.pcap"), pcapOf(plain));
    const mid = new Synth();
    mid.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p })], payload: p });
    writeFileSync(join(dir, "mid.pcap"), pcapOf(mid));
    const garbled = new Synth();
    handshake(garbled);
    writeFileSync(join(dir, "garbled.pcap"), emitPcapFile({ linkType: LINKTYPE_IPV4 }, [
      ...garbled.items.flatMap((i) => (i.kind === "packet" ? [{ tsSec: i.packet.tsSec, tsNsec: i.packet.tsNsec, data: i.packet.data }] : [])),
      { tsSec: 9, tsNsec: 0, data: new Uint8Array([0x45, 0, 0, 99, 0, 0]) },
    ]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 on a clean capture and prints the summary", () => {
    const r = cli("verify", join(dir, "good.pcap"));
    expect(r.stderr).to.equal("");
    expect(r.status).to.equal(0);
    const out = r.stdout.trimEnd().split("\n");
    expect(out[1]).to.equal("// 1 MPTCP connections (0 fell back), 1 subflows, 0 plain TCP flows, 0 flows without handshake (not checked)");
    expect(out[2]).to.match(/^\/\/ checks: MPC-01 \d+ run, 0 failed; .*CS-02 1 run, 0 failed; .*DSS-05 \d+ run, 0 failed/);
    expect(out.at(-1)).to.equal("verify: clean");
  });

  it("exits 3 (inconclusive), never 0, when part of the capture was not read or checked", () => {
    const cases: Array<[string, RegExp]> = [
      ["cut.pcap", /the file could not be read to its end \(1 read error\)/],
      ["plain.pcap", /no check ran \(no MPTCP handshake in the capture\)/],
      ["mid.pcap", /1 flow with MPTCP options but no handshake in the capture \(not checked\)/],
      ["garbled.pcap", /1 frame could not be decoded/],
    ];
    for (const [file, why] of cases) {
      const r = cli("verify", join(dir, file));
      expect(r.status, file).to.equal(3);
      expect(r.stdout, file).to.match(new RegExp(`^// incomplete: ${why.source}$`, "m"));
      expect(r.stdout.trimEnd().split("\n").at(-1), file).to.match(/^verify: inconclusive: /);
      const j = cli("verify", "--json", join(dir, file));
      expect(j.status, file).to.equal(3);
      const doc = JSON.parse(j.stdout) as { verdict: string; clean: boolean; incomplete: string[] };
      expect([doc.verdict, doc.clean], file).to.deep.equal(["inconclusive", false]);
      expect(doc.incomplete.join("; "), file).to.match(why);
    }
  });

  it("exits 1 with one line per violation", () => {
    const r = cli("verify", join(dir, "bad.pcap"));
    expect(r.status).to.equal(1);
    const first = r.stdout.split("\n")[0] ?? "";
    expect(first).to.match(/^frame 4: CS-02 \(RFC 8684 §3\.3\.1\): DSS checksum 0x1234 does not match 0x[0-9a-f]{4} \(dsn \d+ ssn 1 dll 64\); DSS checksum carried 0x1234, expected 0x[0-9a-f]{4} \[10\.0\.0\.1:40000 > 10\.0\.0\.2:80\]$/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).to.equal("verify: 1 violation");
  });

  it("--json prints one document with the violations, counts and stats", () => {
    const r = cli("verify", "--json", join(dir, "bad.pcap"));
    expect(r.status).to.equal(1);
    const doc = JSON.parse(r.stdout) as { clean: boolean; violations: Array<{ frame: number; id: string; flow: string }>; checks: Record<string, { run: number; failed: number }>; stats: { tcpSegments: number } };
    expect(doc.clean).to.equal(false);
    expect(doc.violations.map((v) => [v.frame, v.id, v.flow])).to.deep.equal([[4, "CS-02", "10.0.0.1:40000 > 10.0.0.2:80"]]);
    expect(doc.checks["CS-02"]).to.deep.equal({ run: 1, failed: 1, skipped: 0 });
    expect(doc.stats.tcpSegments).to.equal(4);
    // The document follows docs/verify-report.schema.json, and the schema rejects a changed shape.
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "docs/verify-report.schema.json"), "utf8")) as object);
    expect(validate(doc), ajv.errorsText(validate.errors)).to.equal(true);
    expect(validate({ ...doc, violations: [{ frame: 4, id: "CS-02" }] })).to.equal(false);
    expect((doc as unknown as { violations: Array<{ rule: string; field: string; carried: string; expected: string; packets: number }> }).violations[0]).to.include({ rule: "RFC 8684 §3.3.1", field: "DSS checksum", carried: "0x1234", packets: 1 });
  });

  it("exits 2 on an unreadable file, a missing file and bad usage", () => {
    const junk = cli("verify", join(dir, "junk.pcap"));
    expect(junk.status).to.equal(2);
    expect(junk.stderr).to.match(/^error\[MPD_ERR_FILE\]: '.*junk\.pcap' is not a readable capture: pcap-bad-magic/);
    const missing = cli("verify", join(dir, "nope.pcap"));
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/^error\[MPD_ERR_FILE\]/);
    expect(cli("verify").status).to.equal(2);
    expect(cli("verify", "--bogus", "x").stderr).to.match(/unknown option '--bogus'/);
  });
});
