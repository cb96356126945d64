/**
 * packetdrill flags that act on the kernel SUT's set-up, through the compiled CLI: `--speed`
 * (ethtool on the TUN device), `--init_scripts` (commands in the job's namespace before the
 * device exists) and `--is_anyip` (no local address on the device, no gateway). Each is checked with and without the flag, so ignoring it fails. Needs root and
 * /dev/net/tun.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun") && spawnSync("ethtool", ["--version"]).status === 0;

function run(cwd: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "-j", "1", "--reporter", "jsonl", ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

(canRun ? describe : describe.skip)("kernel SUT set-up flags (compiled CLI)", function () {
  this.timeout(60_000);
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-flags-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--speed sets the TUN device's link speed (command line and script option line)", () => {
    writeFileSync(join(dir, "speed.pkt"), '0 `ethtool tun0 | grep -q "Speed: 100Mb/s"`\n');
    writeFileSync(join(dir, "speed-option.pkt"), '--speed=100\n0 `ethtool tun0 | grep -q "Speed: 100Mb/s"`\n');
    expect(run(dir, "--speed=100", "speed.pkt").status).to.equal(0);
    expect(run(dir, "speed-option.pkt").status).to.equal(0);
    const without = run(dir, "speed.pkt");
    expect(without.status).to.equal(1);
    expect(without.out).to.contain("error executing `ethtool tun0");
  });

  it("--init_scripts run in order, in the job's namespace, before the device exists", () => {
    writeFileSync(join(dir, "uses-init.pkt"), "0 `[ $(sysctl -n net.ipv4.tcp_syn_retries) = 2 ] && echo script >> order`\n");
    const hostValue = readFileSync("/proc/sys/net/ipv4/tcp_syn_retries", "utf8");
    const init = "! ip link show tun0 2>/dev/null && echo first > order,echo second >> order,sysctl -qw net.ipv4.tcp_syn_retries=2";
    const r = run(dir, `--init_scripts=${init}`, "uses-init.pkt");
    expect(r.status, r.out).to.equal(0);
    expect(readFileSync(join(dir, "order"), "utf8")).to.equal("first\nsecond\nscript\n");
    expect(readFileSync("/proc/sys/net/ipv4/tcp_syn_retries", "utf8"), "the sysctl stayed in the job's namespace").to.equal(hostValue);
    rmSync(join(dir, "order"));
    const without = run(dir, "uses-init.pkt");
    expect(without.status).to.equal(1);
  });

  it("a failing init script ends the job as error, naming it, before the script runs", () => {
    writeFileSync(join(dir, "s.pkt"), '--init_scripts="true,exit 3,touch never"\n0 `touch ran`\n');
    // A script that names its own programs runs only with --allow-script-programs (docs/security.md).
    const refused = run(dir, "s.pkt");
    expect(JSON.parse(refused.out.split("\n")[0] ?? "{}")).to.deep.include({ verdict: "error", line: 1 });
    expect(existsSync(join(dir, "ran"))).to.equal(false);
    const r = run(dir, "--allow-script-programs", "s.pkt");
    expect(r.status).to.equal(1);
    const row = JSON.parse(r.out.split("\n")[0] ?? "{}") as Record<string, unknown>;
    expect(row).to.deep.include({ verdict: "error" });
    expect(String(row["message"])).to.contain("error executing init script 'exit 3': exit status 3");
    expect(existsSync(join(dir, "ran"))).to.equal(false);
    expect(existsSync(join(dir, "never"))).to.equal(false);
  });

  it("--is_anyip leaves the local address off the device and routes without the gateway", () => {
    writeFileSync(join(dir, "anyip.pkt"), [
      "0 `! ip -4 addr show dev tun0 | grep -q inet && ip -4 route show 192.0.2.0/24 | grep -qv via`",
      "+0 `ip route add local 192.168.0.0/24 dev lo`",
      "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
      "+0 bind(3, ..., ...) = 0",
      "+0 listen(3, 1) = 0",
      "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
      "+0 > S. 0:0(0) ack 1 <...>",
      "+.1 < . 1:1(0) ack 1 win 257",
      "+0 accept(3, ..., ...) = 4",
      "",
    ].join("\n"));
    const r = run(dir, "--is_anyip", "anyip.pkt");
    expect(r.status, r.out).to.equal(0);
    const without = run(dir, "anyip.pkt");
    expect(without.status).to.equal(1);
    expect(without.out).to.contain("anyip.pkt:1: error executing");
  });

  it("--is_anyip refuses a local address the namespace has", () => {
    writeFileSync(join(dir, "s.pkt"), "0 `true`\n");
    const r = run(dir, "--is_anyip", "--local_ip=127.0.0.1", "s.pkt");
    expect(r.status).to.equal(1);
    expect(r.out).to.contain("--is_anyip: --local_ip 127.0.0.1 is an address of the namespace");
  });
});
