// Test fixture for sut-kernel-tun.test.ts (run under `unshare -n`): opens the kernel SUT in this
// process, blocks in accept() on a listener, completes the handshake with two injected packets,
// keeps the main thread busy for 30 ms, then prints `<accept return stamp − final ACK inject stamp
// in µs>`. With MPD_BLOCKING_CALLS=libuv the call runs on a libuv worker instead of the
// blocking-call thread (the busy main thread then delays the stamp).
import { blockingThread } from "../../src/sut/kernel-tun/blocking-thread.ts";
import { openKernelTunSut } from "../../src/sut/kernel-tun/kernel-tun-sut.ts";
import { resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import type { SysValue } from "../../src/sut/sut.ts";
import { emitPacket, packet, parseIpAddress, parsePacket } from "../../src/wire/index.ts";

const sut = openKernelTunSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp" });
// Until the thread is up, blocking calls take the fallback; the script host waits the same way.
await blockingThread().ready;
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
const tcp = (seq: number, ack: number, flags: number): Uint8Array =>
  emitPacket(packet(ip, { kind: "tcp", srcPort: 40000, dstPort: 8080, seq: seq as never, ack: ack as never, flags, window: 65535, urgent: 0, options: [] }));
const acc = sut.syscall({ name: "accept", args: [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }], blocking: true });
const settled = await acc.settled;
await sut.inject(tcp(1, 0, 0x02));
const synAck = await sut.nextOutbound(sut.now() + 1_000_000);
const parsed = synAck === null ? null : parsePacket(synAck.bytes);
const l4 = parsed?.ok ? parsed.value.l4 : null;
if (l4?.kind !== "tcp") throw new Error("no SYN/ACK");
const inj = await sut.inject(tcp(2, (l4.seq + 1) >>> 0, 0x10));
for (const end = sut.now() + 30_000; sut.now() < end;) Math.sqrt(Math.random());
const out = await acc.result;
if (out.kind !== "returned" || out.ret < 0 || !inj.ok) throw new Error(`accept failed: ${JSON.stringify(out)}`);
process.stdout.write(`${out.endUs - inj.timestampUs} ${settled}\n`);
await sut.close();
