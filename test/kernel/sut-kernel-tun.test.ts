/**
 * The kernel SUT on the live kernel, SUT level: these tests drive KernelTunSut method by method
 * through a test-only host (test/support/sut-host/: one child per IP variant in its own namespace,
 * started by production's spawnScriptHost), covering packets through tun0, syscalls through koffi,
 * commands, and cleanup. The production runner path (script hosts running whole jobs) is tested in
 * run-in-host.test.ts and warm-up.test.ts. Needs root and /dev/net/tun.
 */
import { expect } from "chai";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { IpVersion, OutboundPacket, SyscallReturned, SysValue } from "../../src/sut/sut.ts";
import { HostSupervisor } from "../../src/runner/host-process.ts";
import { CORPUS_PRESETS, packetdrillEnv, resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import { emitPacket, packet, parseIpAddress, parsePacket, type TcpOption, type TcpRepr } from "../../src/wire/index.ts";
import { openRemoteKernelSut, type RemoteKernelSut } from "../support/sut-host/remote-kernel-sut.ts";

const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun");
const scriptDir = fileURLToPath(new URL(".", import.meta.url));
const int = (value: number): SysValue => ({ kind: "int", value });

async function call(sut: RemoteKernelSut, name: string, args: SysValue[], blocking = false): Promise<SyscallReturned> {
  const r = await sut.syscall({ name: name as "socket", args, blocking }).result;
  if (r.kind !== "returned") throw new Error(r.message);
  return r;
}

function tcpIn(sut: RemoteKernelSut, tcp: Partial<TcpRepr>): Uint8Array {
  const src = parseIpAddress(sut.net.remoteIp)!;
  const dst = parseIpAddress(sut.net.localIp)!;
  const ip = sut.net.wireFamily === 4
    ? { kind: "ipv4" as const, tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 255, protocol: 6, src, dst, options: new Uint8Array() }
    : { kind: "ipv6" as const, trafficClass: 0, flowLabel: 0, hopLimit: 255, nextHeader: 6, src, dst, extensions: [] };
  return emitPacket(packet(ip, { kind: "tcp", srcPort: 40000, dstPort: 8080, seq: 0 as never, ack: 0 as never, flags: 0x02, window: 65535, urgent: 0, options: [], ...tcp }));
}

/** The next outbound TCP segment (skipping anything else), within 1 s. */
async function nextTcp(sut: RemoteKernelSut): Promise<{ p: OutboundPacket; tcp: TcpRepr }> {
  for (;;) {
    const p = await sut.nextOutbound(sut.now() + 1_000_000);
    if (p === null) throw new Error("no outbound packet within 1 s");
    const r = parsePacket(p.bytes);
    if (r.ok && r.value.l4.kind === "tcp") return { p, tcp: r.value.l4 };
  }
}

async function listener(sut: RemoteKernelSut, proto: number): Promise<number> {
  const fam = sut.net.socketFamily === "inet" ? 2 : 10;
  const fd = (await call(sut, "socket", [int(fam), int(1), int(proto)])).ret;
  expect(fd).to.be.greaterThan(2);
  expect((await call(sut, "bind", [int(fd), { kind: "sockaddr", family: sut.net.socketFamily, address: sut.net.socketLocalIp, port: 8080 }])).ret).to.equal(0);
  expect((await call(sut, "listen", [int(fd), int(4)])).ret).to.equal(0);
  return fd;
}

const SYN_OPTS: TcpOption[] = [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "nop" }, { kind: "wscale", shift: 7 }];

function processesWith(text: string): number[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "latin1").includes(text);
    } catch {
      return false;
    }
  }).map(Number);
}

(canRun ? describe : describe.skip)("kernel SUT (tun0 in a per-script namespace)", function () {
  this.timeout(20_000);
  const sup = new HostSupervisor();
  const hosts = new Map<IpVersion, RemoteKernelSut>();

  before(async () => {
    const variants: IpVersion[] = ["ipv4", "ipv6", "ipv4-mapped-ipv6"];
    await Promise.all(variants.map(async (v) => {
      const preset = CORPUS_PRESETS.mpd[v];
      const net = resolveNetConfig(preset.flags);
      const commandEnv = packetdrillEnv(net, { tolerance_usecs: 100000 }, preset.defines);
      hosts.set(v, await openRemoteKernelSut({ net, scriptDir, commandEnv }, { timeoutMs: 60_000 }, sup));
    }));
  });

  after(async () => {
    await Promise.all([...hosts.values()].map((h) => h.close()));
    expect(sup.livePids()).to.deep.equal([]);
  });

  for (const v of ["ipv4", "ipv6", "ipv4-mapped-ipv6"] as const) {
    it(`${v}: tun0 has the address, MTU and route of the mpd preset`, async () => {
      const sut = hosts.get(v)!;
      const r = await sut.runCommand("ip -o addr show dev tun0; ip -o link show dev tun0; ip -o route; ip -o -6 route");
      expect(r.exitCode).to.equal(0);
      expect(r.stdout).to.include(v === "ipv6" ? "fd3d:fa7b:d17d::/48" : "192.168.0.2/16");
      expect(r.stdout).to.include(v === "ipv6" ? "mtu 1520" : "mtu 1500");
      expect(r.stdout).to.include(v === "ipv6" ? "2001:db8::/32 via fd3d:fa7b:d17d:8888::" : "192.0.2.0/24 via 192.168.0.1");
      if (v !== "ipv6") expect(r.stdout).to.not.include("inet6");
    });

    it(`${v}: a SYN to a listening TCP socket is answered by a SYN/ACK`, async () => {
      const sut = hosts.get(v)!;
      const fd = await listener(sut, 6);
      const inj = await sut.inject(tcpIn(sut, { seq: 1000 as never, options: SYN_OPTS }));
      expect(inj.ok).to.equal(true);
      const { p, tcp } = await nextTcp(sut);
      expect(tcp.flags).to.equal(0x12);
      expect(tcp.ack).to.equal(1001);
      expect(p.timestampUs).to.be.greaterThan(inj.ok ? inj.timestampUs : 0);
      await sut.inject(tcpIn(sut, { seq: 1001 as never, ack: ((tcp.seq + 1) >>> 0) as never, flags: 0x04 }));
      await call(sut, "close", [int(fd)]);
    });
  }

  it("outbound packets carry the kernel's hand-over time, not the time a busy reader got to them", () => {
    const fixture = fileURLToPath(new URL("stamp-fixture.ts", import.meta.url));
    const delay = (mode: string): number => {
      const r = spawnSync("unshare", ["-n", process.execPath, "--import", "tsx", fixture, mode], { encoding: "utf8", timeout: 15_000 });
      expect(r.stderr).to.equal("");
      return Number(r.stdout.split(" ")[0]);
    };
    // The SYN/ACK leaves inside the inject's write(); the reader was busy for 30 ms.
    expect(delay("kernel")).to.be.within(0, 5000);
    expect(delay("read"), "read stamps would fail the check above").to.be.greaterThan(29_000);
  });

  it("a blocking call's return is stamped when the kernel returns it, not when a busy main thread gets to it", () => {
    const fixture = fileURLToPath(new URL("blocking-stamp-fixture.ts", import.meta.url));
    const delay = (calls: string): { us: number; settled: string } => {
      const r = spawnSync("unshare", ["-n", process.execPath, "--import", "tsx", fixture], { encoding: "utf8", timeout: 15_000, env: { ...process.env, MPD_BLOCKING_CALLS: calls } });
      expect(r.stderr).to.equal("");
      const [us, settled] = r.stdout.trim().split(" ");
      return { us: Number(us), settled: settled ?? "" };
    };
    // accept() returns inside the final ACK's write(); the main thread was then busy for 30 ms.
    const thread = delay("thread");
    expect(thread.settled).to.equal("blocked");
    expect(thread.us).to.be.within(0, 5000);
    const libuv = delay("libuv");
    expect(libuv.settled).to.equal("blocked");
    expect(libuv.us, "libuv-pool stamps would fail the check above").to.be.greaterThan(29_000);
  });

  it("an MPTCP listener answers an MP_CAPABLE SYN with MP_CAPABLE and its key", async () => {
    const sut = hosts.get("ipv4")!;
    const fd = await listener(sut, 262);
    await sut.inject(tcpIn(sut, { srcPort: 40001, options: [...SYN_OPTS, { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81 }] }));
    const { tcp } = await nextTcp(sut);
    const mpc = tcp.options.find((o) => o.kind === "mptcp");
    expect(mpc).to.include({ subtype: "mpCapable", version: 1 });
    expect((mpc as { sendersKey?: bigint }).sendersKey).to.be.a("bigint");
    await sut.inject(tcpIn(sut, { srcPort: 40001, seq: 1 as never, flags: 0x04 }));
    await call(sut, "close", [int(fd)]);
  });

  it("a blocking accept runs off-thread, reports blocking, and returns once the handshake completes", async () => {
    const sut = hosts.get("ipv4-mapped-ipv6")!;
    const fd = await listener(sut, 262);
    const acc = sut.syscall({ name: "accept", args: [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }], blocking: true });
    expect(await acc.settled).to.equal("blocked");
    const mpc = { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81 } as const;
    await sut.inject(tcpIn(sut, { srcPort: 40002, options: [...SYN_OPTS, mpc] }));
    const { tcp: synAck } = await nextTcp(sut);
    const serverKey = (synAck.options.find((o) => o.kind === "mptcp") as { sendersKey: bigint }).sendersKey;
    await sut.inject(tcpIn(sut, {
      srcPort: 40002, seq: 1 as never, ack: ((synAck.seq + 1) >>> 0) as never, flags: 0x10,
      options: [{ ...mpc, sendersKey: 0x1122334455667788n, receiversKey: serverKey }],
    }));
    const r = await acc.result;
    if (r.kind !== "returned") throw new Error(r.message);
    expect(r.ret).to.be.greaterThan(fd);
    expect(r.out[1]).to.deep.include({ kind: "sockaddr", address: "::ffff:192.0.2.1", port: 40002 });
    expect(r.endUs - r.startUs).to.be.greaterThan(0);

    const snap = await sut.snapshotTcpInfo(r.ret);
    if ("errno" in snap) throw new Error(snap.errnoName);
    expect(snap.tcpInfo["tcpi_state"]).to.equal(1);
    expect(snap.mptcpInfo["mptcpi_subflows_max"]).to.be.a("number");
    expect(snap.mptcpInfo["mptcpi_flags"]).to.equal(2);
    const gs = await call(sut, "getsockopt", [int(r.ret), int(284), int(1), { kind: "buffer", length: 256 }, { kind: "intPtr", value: 256 }]);
    expect(gs.ret).to.equal(0);
    expect(gs.out[4]).to.deep.equal({ kind: "intPtr", value: 96 });
    await call(sut, "close", [int(r.ret)]);
    await call(sut, "close", [int(fd)]);
  });

  it("getsockopt reads ints and TCP_INFO; errno names come back with texts", async () => {
    const sut = hosts.get("ipv6")!;
    const fd = (await call(sut, "socket", [int(10), int(1 | 0o4000), int(6)])).ret;
    const ti = await call(sut, "getsockopt", [int(fd), int(6), int(11), { kind: "buffer", length: 512 }, { kind: "intPtr", value: 512 }]);
    expect(ti.out[4]).to.deep.equal({ kind: "intPtr", value: 280 });
    const nd = await call(sut, "getsockopt", [int(fd), int(1), int(3), { kind: "intPtr", value: 0 }, { kind: "intPtr", value: 4 }]);
    expect(nd.out[3]).to.deep.equal({ kind: "intPtr", value: 1 });
    const rd = await call(sut, "read", [int(fd), { kind: "buffer", length: 10 }, int(10)]);
    expect(rd).to.include({ ret: -1, errnoName: "ENOTCONN", strerror: "Transport endpoint is not connected" });
    const fl = await call(sut, "fcntl", [int(fd), int(3)]);
    expect(fl.ret).to.equal(0x802);
    const bad = await call(sut, "close", [int(999)]);
    expect(bad).to.include({ ret: -1, errno: 9, errnoName: "EBADF" });
    const inv = await sut.syscall({ name: "bind", args: [int(fd), { kind: "string", value: "x" }], blocking: false }).result;
    expect(inv.kind).to.equal("invalid");
    await call(sut, "close", [int(fd)]);
  });

  it("backtick commands get packetdrill's environment in the script folder; code runs with python3", async () => {
    const sut = hosts.get("ipv4")!;
    const r = await sut.runCommand('echo "$OPT_IP_VERSION $OPT_LOCAL_IP $OPT_NETMASK_IP $OPT_LOCAL_DEV $OPT_TOLERANCE_USECS $TFO_COOKIE"; [ "$PACKETDRILL_PID" = "$PPID" ] && echo same-pid; pwd; exit 3');
    expect(r.exitCode).to.equal(3);
    expect(r.stdout.split("\n")).to.deep.equal(["ipv4 192.168.0.2 255.255.0.0 tun0 100000 de4f234f0f433a55", "same-pid", scriptDir.replace(/\/$/, ""), ""]);
    const c = await sut.runCode("import os\nprint(os.environ['OPT_LOCAL_DEV'], 6 * 7)\n");
    expect(c).to.include({ exitCode: 0, stdout: "tun0 42\n" });
  });

  it("a host past its hard timeout is killed with its command children", async () => {
    const marker = `mpd-timeout-${process.pid}`;
    const sut = await openRemoteKernelSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp" }, { timeoutMs: 6000 }, sup);
    const cmd = sut.runCommand(`sleep 300; echo ${marker}`);
    const exit = await sut.host.exited;
    expect(exit.reason).to.equal("timeout");
    await cmd.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(processesWith(marker)).to.deep.equal([]);
  });

  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    it(`${signal} to the parent leaves no host, no command child and no tun0 in the root namespace`, async () => {
      const marker = `mpd-${signal}-${process.pid}`;
      const parent = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("sut-parent-fixture.ts", import.meta.url)), marker], { stdio: ["ignore", "pipe", "inherit"] });
      const hostPid = await new Promise<number>((resolve, reject) => {
        parent.stdout.on("data", (b: Buffer) => { const m = /running (\d+)/.exec(b.toString()); if (m) resolve(Number(m[1])); });
        parent.on("exit", () => reject(new Error("fixture exited early")));
      });
      expect(processesWith(marker).length).to.be.greaterThan(0);
      parent.kill(signal);
      await new Promise((r) => parent.on("exit", r));
      const deadline = Date.now() + 3000;
      while ((processesWith(marker).length > 0 || existsSync(`/proc/${hostPid}`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(processesWith(marker)).to.deep.equal([]);
      expect(existsSync(`/proc/${hostPid}`)).to.equal(false);
      expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).to.not.match(/\d+: tun0[:@]/);
    });
  }
});
