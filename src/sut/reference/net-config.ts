/**
 * The network of one reference-SUT run: packetdrill's address flags (pkt-language.md §1.6)
 * resolved to a {@link SutNetConfig}, with the same fixed defaults as the kernel SUT so one
 * script sees the same addresses on both. Pure: no I/O, no device (the reference stack has none).
 */
import { formatIpAddress, parseIpAddress } from "../../wire/address.ts";
import { resolveNetConfig, type NetFlags } from "../net-flags.ts";
import type { SutNetConfig } from "../sut.ts";

/** packetdrill-style flags of a reference run; anything left out takes the default of the IP version. */
export type ReferenceNetFlags = Omit<NetFlags, "device">;

/** Resolves flags to a full {@link SutNetConfig} (device `ref0`), exactly as the kernel SUT does. */
export function referenceNetConfig(flags: ReferenceNetFlags): SutNetConfig {
  return resolveNetConfig({ ...flags, device: "ref0" });
}

/** `a.b.c.d` + n in the last byte (IPv6: the last 16 bits), as packetdrill allocates extra addresses. */
export function addressPlus(ip: string, n: number): string {
  const a = parseIpAddress(ip);
  if (!a) return ip;
  const b = new Uint8Array(a);
  const i = b.length - 1;
  b[i] = ((b[i] ?? 0) + n) & 0xff;
  return formatIpAddress(b);
}

/** A socket address as the wire sees it: `::ffff:a.b.c.d` → `a.b.c.d`, `::` stays any. */
export function wireAddress(text: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return m?.[1] ?? text;
}

/** A wire address as a socket of `family` reports it (v4 on an inet6 socket is v4-mapped). */
export function socketAddress(wire: string, family: "inet" | "inet6"): string {
  return family === "inet6" && !wire.includes(":") ? `::ffff:${wire}` : wire;
}
