// A run killed with SIGKILL leaves valid report files holding the verdicts known so far: JSONL line
// by line, TAP streamed after its plan, JUnit replaced atomically after each job (never a
// truncated or empty file). Needs the kernel SUT (a script that waits in real time).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "bin/mptcpdrill.js");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("cli: reports after a SIGKILL of the run", function () {
  this.timeout(120_000);
  let dir = "";
  before(function () {
    if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) this.skip();
    dir = mkdtempSync(join(tmpdir(), "mpd-report-kill-"));
    writeFileSync(join(dir, "a-quick.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    writeFileSync(join(dir, "b-slow.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+60 close(3) = 0\n");
  });
  after(() => dir !== "" && rmSync(dir, { recursive: true, force: true }));

  it("JUnit is a complete document with the finished job; JSONL has its line; TAP its test point", async () => {
    const child = spawn(process.execPath, [BIN, "run", "-j", "1", "--ip-version", "ipv4", "--reporter", "junit:out.xml", "--reporter", "jsonl:out.jsonl", "--reporter", "tap:out.tap", "a-quick.pkt", "b-slow.pkt"], { cwd: dir, stdio: "ignore" });
    const exited = new Promise((r) => child.on("exit", r));
    const xml = join(dir, "out.xml");
    for (let i = 0; i < 300 && !(existsSync(xml) && readFileSync(xml, "utf8").includes("a-quick.pkt")); i++) await sleep(100);
    await sleep(500);
    child.kill("SIGKILL");
    await exited;
    const doc = readFileSync(xml, "utf8");
    expect(doc).to.match(/<!-- mptcpdrill: run in progress, 1 of 2 jobs reported -->/).and.contain('name="a-quick.pkt"');
    const parsed = spawnSync("python3", ["-c", "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(r.get('tests'))", xml], { encoding: "utf8" });
    expect(parsed.status, parsed.stderr).to.equal(0);
    expect(parsed.stdout.trim()).to.equal("1");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp")), "no temporary file left").to.deep.equal([]);
    const jsonl = readFileSync(join(dir, "out.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict?: string });
    expect(jsonl).to.deep.equal([jsonl[0]]);
    expect(jsonl[0]).to.deep.include({ file: "a-quick.pkt", verdict: "pass" });
    expect(readFileSync(join(dir, "out.tap"), "utf8")).to.match(/^TAP version 13\n1\.\.2\nok 1 - a-quick\.pkt \[ipv4\]/);
  });
});
