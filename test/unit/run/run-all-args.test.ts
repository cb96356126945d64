/** run_all.py's options as `mptcpdrill run` reads them (run-all-options.ts). */
import * as path from "node:path";
import { expect } from "chai";
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

describe("run_all.py options", () => {
  it("-4, -6, --ipv4mappedv6 (and --ipv4, --ipv6) select variants; together their union", () => {
    expect(ok(["-4", "x"]).variants).to.deep.equal(["ipv4"]);
    expect(ok(["--ipv6", "x"]).variants).to.deep.equal(["ipv6"]);
    expect(ok(["--ipv4mappedv6", "x"]).variants).to.deep.equal(["ipv4-mapped-ipv6"]);
    expect(ok(["-6", "-4", "x"]).variants).to.deep.equal(["ipv4", "ipv6"]);
    expect(ok(["--ipv4", "-6", "--ipv4mappedv6", "x"]).variants).to.deep.equal(["ipv4", "ipv4-mapped-ipv6", "ipv6"]);
  });
  it("-P N / --max_in_parallel N set the number of jobs at once", () => {
    expect(ok(["-P", "3", "x"]).jobs).to.equal(3);
    expect(ok(["-P5", "x"]).jobs).to.equal(5);
    expect(ok(["--max_in_parallel=4", "x"]).jobs).to.equal(4);
  });
  it("-S / --serialized run one job at a time, whatever -j or -P say", () => {
    expect(ok(["-S", "-j", "4", "x"]).jobs).to.equal(1);
    expect(ok(["-P", "4", "--serialized", "x"]).jobs).to.equal(1);
  });
  it("-c DIR is --capture DIR", () => {
    expect(ok(["-c", "caps", "x"]).captureDir).to.equal("caps");
    expect(ok(["-ccaps2", "x"]).captureDir).to.equal("caps2");
  });
  it("-t DIR writes TAP to DIR/packetdrill_<PATH base>.tap, as run_all.py names it", () => {
    expect(ok(["-t", "taps", "gtests/net/tcp"]).reporters).to.deep.equal([{ name: "human", file: null }, { name: "tap", file: path.join("taps", "packetdrill_tcp.tap") }]);
    expect(ok(["--tap", "t", "a/b.pkt"]).reporters).to.deep.include({ name: "tap", file: path.join("t", "packetdrill_b.tap") });
  });
  it("-l / -L ask for the packet log of failing / passing jobs", () => {
    expect(ok(["x"])).to.include({ logOnError: false, logOnSuccess: false });
    expect(ok(["-l", "x"])).to.include({ logOnError: true, logOnSuccess: false });
    expect(ok(["--log_on_success", "-L", "x"])).to.include({ logOnError: false, logOnSuccess: true });
  });
  it("-v, repeated or not, is -v", () => {
    expect(ok(["-v", "x"]).verbose).to.equal(true);
    expect(ok(["-vv", "x"]).verbose).to.equal(true);
  });
  it("takes a PATH named like an Object property as a PATH", () => {
    expect(ok(["constructor", "toString"]).paths).to.deep.equal(["constructor", "toString"]);
  });
  it("--list asks for the job list", () => {
    expect(ok(["x"]).list).to.equal(false);
    expect(ok(["--list", "x"]).list).to.equal(true);
  });

  const refused: [string[], string][] = [
    [["-p", "x"], "-p (--parallelize_dirs): not supported: "],
    [["--parallelize_dirs", "x"], "--parallelize_dirs: not supported: "],
    [["-s", "x"], "-s (--subdirs): not supported: "],
    [["--subdirs", "x"], "--subdirs: not supported: "],
    [["-P", "0", "x"], "bad -P/--max_in_parallel: 0 (run_all.py's 'every job at once' is not supported"],
    [["-P", "two", "x"], "bad -P/--max_in_parallel: two (expected a positive integer)"],
    [["-t", "d", "a", "b"], "-t/--tap DIR names its file after the one PATH (as run_all.py); with 2 PATHs use --reporter tap:FILE"],
    [["-4", "--ip-version", "ipv6", "x"], "-4/-6/--ipv4mappedv6 and --ip-version (or --ip_version) both select variants: give one of them"],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${JSON.stringify(argv)}`, () => expect(problem(argv).startsWith(message), problem(argv)).to.equal(true));
  }
});
