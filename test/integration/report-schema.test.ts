/**
 * The jsonl report against its JSON Schema (docs/schema/run-events.schema.json), on real output:
 * a reference-SUT run of passing and failing scripts (a field mismatch, a missing packet, a
 * failed syscall, a parse error). Every line must validate, and a failure must arrive as data in
 * every machine-readable reporter (jsonl object, TAP YAML mapping, JUnit body).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { expect } from "chai";
import yaml from "js-yaml";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "docs/schema/run-events.schema.json"), "utf8")) as object;
const BASIC = readFileSync(join(ROOT, "test/fixtures/interp/server-basic.pkt"), "utf8");

/** The fixture with one whole line replaced (the line must occur once). */
function mutate(from: string, to: string): string {
  const lines = BASIC.split("\n");
  const i = lines.findIndex((l) => l.trim() === from);
  if (i < 0) throw new Error(`no line '${from}'`);
  lines[i] = `   ${to}`;
  return lines.join("\n");
}

describe("jsonl report: JSON Schema and structured failures (reference SUT run)", function () {
  this.timeout(120_000);
  let dir = "";
  let rows: Record<string, unknown>[] = [];
  let tap = "";
  let xml = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mptcpdrill-schema-"));
    mkdirSync(join(dir, "s"));
    writeFileSync(join(dir, "s/a-pass.pkt"), BASIC);
    writeFileSync(join(dir, "s/b-ack.pkt"), mutate("+0 > . 1001:1001(0) ack 201", "+0 > . 1001:1001(0) ack 200"));
    writeFileSync(join(dir, "s/c-missing.pkt"), mutate("+0 read(4, ..., 1000) = 200", "+0 read(4, ..., 1000) = 200 +0 > P. 1001:1101(100) ack 201"));
    writeFileSync(join(dir, "s/d-syscall.pkt"), mutate("+0 read(4, ..., 1000) = 200", "+0 read(4, ..., 1000) = 100"));
    writeFileSync(join(dir, "s/e-parse.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 foo bar\n");
    const r = spawnSync(process.execPath, [BIN, "run", "--sut", "reference", "--ip-version", "ipv4", "-j", "1",
      "--reporter", `jsonl:${join(dir, "r.jsonl")}`, "--reporter", `tap:${join(dir, "r.tap")}`, "--reporter", `junit:${join(dir, "r.xml")}`, "s"],
    { cwd: dir, encoding: "utf8", timeout: 100_000 });
    expect(r.status, r.stderr).to.equal(1);
    rows = readFileSync(join(dir, "r.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    tap = readFileSync(join(dir, "r.tap"), "utf8");
    xml = readFileSync(join(dir, "r.xml"), "utf8");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const row = (file: string): Record<string, unknown> => rows.find((r) => r["file"] === `s/${file}`) ?? {};

  it("every line validates against docs/schema/run-events.schema.json", () => {
    const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
    expect(rows).to.have.length(6);
    for (const r of rows) expect(validate(r), `${JSON.stringify(r)}\n${JSON.stringify(validate.errors)}`).to.equal(true);
  });

  it("the schema rejects a record that breaks it (a numeric expected value, a missing failure key)", () => {
    const validate = new Ajv().compile(SCHEMA);
    const bad = { ...row("b-ack.pkt"), failure: { ...(row("b-ack.pkt")["failure"] as object), expected: 200 } };
    expect(validate(bad)).to.equal(false);
    const { failure: _drop, ...missing } = row("b-ack.pkt");
    expect(validate(missing)).to.equal(false);
  });

  it("a field mismatch arrives as data: cause, packetdrill's detail, field, values, line, both dumps", () => {
    const f = row("b-ack.pkt")["failure"] as Record<string, unknown>;
    expect(f).to.deep.include({
      kind: "packet", cause: "expected ack 200, live packet has ack 201", field: "tcp_ack_seq", expected: "200", actual: "201", line: 19, column: 7,
      detail: "live packet field tcp_ack_seq: expected: 200 (0xc8) vs actual: 201 (0xc9)",
    });
    // A run with report files keeps a failure's capture beside the first one (cli/run/captures.ts).
    expect(f["capture"]).to.equal(join(dir, "captures", "s__b-ack.ipv4.pcap"));
    expect(f["scriptPacket"]).to.match(/^\d\.\d{6} \. 1001:1001\(0\) ack 200$/);
    expect(f["livePacket"]).to.match(/^\d\.\d{6} \. 1001:1001\(0\) ack 201 win \d+$/);
    expect(String(f["text"]).split("\n")).to.have.length(4);
    expect(row("b-ack.pkt")["message"]).to.equal("s/b-ack.pkt:19: error handling packet: expected ack 200, live packet has ack 201");
  });

  it("a missing packet, a failed syscall and a parse error each carry their kind", () => {
    expect(row("c-missing.pkt")["failure"]).to.deep.include({ kind: "timeout", field: "timeout", livePacket: null });
    expect(row("d-syscall.pkt")["failure"]).to.deep.include({ kind: "syscall", scriptPacket: null });
    expect(row("e-parse.pkt")).to.deep.include({ verdict: "error" });
    expect(row("e-parse.pkt")["failure"]).to.deep.include({ kind: "error", line: 2 });
    expect(row("a-pass.pkt")["failure"]).to.equal(null);
  });

  it("TAP's YAML blocks parse and carry the same failure", () => {
    const blocks = [...tap.matchAll(/\n {2}---\n([\s\S]*?)\n {2}\.\.\./g)].map((m) => yaml.load((m[1] ?? "").split("\n").map((l) => l.slice(2)).join("\n")) as Record<string, unknown>);
    const ack = blocks.find((b) => b["file"] === "s/b-ack.pkt");
    expect(ack?.["failure"]).to.deep.equal(row("b-ack.pkt")["failure"]);
    expect(blocks).to.have.length(4);
  });

  it("JUnit's failure body has the cause, packetdrill's line and both dumps", () => {
    const body = /<testcase classname="s\/b-ack.pkt" name="ipv4"[^>]*>\s*<failure [^>]*>([^<]*)<\/failure>/.exec(xml)?.[1] ?? "";
    const lines = body.split("\n");
    expect(lines[0]).to.equal("s/b-ack.pkt:19: error handling packet: expected ack 200, live packet has ack 201");
    expect(lines[1]).to.equal("live packet field tcp_ack_seq: expected: 200 (0xc8) vs actual: 201 (0xc9)");
    expect(lines[2]).to.match(/^script packet: +\d\.\d{6} \. 1001:1001\(0\) ack 200$/);
    expect(lines[3]).to.match(/^actual packet: +\d\.\d{6} \. 1001:1001\(0\) ack 201 win \d+$/);
  });
});
