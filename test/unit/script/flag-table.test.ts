/**
 * Every packetdrill long option and every run_all.py option is either implemented, with a test
 * that fails when it is ignored (named here by file and title), or refused with a usage error
 * that names it: on the command line (exit 2, see run-flags-cli.test.ts), in a config file and
 * in a script's option lines. None is accepted and ignored.
 */
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parseRunArgs } from "../../../src/cli/run/args.ts";
import { checkFlag } from "../../../src/cli/run/config.ts";
import { RUN_ALL_SWITCHES, RUN_ALL_VALUED } from "../../../src/cli/run/run-all-options.ts";
import { runChecks } from "../../../src/script/check-script.ts";
import { FLAG_SPECS, PACKETDRILL_FLAGS, flagProblem, isIpv6 } from "../../../src/script/flag-table.ts";
import { parseScript } from "../../../src/script/parse.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** G's long options (config.c `option_list`, packetdrill 2c4001c), in its usage order. */
const PACKETDRILL_LONG_OPTIONS = [
  "ip_version", "bind_port", "code_command", "code_format", "code_sockopt", "connect_port", "remote_ip", "local_ip",
  "gateway_ip", "netmask_ip", "init_scripts", "speed", "mss", "mtu", "tolerance_usecs", "tolerance_percent",
  "tcp_ts_ecr_scaled", "tcp_ts_tick_usecs", "strict_segments", "non_fatal", "wire_client", "wire_server",
  "wire_server_ip", "wire_server_at", "wire_server_port", "wire_client_dev", "wire_server_dev", "so_filename",
  "so_flags", "dry_run", "is_anyip", "send_omit_free", "psp_udp_port", "debug", "define", "verbose",
];

/** run_all.py's options (its argparse table), short and long spellings. */
const RUN_ALL_OPTIONS = [
  "-4", "--ipv4", "-6", "--ipv6", "--ipv4mappedv6", "-c", "--capture", "-l", "--log_on_error", "-L", "--log_on_success",
  "-p", "--parallelize_dirs", "-P", "--max_in_parallel", "--dry_run", "-s", "--subdirs", "-S", "--serialized",
  "-t", "--tap", "-v", "--verbose",
];

/** The test that shows each implemented packetdrill flag at work: [file, title fragment]. */
const EVIDENCE: Readonly<Record<string, readonly [string, string]>> = {
  ip_version: ["test/unit/run/args.test.ts", "treats --ip_version=V as a variant selection"],
  bind_port: ["test/unit/run/flags-honoured.test.ts", "--bind_port, --connect_port, --speed set the network"],
  connect_port: ["test/unit/run/flags-honoured.test.ts", "--bind_port, --connect_port, --speed set the network"],
  local_ip: ["test/unit/run/flags-honoured.test.ts", "--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu"],
  remote_ip: ["test/unit/run/flags-honoured.test.ts", "--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu"],
  gateway_ip: ["test/unit/run/flags-honoured.test.ts", "--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu"],
  netmask_ip: ["test/unit/run/flags-honoured.test.ts", "--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu"],
  mtu: ["test/unit/run/flags-honoured.test.ts", "--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu"],
  speed: ["test/kernel/flags-kernel.test.ts", "--speed sets the TUN device's link speed"],
  code_command: ["test/unit/run/flags-honoured.test.ts", "--code_command and --send_omit_free reach the kernel SUT's config"],
  code_format: ["test/unit/script/flag-table.test.ts", "bad --code_format: json"],
  code_sockopt: ["test/unit/run/flags-honoured.test.ts", "TCP_INFO, TCP_CC_INFO, SO_MEMINFO each alone"],
  init_scripts: ["test/kernel/flags-kernel.test.ts", "--init_scripts run in order, in the job's namespace, before the device exists"],
  mss: ["test/unit/run/flags-honoured.test.ts", "--strict_segments, --tcp_ts_ecr_scaled, --tcp_ts_tick_usecs, --mss"],
  tolerance_usecs: ["test/unit/run/flags-honoured.test.ts", "--tolerance_usecs and --tolerance_percent set the timing tolerance"],
  tolerance_percent: ["test/unit/run/flags-honoured.test.ts", "--tolerance_usecs and --tolerance_percent set the timing tolerance"],
  tcp_ts_ecr_scaled: ["test/unit/run/flags-honoured.test.ts", "--strict_segments, --tcp_ts_ecr_scaled, --tcp_ts_tick_usecs, --mss"],
  tcp_ts_tick_usecs: ["test/unit/run/flags-honoured.test.ts", "--strict_segments, --tcp_ts_ecr_scaled, --tcp_ts_tick_usecs, --mss"],
  strict_segments: ["test/unit/run/flags-honoured.test.ts", "--strict_segments, --tcp_ts_ecr_scaled, --tcp_ts_tick_usecs, --mss"],
  non_fatal: ["test/unit/run/flags-honoured.test.ts", "--non_fatal=packet makes packet mismatches warnings"],
  dry_run: ["test/integration/run-flags-cli.test.ts", "--dry_run parses and checks without root, namespace or host"],
  is_anyip: ["test/kernel/flags-kernel.test.ts", "--is_anyip leaves the local address off the device and routes without the gateway"],
  send_omit_free: ["test/unit/run/flags-honoured.test.ts", "--send_omit_free keeps every send buffer until the SUT closes"],
  define: ["test/unit/run/flags-honoured.test.ts", "--define lines of a script are defines, under -D"],
  verbose: ["test/unit/run/run-all-args.test.ts", "-v, repeated or not, is -v"],
};

/** The test that shows each accepted run_all.py option at work. */
const RUN_ALL_EVIDENCE: Readonly<Record<string, readonly [string, string]>> = {
  "-4": ["test/unit/run/run-all-args.test.ts", "-4, -6, --ipv4mappedv6 (and --ipv4, --ipv6) select variants"],
  "-c": ["test/unit/run/run-all-args.test.ts", "-c DIR is --capture DIR"],
  "-l": ["test/integration/run-flags-cli.test.ts", "-l prints a failing job's packet log under its result (reference SUT), -L a passing one's"],
  "-L": ["test/unit/report/log-on-verdict.test.ts", "-L prints a passing job's log"],
  "-P": ["test/unit/run/run-all-args.test.ts", "-P N / --max_in_parallel N set the number of jobs at once"],
  "-S": ["test/unit/run/run-all-args.test.ts", "-S / --serialized run one job at a time"],
  "-t": ["test/unit/run/run-all-args.test.ts", "-t DIR writes TAP to DIR/packetdrill_<PATH base>.tap"],
  "-v": ["test/unit/run/run-all-args.test.ts", "-v, repeated or not, is -v"],
  "--dry_run": ["test/integration/run-flags-cli.test.ts", "--list prints every job with its variant and flags"],
};

function expectEvidence([file, title]: readonly [string, string]): void {
  const text = readFileSync(join(ROOT, file), "utf8");
  expect(text, `${file} has a test titled '${title}…'`).to.contain(title);
}

/** A value each valued flag accepts. */
const GOOD: Readonly<Record<string, string>> = {
  ip_version: "ipv4", bind_port: "8080", code_command: "python3", code_format: "python", code_sockopt: "TCP_INFO",
  connect_port: "1", remote_ip: "2001:db8::1/32", local_ip: "192.168.0.2", gateway_ip: "fd3d:fa7b:d17d:8888::",
  netmask_ip: "255.255.0.0", init_scripts: "true", speed: "1000", mss: "1460", mtu: "1520", tolerance_usecs: "4000",
  tolerance_percent: "12.5", tcp_ts_tick_usecs: "1000000", non_fatal: "packet,syscall", define: "A=1",
};

describe("packetdrill flag table", () => {
  it("has exactly packetdrill's 36 long options", () => {
    expect(PACKETDRILL_FLAGS.map((f) => f.name)).to.deep.equal(PACKETDRILL_LONG_OPTIONS);
  });
  it("agrees with the usage of the packetdrill binary, when there is one", function () {
    if (!existsSync("/opt/pd/packetdrill")) this.skip();
    const usage = spawnSync("/opt/pd/packetdrill", ["--help"], { encoding: "utf8" }).stderr;
    const names = [...usage.matchAll(/\[--([a-z_]+)/g)].map((m) => m[1]);
    expect(new Set(names)).to.deep.equal(new Set(PACKETDRILL_LONG_OPTIONS));
  });
  it("agrees with run_all.py's argparse table, when there is one", function () {
    if (!existsSync("/opt/pd/run_all.py")) this.skip();
    const text = readFileSync("/opt/pd/run_all.py", "utf8");
    const names = [...text.matchAll(/add_argument\(((?:'-[^']+',\s*)+)/g)].flatMap((m) => [...(m[1] ?? "").matchAll(/'(-[^']+)'/g)].map((x) => x[1]));
    expect(new Set(names)).to.deep.equal(new Set(RUN_ALL_OPTIONS));
  });

  for (const flag of PACKETDRILL_FLAGS) {
    if (flag.support.kind === "implemented") {
      it(`--${flag.name}: implemented, shown at work by a test`, () => {
        const evidence = EVIDENCE[flag.name];
        expect(evidence, `no test named for --${flag.name}`).to.not.equal(undefined);
        if (evidence !== undefined) expectEvidence(evidence);
        const value = flag.takes === "none" ? true : (GOOD[flag.name] ?? "");
        expect(flagProblem(flag.name, value), `a good value of --${flag.name}`).to.equal(null);
      });
    } else {
      it(`--${flag.name}: refused with its reason everywhere it can be written`, () => {
        const arg = flag.takes === "none" ? `--${flag.name}` : `--${flag.name}=x`;
        const cli = parseRunArgs([arg, "s.pkt"]);
        expect(cli.ok).to.equal(false);
        const message = cli.ok ? "" : cli.message;
        expect(message).to.match(new RegExp(`^--${flag.name}: not supported: .{20,}`));
        const config = checkFlag(flag.name, flag.takes === "none" ? true : "x");
        expect(config).to.deep.equal({ problem: message });
        const source = `${arg}\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n`;
        const parsed = parseScript(source, "s.pkt");
        const diags = parsed.script === null ? [] : runChecks(parsed.script, { defines: {}, source });
        const d = diags.find((x) => x.code === "unsupported-option");
        expect(d?.message).to.equal(`Option '--${flag.name}' is not supported`);
        expect(d?.span.start).to.deep.include({ line: 1, column: 1 });
        expect(d?.notes[0]).to.equal(flag.support.kind === "refused" ? flag.support.reason : "");
      });
    }
  }

  for (const opt of RUN_ALL_OPTIONS) {
    it(`run_all.py ${opt}: mapped (with a test) or refused naming it`, () => {
      const long: Record<string, string> = { "--ipv4": "-4", "--ipv6": "-4", "--ipv4mappedv6": "-4", "-6": "-4", "--capture": "-c", "--log_on_error": "-l",
        "--log_on_success": "-L", "--max_in_parallel": "-P", "--serialized": "-S", "--tap": "-t", "--verbose": "-v" };
      const evidence = RUN_ALL_EVIDENCE[long[opt] ?? opt];
      const valued = ["-c", "--capture", "-P", "--max_in_parallel", "-t", "--tap"].includes(opt);
      const r = parseRunArgs(valued ? [opt, "2", "s.pkt"] : [opt, "s.pkt"]);
      if (evidence !== undefined) {
        expect(r.ok, opt).to.equal(true);
        expectEvidence(evidence);
        expect(opt in RUN_ALL_SWITCHES || opt in RUN_ALL_VALUED || ["-c", "--capture", "-P", "-t", "-v", "--verbose", "--dry_run"].includes(opt)).to.equal(true);
      } else {
        expect(r.ok, opt).to.equal(false);
        expect(r.ok ? "" : r.message).to.contain(`${opt}`).and.contain("not supported");
      }
    });
  }

  const badValues: [string, string, string][] = [
    ["tolerance_usecs", "abc", "bad --tolerance_usecs: abc (expected an integer greater than 0)"],
    ["tolerance_usecs", "-5", "bad --tolerance_usecs: -5 (expected an integer greater than 0)"],
    ["tolerance_usecs", "0", "bad --tolerance_usecs: 0 (expected an integer greater than 0)"],
    ["tolerance_usecs", "12abc", "bad --tolerance_usecs: 12abc (expected an integer greater than 0)"],
    ["tolerance_percent", "101", "bad --tolerance_percent: 101 (expected a number from 0 to 100)"],
    ["tolerance_percent", "-1", "bad --tolerance_percent: -1 (expected a number from 0 to 100)"],
    ["tcp_ts_tick_usecs", "1000001", "bad --tcp_ts_tick_usecs: 1000001 (expected an integer from 0 to 1000000)"],
    ["bind_port", "0", "bad --bind_port: 0 (expected an integer from 1 to 65535)"],
    ["connect_port", "65536", "bad --connect_port: 65536 (expected an integer from 1 to 65535)"],
    ["mss", "0", "bad --mss: 0 (expected an integer from 1 to 65535)"],
    ["mtu", "40", "bad --mtu: 40 (expected an integer from 68 (the least the kernel takes) to 65535)"],
    ["speed", "fast", "bad --speed: fast (expected a speed in Mbps (an integer from 1))"],
    ["ip_version", "ipv5", "bad --ip_version: ipv5 (expected ipv4, ipv4-mapped-ipv6 or ipv6)"],
    ["local_ip", "192.168.0.256", "bad --local_ip: 192.168.0.256 (expected an IPv4 or IPv6 address)"],
    ["gateway_ip", "gateway", "bad --gateway_ip: gateway (expected an IPv4 or IPv6 address)"],
    ["remote_ip", "192.0.2.1/33", "bad --remote_ip: 192.0.2.1/33 (expected a prefix length of 0-32 (IPv4) or 0-128 (IPv6) after '/')"],
    ["remote_ip", "example.com", "bad --remote_ip: example.com (expected an IPv4 or IPv6 address, optionally with /PREFIX_LEN)"],
    ["netmask_ip", "255.0.255.0", "bad --netmask_ip: 255.0.255.0 (expected a contiguous netmask (ones, then zeros))"],
    ["non_fatal", "pakcet", "bad --non_fatal: pakcet (unknown type 'pakcet' (expected a comma list of packet, syscall))"],
    ["code_format", "json", "bad --code_format: json (the only format is python)"],
    ["code_sockopt", "TCP_MAXSEG", "bad --code_sockopt: TCP_MAXSEG (expected TCP_INFO, TCP_CC_INFO, SO_MEMINFO or empty (all))"],
    ["define", "=1", "bad --define: =1 (expected NAME=VALUE)"],
  ];
  for (const [name, value, message] of badValues) {
    it(`bad --${name}: ${value}`, () => expect(flagProblem(name, value)).to.equal(message));
  }
  it("says when a value is missing or forbidden, in packetdrill's words", () => {
    expect(flagProblem("mtu", true)).to.equal("option '--mtu' requires an argument");
    expect(flagProblem("dry_run", "1")).to.equal("option '--dry_run' forbids an argument");
    expect(flagProblem("nonsense", true)).to.equal("unknown packetdrill flag '--nonsense'");
  });
  it("reads IPv6 text as packetdrill's inet_pton would", () => {
    for (const good of ["::", "::1", "fd3d:fa7b:d17d::", "2001:DB8::1", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4"]) expect(isIpv6(good), good).to.equal(true);
    for (const bad of [":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1:2:3:4:5:6:7", "::1.2.3.256"]) expect(isIpv6(bad), bad).to.equal(false);
  });
  it("checks script option lines: a bad value is an error at the value", () => {
    const source = "--tolerance_usecs=abc\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
    const parsed = parseScript(source, "s.pkt");
    const diags = parsed.script === null ? [] : runChecks(parsed.script, { defines: {}, source });
    const d = diags.find((x) => x.code === "option-value");
    expect(d?.message).to.equal("bad --tolerance_usecs: abc (expected an integer greater than 0)");
    expect(d?.span.start).to.deep.include({ line: 1, column: 19 });
  });
  it("--verbose works on the command line only: a script or config line says so", () => {
    expect(flagProblem("verbose", true)).to.equal(null);
    expect(checkFlag("verbose", true)).to.deep.equal({ problem: "--verbose: not supported in a config: what a run prints is its reporters' choice, made once for the run: give -v on the command line" });
    const source = "--verbose\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
    const parsed = parseScript(source, "s.pkt");
    const diags = parsed.script === null ? [] : runChecks(parsed.script, { defines: {}, source });
    expect(diags.find((x) => x.code === "unsupported-option")?.message).to.equal("Option '--verbose' is not supported in a script");
  });
  it("knows every flag the table lists", () => {
    for (const f of PACKETDRILL_FLAGS) expect(FLAG_SPECS.get(f.name)).to.equal(f);
  });
});
