/**
 * Dev tool: how far an outbound packet's timestamp lies from the moment the kernel sent it, for
 * the two stamping modes of the kernel SUT (docs/kernel-sut.md, "Measured here"). Needs root and
 * a private network namespace:
 *
 *   unshare -n node --import tsx scripts/measure-outbound-stamps.ts [N]
 *
 * For N SYNs to a listener it measures SYN/ACK stamp − SYN inject stamp (the kernel answers inside
 * the inject's write(), so the true value is a few µs) while the reader is not waiting: "idle" =
 * the event loop sleeps 5 ms on a timer, "busy" = the main thread computes for 3 ms (an interpreter
 * or another job's work) before it asks for the packet.
 */
import { openKernelTunSut } from "../src/sut/kernel-tun/kernel-tun-sut.ts";
import { resolveNetConfig } from "../src/sut/kernel-tun/net-config.ts";
import type { Sut, SysValue } from "../src/sut/sut.ts";
import { emitPacket, packet, parseIpAddress, parsePacket } from "../src/wire/index.ts";

const N = Number(process.argv[2] ?? "300");
const int = (value: number): SysValue => ({ kind: "int", value });

function syn(sut: Sut, port: number): Uint8Array {
  const ip = {
    kind: "ipv4" as const, tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 6,
    src: parseIpAddress(sut.net.remoteIp)!, dst: parseIpAddress(sut.net.localIp)!, options: new Uint8Array(),
  };
  return emitPacket(packet(ip, { kind: "tcp", srcPort: port, dstPort: 8080, seq: 1 as never, ack: 0 as never, flags: 0x02, window: 65535, urgent: 0, options: [{ kind: "mss", mss: 1460 }] }));
}

async function synAckFor(sut: Sut, port: number): Promise<number> {
  for (;;) {
    const p = await sut.nextOutbound(sut.now() + 1_000_000);
    if (p === null) throw new Error("no SYN/ACK");
    const r = parsePacket(p.bytes);
    if (r.ok && r.value.l4.kind === "tcp" && r.value.l4.dstPort === port && r.value.l4.flags === 0x12) return p.timestampUs;
  }
}

function percentiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs, max ${s[s.length - 1]} µs`;
}

async function measure(mode: "read" | "kernel", wait: "idle" | "busy"): Promise<string> {
  const sut = openKernelTunSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp", outboundStamps: mode });
  const call = async (name: "socket" | "bind" | "listen", args: SysValue[]): Promise<number> => {
    const r = await sut.syscall({ name, args, blocking: false }).result;
    return r.kind === "returned" ? r.ret : -1;
  };
  const fd = await call("socket", [int(2), int(1), int(6)]);
  await call("bind", [int(fd), { kind: "sockaddr", family: "inet", address: sut.net.localIp, port: 8080 }]);
  await call("listen", [int(fd), int(4096)]);
  const deltas: number[] = [];
  for (let i = 0; i < N; i++) {
    const port = 20000 + i;
    const out = await sut.inject(syn(sut, port));
    if (!out.ok) throw new Error(out.message);
    if (wait === "idle") await new Promise((r) => setTimeout(r, 5));
    else for (const end = sut.now() + 3000; sut.now() < end;) Math.sqrt(Math.random());
    deltas.push((await synAckFor(sut, port)) - out.timestampUs);
  }
  await sut.close();
  return `${mode.padEnd(6)} ${wait}: ${percentiles(deltas)}${sut.notes.length > 0 ? ` (notes: ${sut.notes.join("; ")})` : ""}`;
}

for (const wait of ["idle", "busy"] as const) {
  for (const mode of ["read", "kernel"] as const) process.stdout.write(`${await measure(mode, wait)}\n`);
}
