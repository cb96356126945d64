/**
 * The known-difference output of suites/reference's remove-addr scripts on the live kernel
 * (issue #13): Linux answers the REMOVE_ADDR with a DSS ACK where the script expects the RST, and
 * the xfail message must say so first (the RST flag and mp_reset option it expected), not the
 * packet length packetdrill names; packetdrill's line follows. One CLI run with `--capture` and
 * the jsonl, TAP and JUnit reporters: each carries the failure with its dumps and the pcap file,
 * and the jsonl lines validate against docs/schema/run-events.schema.json. Needs root and
 * /dev/net/tun.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";
import yaml from "js-yaml";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun");
const SCRIPTS = ["suites/reference/remove-addr/ra-01-remove-resets-subflow-listener-v4.pkt", "suites/reference/remove-addr/ra-02-remove-id-zero-initial-listener-v4.pkt"];
const CAUSE = "expected flags R. (RST|ACK), live packet has . (ACK); expected MPTCP option mp_reset, live packet has dss instead";

(canRun ? describe : describe.skip)("kernel: remove-addr known differences lead with the expected RST (all reporters, --capture)", function () {
  this.timeout(120_000);
  let dir = "";
  let rows: Record<string, unknown>[] = [];
  let tap = "";
  let xml = "";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-known-"));
    const args = ["bin/mptcpdrill.js", "run", "--sut", "kernel", "-j", "2", "--capture", join(dir, "caps"),
      "--reporter", `jsonl:${join(dir, "r.jsonl")}`, "--reporter", `tap:${join(dir, "r.tap")}`, "--reporter", `junit:${join(dir, "r.xml")}`, ...SCRIPTS];
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()));
    const status = await new Promise<number | null>((done) => child.on("close", done));
    expect(status, stderr).to.equal(0);
    rows = readFileSync(join(dir, "r.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    tap = readFileSync(join(dir, "r.tap"), "utf8");
    xml = readFileSync(join(dir, "r.xml"), "utf8");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("every job is an xfail whose message leads with the RST and mp_reset it expected, packetdrill's line second", () => {
    const jobs = rows.filter((r) => typeof r["file"] === "string");
    expect(jobs).to.have.length(4);
    for (const r of jobs) {
      expect(r["verdict"], JSON.stringify(r)).to.equal("xfail");
      expect(r["message"]).to.equal(`${String(r["file"])}:23: error handling packet: ${CAUSE}`);
      const f = r["failure"] as Record<string, unknown>;
      expect(f).to.deep.include({ kind: "packet", cause: CAUSE, field: "ipv4_total_length", line: 23 });
      expect(String(f["text"]).split("\n")[1]).to.match(/^live packet field ipv4_total_length: expected: 44 \(0x2c\) vs actual: 52 \(0x34\)$/);
      expect(f["scriptPacket"]).to.match(/ R\. 1:1\(0\) ack \d+ <mp_reset 0>$/);
      expect(f["livePacket"]).to.match(/ \. 1:1\(0\) ack \d+ win \d+ <dss dack8=11>$/);
      expect(f["capture"]).to.be.a("string").and.satisfy((p: string) => p.startsWith(join(dir, "caps")) && existsSync(p));
    }
  });

  it("the jsonl lines validate against the schema", () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(REPO, "docs/schema/run-events.schema.json"), "utf8")) as object);
    for (const r of rows) expect(validate(r), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("TAP marks them TODO and its YAML carries the failure; JUnit's skipped body has the cause and both dumps", () => {
    const blocks = [...tap.matchAll(/\n {2}---\n([\s\S]*?)\n {2}\.\.\./g)].map((m) => yaml.load((m[1] ?? "").split("\n").map((l) => l.slice(2)).join("\n")) as Record<string, unknown>);
    expect(blocks).to.have.length(4);
    for (const b of blocks) expect((b["failure"] as Record<string, unknown>)["cause"]).to.equal(CAUSE);
    expect(tap.match(/^not ok \d+ .* # TODO known difference/gm)).to.have.length(4);
    const bodies = [...xml.matchAll(/<skipped message="[^"]*">([^<]*)<\/skipped>/g)].map((m) => m[1] ?? "");
    expect(bodies).to.have.length(4);
    for (const b of bodies) {
      expect(b).to.include(`error handling packet: ${CAUSE.replace(/</g, "&lt;")}\nlive packet field ipv4_total_length`);
      expect(b).to.match(/\nscript packet: .*\nactual packet: .*\ncapture: /);
    }
  });
});
