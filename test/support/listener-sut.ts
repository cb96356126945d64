/**
 * Shared set-up of the in-process kernel SUT fixtures (run under `unshare -n`): the kernel SUT
 * opened in this process (ipv4 defaults), a TCP listener on port 8080, and a builder for segments
 * from the remote peer (port 40000) to it.
 */
import { openKernelTunSut, type KernelTunConfig, type KernelTunSut } from "../../src/sut/kernel-tun/kernel-tun-sut.ts";
import { resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import type { SysValue } from "../../src/sut/sut.ts";
import { emitPacket, packet, parseIpAddress } from "../../src/wire/index.ts";

export interface ListenerSut {
  readonly sut: KernelTunSut;
  /** The listening socket. */
  readonly fd: number;
  /** A segment from the peer to the listener. */
  segment(seq: number, ack: number, flags: number): Uint8Array;
}

export const int = (value: number): SysValue => ({ kind: "int", value });

export async function openListenerSut(extra: Partial<KernelTunConfig> = {}): Promise<ListenerSut> {
  const sut = openKernelTunSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp", ...extra });
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
  const segment = (seq: number, ack: number, flags: number): Uint8Array =>
    emitPacket(packet(ip, { kind: "tcp", srcPort: 40000, dstPort: 8080, seq: seq as never, ack: ack as never, flags, window: 65535, urgent: 0, options: [] }));
  return { sut, fd, segment };
}
