import { expect } from "chai";
import { availableParallelism } from "node:os";
import { parseRunArgs, type RunArgs } from "../../../src/cli/run/args.ts";

function ok(argv: string[]): RunArgs {
  const r = parseRunArgs(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function problem(argv: string[]): string {
  const r = parseRunArgs(argv);
  if (r.ok) throw new Error("expected a usage error");
  return r.message;
}

describe("run argument parsing", () => {
  it("has run_all.py-like defaults", () => {
    const a = ok(["x.pkt"]);
    expect(a).to.deep.include({ sut: "kernel", jobs: availableParallelism(), timeoutSeconds: 180, verbose: false, configFile: null, captureDir: null });
    expect(a.variants).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"]);
    expect(a.reporters).to.deep.equal([{ name: "human", file: null }]);
  });
  it("reads every option in its separate and inline forms", () => {
    const a = ok(["-j", "3", "--ip-version=ipv6", "--capture", "caps", "--timeout=2.5", "-v", "--config", "c.json", "--sut=reference", "d/"]);
    expect(a).to.deep.include({ jobs: 3, captureDir: "caps", timeoutSeconds: 2.5, verbose: true, configFile: "c.json", sut: "reference" });
    expect(a.variants).to.deep.equal(["ipv6"]);
    expect(ok(["-j4", "x"]).jobs).to.equal(4);
    expect(ok(["--jobs=2", "x"]).jobs).to.equal(2);
  });
  it("passes packetdrill flags and defines down, later ones winning", () => {
    const a = ok(["--tolerance_usecs=10000", "--strict_segments", "--mtu", "1400", "-D", "A=1", "-DB=2", "--define=C=x=y", "--define", "A=3", "x"]);
    expect(a.flags).to.deep.equal({ tolerance_usecs: "10000", strict_segments: true, mtu: "1400" });
    expect(a.defines).to.deep.equal({ A: "3", B: "2", C: "x=y" });
  });
  it("reads --seed N as the run's seed (u32) and refuses anything else", () => {
    expect(ok(["x"]).seed).to.equal(null);
    expect(ok(["--seed", "42", "x"]).seed).to.equal(42);
    expect(ok(["--seed=4294967295", "x"]).seed).to.equal(4294967295);
    expect(problem(["--seed", "abc", "x"])).to.equal("--seed expects an integer from 0 to 4294967295, got 'abc'");
    expect(problem(["--seed=-5", "x"])).to.equal("--seed expects an integer from 0 to 4294967295, got '-5'");
    expect(problem(["--seed=4294967296", "x"])).to.match(/^--seed expects/);
    expect(problem(["--seed"])).to.equal("option '--seed' requires a value");
  });
  it("treats --ip_version=V as a variant selection", () => {
    expect(ok(["--ip_version=ipv4-mapped-ipv6", "x"]).variants).to.deep.equal(["ipv4-mapped-ipv6"]);
    expect(ok(["--ip_version=ipv4-mapped-ipv6", "x"]).flags).to.deep.equal({});
  });
  it("keeps human on stdout unless another reporter takes stdout", () => {
    expect(ok(["--reporter", "jsonl:out.jsonl", "--reporter=junit:r.xml", "x"]).reporters).to.deep.equal([
      { name: "human", file: null }, { name: "jsonl", file: "out.jsonl" }, { name: "junit", file: "r.xml" },
    ]);
    expect(ok(["--reporter", "tap", "x"]).reporters).to.deep.equal([{ name: "tap", file: null }]);
  });
  it("takes paths after --", () => expect(ok(["--", "-odd.pkt"]).paths).to.deep.equal(["-odd.pkt"]));

  const errors: [string[], string][] = [
    [[], "expected at least one PATH (a .pkt file or a folder)"],
    [["-j", "0", "x"], "--jobs expects a positive integer, got '0'"],
    [["-j"], "option '-j' requires a value"],
    [["--timeout", "soon", "x"], "--timeout expects a positive number of seconds, got 'soon'"],
    [["--ip-version", "ipv5", "x"], "--ip-version expects ipv4, ipv6, ipv4-mapped-ipv6 or all (or a comma list), got 'ipv5'"],
    [["--sut", "bsd", "x"], "unknown SUT 'bsd' (expected kernel or reference)"],
    [["--reporter", "xml", "x"], "unknown reporter 'xml' (expected human, tap, junit, jsonl, html)"],
    [["--reporter", "tap", "--reporter", "jsonl", "x"], "at most one reporter may write to stdout; give the others a FILE (NAME:FILE)"],
    [["--reporter", "tap:", "x"], "--reporter 'tap:': empty FILE after ':'"],
    [["--tolerance_usec=5", "x"], "unknown option '--tolerance_usec=5' (did you mean '--tolerance_usecs'?)"],
    [["--ip_version=ipv5", "x"], "bad --ip_version: ipv5 (expected ipv4, ipv4-mapped-ipv6, ipv6, all or a comma list)"],
    [["--strict_segments=1", "x"], "option '--strict_segments' forbids an argument"],
    [["--mtu"], "option '--mtu' requires a value"],
    [["-D", "1X=2", "x"], "bad --define: 1X=2 (expected NAME=VALUE)"],
    [["-D", "X", "x"], "bad --define: X (expected NAME=VALUE)"],
    [["-q", "x"], "unknown option '-q'"],
  ];
  for (const [argv, message] of errors) {
    it(`rejects ${JSON.stringify(argv)}`, () => expect(problem(argv)).to.equal(message));
  }
});

describe("run argument parsing: CI gate options", () => {
  it("reads --baseline, --update-baseline, --retries, --repeat, --grep, --exclude, --shard, --durations", () => {
    const a = ok(["--baseline", "b.json", "--update-baseline", "--retries=2", "--grep", "tcp/", "--grep=x", "--exclude", "\\[ipv6\\]", "--shard", "2/3", "--durations", "r.jsonl", "d/"]);
    expect(a).to.deep.include({ baselineFile: "b.json", updateBaseline: true, retries: 2, repeat: 1, shard: { index: 2, count: 3 }, durationsFile: "r.jsonl" });
    expect(a.grep.map(String)).to.deep.equal(["/tcp\\//", "/x/"]);
    expect(a.exclude.map(String)).to.deep.equal(["/\\[ipv6\\]/"]);
    expect(ok(["--repeat", "5", "x"])).to.deep.include({ repeat: 5, retries: 0, baselineFile: null, updateBaseline: false, shard: null });
  });
  const errors: Array<[string[], string]> = [
    [["--retries", "-1", "x"], "--retries expects an integer from 0 to 1000, got '-1'"],
    [["--repeat", "0", "x"], "--repeat expects an integer from 1 to 1000, got '0'"],
    [["--shard", "4/3", "x"], "--shard expects I/N with 1 <= I <= N (e.g. 2/3), got '4/3'"],
    [["--shard", "0/3", "x"], "--shard expects I/N with 1 <= I <= N (e.g. 2/3), got '0/3'"],
    [["--shard", "1-3", "x"], "--shard expects I/N with 1 <= I <= N (e.g. 2/3), got '1-3'"],
    [["--grep", "(", "x"], "--grep: bad regular expression '(': Invalid regular expression: /(/: Unterminated group"],
    [["--update-baseline", "x"], "--update-baseline needs --baseline FILE (the file to write)"],
    [["--baseline", "b", "--update-baseline", "--repeat", "2", "x"], "--update-baseline records one outcome per job: it cannot be combined with --repeat"],
    [["--durations", "r.jsonl", "x"], "--durations FILE balances shards: give --shard I/N as well"],
  ];
  for (const [argv, message] of errors) {
    it(`rejects ${JSON.stringify(argv)}`, () => expect(problem(argv)).to.equal(message));
  }
});
