// Test fixture for sut-kernel-tun.test.ts (run under `unshare -n`): opens the kernel SUT in this
// process with the stamping mode argv[2], injects a SYN to a listener, keeps the main thread busy
// for 30 ms, then reads the SYN/ACK and prints `<SYN/ACK stamp − inject stamp in µs>`.
import { openKernelTunSut } from "../../src/sut/kernel-tun/kernel-tun-sut.ts";
import { resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import type { SysValue } from "../../src/sut/sut.ts";
import { emitPacket, packet, parseIpAddress } from "../../src/wire/index.ts";

const mode = process.argv[2] === "read" ? "read" : "kernel";
const sut = openKernelTunSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp", outboundStamps: mode });
const int = (value: number): SysValue => ({ kind: "int", value });
const run = async (name: "socket" | "bind" | "listen", args: SysValue[]): Promise<number> => {
  const r = await sut.syscall({ name, args, blocking: false }).result;
  return r.kind === "returned" ? r.ret : -1;
};
const fd = await run("socket", [int(2), int(1), int(6)]);
await run("bind", [int(fd), { kind: "sockaddr", family: "inet", address: sut.net.localIp, port: 8080 }]);
await run("listen", [int(fd), int(4)]);
const ip = {
  kind: "ipv4" as const, tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 6,
  src: parseIpAddress(sut.net.remoteIp)!, dst: parseIpAddress(sut.net.localIp)!, options: new Uint8Array(),
};
const inj = await sut.inject(emitPacket(packet(ip, { kind: "tcp", srcPort: 40000, dstPort: 8080, seq: 1 as never, ack: 0 as never, flags: 0x02, window: 65535, urgent: 0, options: [] })));
for (const end = sut.now() + 30_000; sut.now() < end;) Math.sqrt(Math.random());
const p = await sut.nextOutbound(sut.now() + 1_000_000);
process.stdout.write(`${p !== null && inj.ok ? p.timestampUs - inj.timestampUs : "none"} ${sut.notes.join("; ")}\n`);
await sut.close();
