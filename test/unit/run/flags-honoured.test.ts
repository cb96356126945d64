/**
 * Each implemented packetdrill flag reaches what consumes it: typed run options (interp), the
 * network config (both SUTs), the kernel SUT's config, code blocks. Every test here would fail if
 * the flag were accepted and ignored; flag-table.test.ts points at them by title.
 */
import { expect } from "chai";
import { MonotonicClock } from "../../../src/interp/clock.ts";
import { mergeDefines, runOptionsFromFlags, type FlagValues } from "../../../src/interp/run-options.ts";
import { parseScript } from "../../../src/script/parse.ts";
import { snapshotForCode } from "../../../src/interp/run-end.ts";
import { SocketTable } from "../../../src/interp/sockets.ts";
import { kernelConfig } from "../../../src/runner/host-job.ts";
import { netFlagsOf } from "../../../src/runner/net-flags-of.ts";
import type { Code, Event } from "../../../src/script/ast.ts";
import type { Libc } from "../../../src/sut/kernel-tun/libc.ts";
import { SyscallRunner } from "../../../src/sut/kernel-tun/syscall-runner.ts";
import { deviceSetupSteps } from "../../../src/sut/kernel-tun/net-config.ts";
import { resolveNetConfig } from "../../../src/sut/net-flags.ts";
import type { Sut, TcpInfoSnapshot } from "../../../src/sut/sut.ts";
import { SeededRng } from "../../../src/rng.ts";

const clock = new MonotonicClock({ now: () => 0, sleepUntil: () => Promise.resolve() } as unknown as Sut);

function options(flags: FlagValues) {
  return runOptionsFromFlags(flags, { clock, rng: new SeededRng(1), file: "f.pkt", variant: "ipv4", defines: new Map() });
}

describe("implemented flags reach their consumers", () => {
  it("--tolerance_usecs and --tolerance_percent set the timing tolerance", () => {
    expect(options({}).timing).to.include({ toleranceUsecs: 4000, tolerancePercent: 12.5 });
    expect(options({ tolerance_usecs: "25000", tolerance_percent: "0" }).timing).to.include({ toleranceUsecs: 25000, tolerancePercent: 0 });
  });
  it("--strict_segments, --tcp_ts_ecr_scaled, --tcp_ts_tick_usecs, --mss set the matcher's options", () => {
    expect(options({})).to.include({ strictSegments: false, tcpTsEcrScaled: false, tcpTsTickUsecs: 0, mss: 0 });
    expect(options({ strict_segments: true, tcp_ts_ecr_scaled: true, tcp_ts_tick_usecs: "1000", mss: "1000" }))
      .to.include({ strictSegments: true, tcpTsEcrScaled: true, tcpTsTickUsecs: 1000, mss: 1000 });
  });
  it("--non_fatal=packet makes packet mismatches warnings (comma or space separated, as packetdrill)", () => {
    expect(options({}).nonFatalPacket).to.equal(false);
    expect(options({ non_fatal: "syscall" }).nonFatalPacket).to.equal(false);
    expect(options({ non_fatal: "syscall, packet" }).nonFatalPacket).to.equal(true);
  });
  it("--code_sockopt is typed for the interpreter", () => {
    expect(options({}).codeSockopt).to.equal(undefined);
    expect(options({ code_sockopt: "" }).codeSockopt).to.equal(undefined);
    expect(options({ code_sockopt: "SO_MEMINFO" }).codeSockopt).to.equal("SO_MEMINFO");
  });
  it("--local_ip, --remote_ip, --gateway_ip, --netmask_ip, --mtu, --bind_port, --connect_port, --speed set the network", () => {
    const net = resolveNetConfig(netFlagsOf("ipv4", {
      local_ip: "10.1.0.5", remote_ip: "10.9.0.1/16", gateway_ip: "10.1.0.1", netmask_ip: "255.255.255.0", mtu: "1400",
      bind_port: "9001", connect_port: "9002", speed: "100",
    }));
    expect(net).to.deep.include({
      localIp: "10.1.0.5", remoteIp: "10.9.0.1", remotePrefixLen: 16, gatewayIp: "10.1.0.1", netmaskIp: "255.255.255.0", localPrefixLen: 24,
      mtu: 1400, bindPort: 9001, connectPort: 9002, speedMbps: 100,
    });
    expect(resolveNetConfig(netFlagsOf("ipv4", {})).speedMbps).to.equal(undefined);
  });
  it("--define lines of a script are defines, under -D (command line and config win)", () => {
    const parsed = parseScript("--define=KIND=SOCK_STREAM\n--define=X=\"a b\"\n0 socket(..., KIND, IPPROTO_TCP) = 3\n", "d.pkt");
    if (parsed.script === null) throw new Error("parse");
    expect(mergeDefines(parsed.script, {})).to.deep.equal({ KIND: "SOCK_STREAM", X: "\"a b\"" });
    expect(mergeDefines(parsed.script, { KIND: "SOCK_DGRAM" })).to.deep.equal({ KIND: "SOCK_DGRAM", X: "\"a b\"" });
  });
  it("--is_anyip drops the device address and the gateway from the set-up", () => {
    const steps = (flags: FlagValues) => deviceSetupSteps(resolveNetConfig(netFlagsOf("ipv4", flags)), "default").map((x) => x.argv.join(" "));
    expect(steps({})).to.deep.equal([
      "link set dev tun0 mtu 1500 up", "-4 addr add 192.168.0.2/16 dev tun0", "-4 route add 192.0.2.0/24 via 192.168.0.1 dev tun0",
    ]);
    expect(steps({ is_anyip: true })).to.deep.equal(["link set dev tun0 mtu 1500 up", "-4 route add 192.0.2.0/24 dev tun0"]);
  });
  it("--code_command and --send_omit_free reach the kernel SUT's config", () => {
    const job = { variant: "ipv4" as const, cwd: "/tmp", defines: {} };
    expect(kernelConfig(job, {})).to.deep.include({ sendOmitFree: false });
    expect(kernelConfig(job, {}).codeCommand).to.equal(undefined);
    const c = kernelConfig(job, { send_omit_free: true, code_command: "python3 -X dev" });
    expect(c).to.deep.include({ sendOmitFree: true, codeCommand: ["python3", "-X", "dev"] });
    expect(c.commandEnv).to.include({ OPT_SEND_OMIT_FREE: "1", OPT_CODE_COMMAND: "python3 -X dev" });
  });
  it("--send_omit_free keeps every send buffer until the SUT closes", () => {
    const libc = { write: (_fd: number, _b: Buffer, n: number) => n, read: () => 0, errno: () => 0 } as unknown as Libc;
    const write = { name: "write", args: [{ kind: "int", value: 3 }, { kind: "buffer", length: 10, data: null }, { kind: "int", value: 10 }], blocking: false } as const;
    const keeping = new SyscallRunner(libc, null, true);
    const freeing = new SyscallRunner(libc, null, false);
    for (const r of [keeping, freeing]) {
      r.run(write as never);
      r.run(write as never);
      r.run({ name: "read", args: [{ kind: "int", value: 3 }, { kind: "buffer", length: 10, data: null }, { kind: "int", value: 10 }], blocking: false } as never);
    }
    expect(keeping.retainedSendBuffers()).to.equal(2);
    expect(freeing.retainedSendBuffers()).to.equal(0);
  });

  describe("--code_sockopt keeps one getsockopt's names in code blocks", () => {
    const snap: TcpInfoSnapshot = {
      tcpInfo: { tcpi_rtt: 7 }, mptcpInfo: { mptcpi_subflows: 1 }, ccInfo: { bbr_bw_lo: 3 }, memInfo: { SK_MEMINFO_RMEM_ALLOC: 0 }, mib: {},
    } as unknown as TcpInfoSnapshot;
    const sut = { snapshotTcpInfo: () => Promise.resolve(snap) } as unknown as Sut;
    const span = { file: "f.pkt", start: { line: 3, col: 1, offset: 0 }, end: { line: 3, col: 1, offset: 0 } };
    const code = { kind: "code", text: "pass", span } as unknown as Code;
    const ev = { span } as unknown as Event;
    const program = async (sockopt?: "TCP_INFO" | "TCP_CC_INFO" | "SO_MEMINFO"): Promise<string> => {
      const fds = new SocketTable(40000, new SeededRng(1));
      fds.addSocket(3, 7, 1, 6);
      const p = await snapshotForCode(sut, fds, code, ev, sockopt);
      if (typeof p !== "string") throw new Error(JSON.stringify(p));
      return p;
    };
    it("all of them by default", async () => {
      const p = await program();
      for (const name of ["tcpi_rtt", "mptcpi_subflows", "bbr_bw_lo", "SK_MEMINFO_RMEM_ALLOC ="]) expect(p).to.contain(name);
    });
    it("TCP_INFO, TCP_CC_INFO, SO_MEMINFO each alone", async () => {
      expect(await program("TCP_INFO")).to.contain("tcpi_rtt = 7").and.contain("mptcpi_subflows").and.not.contain("bbr_bw_lo").and.not.contain("SK_MEMINFO_RMEM_ALLOC =");
      expect(await program("TCP_CC_INFO")).to.contain("bbr_bw_lo = 3").and.not.contain("tcpi_rtt");
      expect(await program("SO_MEMINFO")).to.contain("SK_MEMINFO_RMEM_ALLOC = 0").and.not.contain("tcpi_rtt").and.not.contain("bbr_bw_lo");
    });
  });
});
