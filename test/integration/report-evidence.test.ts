/**
 * Reports that carry evidence (issue #16 item 4) on a real reference-SUT run of one passing and
 * one failing script (test/fixtures/html-run): the JUnit document validates against the common
 * JUnit schema (test/fixtures/report/junit.xsd, through xmllint) with its timestamp, hostname and
 * properties; the TAP stream goes through a real TAP 13 parser (tap-parser) with the failure and
 * the packet dumps in the YAML block; every JSONL line has a `type`; the failure's capture is kept
 * beside the reports and named by every reporter while the pass's is dropped, `--capture` keeps
 * both, and a green run leaves no capture folder; the HTML report matches its golden file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { release, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { Parser, type Result } from "tap-parser";
import { expectGolden } from "../support/golden.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const XSD = join(ROOT, "test/fixtures/report/junit.xsd");
const FIXTURE = "test/fixtures/html-run";
const FAIL_CAPTURE = "test__fixtures__html-run__fail-window-v4.ipv4.pcap";
const PASS_CAPTURE = "test__fixtures__html-run__pass-handshake-v4.ipv4.pcap";

function run(args: readonly string[], paths: readonly string[] = [FIXTURE]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--ip-version", "ipv4", "-j", "1", "--seed", "8684", ...args, ...paths],
    { cwd: ROOT, encoding: "utf8", timeout: 100_000 });
  return { status: r.status, stderr: r.stderr };
}

/** xmllint's verdict on `file` against the JUnit schema: null when valid, else its complaint. */
function xsdProblem(file: string): string | null {
  const r = spawnSync("xmllint", ["--noout", "--schema", XSD, file], { encoding: "utf8" });
  return r.status === 0 ? null : `${r.stderr}`;
}

/** Every TAP test point and the parser's final result. */
function parseTap(text: string): { points: Result[]; final: { ok: boolean; count: number; pass: number; fail: number; todo: number; plan: { start: number; end: number } } } {
  const points: Result[] = [];
  let final: unknown = null;
  const p = new Parser((r) => (final = r));
  p.on("assert", (r: Result) => points.push(r));
  p.end(text);
  return { points, final: final as never };
}

describe("reports that carry evidence (reference SUT run of a pass and a failure)", function () {
  this.timeout(120_000);
  let dir = "";

  before(function () {
    if (spawnSync("xmllint", ["--version"]).status !== 0) throw new Error("xmllint is missing: apt-get install libxml2-utils (scripts/setup.sh)");
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-evidence-"));
    const r = run(["--reporter", `junit:${join(dir, "r/run.xml")}`, "--reporter", `tap:${join(dir, "r/run.tap")}`,
      "--reporter", `jsonl:${join(dir, "r/run.jsonl")}`, "--reporter", `html:${join(dir, "r/run.html")}`]);
    expect(r.status, r.stderr).to.equal(1);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the failure's capture beside the reports and drops the pass's", () => {
    expect(readdirSync(join(dir, "r/captures"))).to.deep.equal([FAIL_CAPTURE]);
    const pcap = readFileSync(join(dir, "r/captures", FAIL_CAPTURE));
    expect([0xa1b2c3d4, 0xa1b23c4d]).to.include(pcap.readUInt32LE(0));
    expect(pcap.length).to.be.greaterThan(24 + 3 * 16);
  });

  it("JUnit validates against the common JUnit schema, with timestamp, hostname and properties", () => {
    const file = join(dir, "r/run.xml");
    expect(xsdProblem(file)).to.equal(null);
    const xml = readFileSync(file, "utf8");
    expect(xml).to.match(/<testsuite name="test\/fixtures\/html-run\/fail-window-v4.pkt" id="0" [^>]* timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d" hostname="[^"]+">/);
    expect(xml).to.include('<property name="sut" value="reference"/>');
    expect(xml).to.include(`<property name="kernel" value="${release()}"/>`);
    expect(xml).to.include('<property name="variant" value="ipv4"/>');
    expect(xml).to.include('<property name="seed" value="8684"/>');
    expect(xml).to.include(`<system-out>[[ATTACHMENT|${join(dir, "r/captures", FAIL_CAPTURE)}]]</system-out>`);
  });

  it("the schema test can fail: xmllint refuses a suite without its hostname", () => {
    const broken = join(dir, "broken.xml");
    const xml = readFileSync(join(dir, "r/run.xml"), "utf8").replace(/ hostname="[^"]*"/, "");
    spawnSync("sh", ["-c", `cat > '${broken}'`], { input: xml });
    expect(xsdProblem(broken)).to.match(/hostname/);
  });

  it("TAP 13 goes through tap-parser: plan, one pass, one failure with its mismatch and packets in YAML", () => {
    const { points, final } = parseTap(readFileSync(join(dir, "r/run.tap"), "utf8"));
    expect(final.plan).to.deep.include({ start: 1, end: 2 });
    expect(final).to.deep.include({ ok: false, count: 2, pass: 1, fail: 1 });
    const failed = points.find((p) => !p.ok);
    const diag = failed?.diag as Record<string, unknown>;
    expect(diag["verdict"]).to.equal("fail");
    expect(diag["capture"]).to.equal(join(dir, "r/captures", FAIL_CAPTURE));
    expect(diag["failure"]).to.deep.include({ kind: "packet", field: "tcp_window", expected: "4321", actual: "1024", line: 10 });
    const packets = diag["packets"] as string[];
    expect(packets).to.have.length(3);
    expect(packets[0]).to.match(/^outbound sniffed packet: +0\.000000 S \d+:\d+\(0\) win 65535 <mss 1460,.*mpcapable v1 flags\[flag_h\] nokey>$/);
    expect(packets[2]).to.match(/ack 1 win 1024 <mpcapable v1 flags\[flag_h\] key\[ckey=0x[0-9a-f]{16}, skey=0x0200000000000000\]>$/);
  });

  it("every JSONL line has a type, and the failure's line names its capture", () => {
    const rows = readFileSync(join(dir, "r/run.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r["type"])).to.deep.equal(["job", "job", "summary"]);
    const fail = rows.find((r) => r["verdict"] === "fail") ?? {};
    expect(fail["capture"]).to.equal(join(dir, "r/captures", FAIL_CAPTURE));
    expect((fail["failure"] as Record<string, unknown>)["capture"]).to.equal(join(dir, "r/captures", FAIL_CAPTURE));
    expect(rows.find((r) => r["verdict"] === "pass")).to.not.have.property("capture");
  });

  it("the HTML report of the fixture run matches its golden file (times, paths and machine facts normalised)", () => {
    const html = readFileSync(join(dir, "r/run.html"), "utf8")
      .replaceAll(dir, "<tmp>")
      .replace(/"ms":\d+/g, '"ms":0')
      .replace(/(<dt>duration<\/dt><dd>)[^<]*/, "$1–").replace(/(<dt>job time<\/dt><dd>)[^ ]+ [^ ]+/, "$1–")
      .replace(/(<dt>started<\/dt><dd>)[^<]*/, "$1–").replace(/(<dt>kernel<\/dt><dd>)[^<]*/, "$1–").replace(/(<dt>host<\/dt><dd>)[^<]*/, "$1–");
    expectGolden("reports/fixture-run.html", html);
  });

  it("--capture DIR keeps every job's capture", () => {
    const caps = join(dir, "all");
    expect(run(["--capture", caps]).status).to.equal(1);
    expect(readdirSync(caps).sort()).to.deep.equal([FAIL_CAPTURE, PASS_CAPTURE]);
  });

  it("a green run with a report file leaves no capture folder", () => {
    expect(run(["--reporter", `jsonl:${join(dir, "green/r.jsonl")}`], [`${FIXTURE}/pass-handshake-v4.pkt`]).status).to.equal(0);
    expect(readdirSync(join(dir, "green"))).to.deep.equal(["r.jsonl"]);
    expect(existsSync(join(dir, "green/captures"))).to.equal(false);
  });
});
