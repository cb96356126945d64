/**
 * The network of one reference-SUT run: packetdrill's address flags (pkt-language.md §1.6)
 * resolved to a {@link SutNetConfig}, with the same fixed defaults as the kernel SUT so one
 * script sees the same addresses on both. Pure: no I/O, no device (the reference stack has none).
 */
import { formatIpAddress, parseIpAddress } from "../../wire/address.ts";
import type { IpVersion, SutNetConfig } from "../sut.ts";

/** packetdrill-style flags of a reference run; anything left out takes the default of the IP version. */
export interface ReferenceNetFlags {
  readonly ipVersion: IpVersion;
  readonly localIp?: string;
  /** `a` or `a/len`. */
  readonly remoteIp?: string;
  readonly gatewayIp?: string;
  readonly netmaskIp?: string;
  readonly mtu?: number;
  readonly bindPort?: number;
  readonly connectPort?: number;
}

const DEFAULTS = {
  v4: { localIp: "192.168.0.2", remoteIp: "192.0.2.1/24", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0", prefix: 16 },
  v6: { localIp: "fd3d:fa7b:d17d::2", remoteIp: "2001:db8::1/32", gatewayIp: "fd3d:fa7b:d17d:8888::", netmaskIp: "255.255.0.0", prefix: 48 },
} as const;

/** Resolves flags to a full {@link SutNetConfig} (device `ref0`). */
export function referenceNetConfig(flags: ReferenceNetFlags): SutNetConfig {
  const v6 = flags.ipVersion === "ipv6";
  const d = v6 ? DEFAULTS.v6 : DEFAULTS.v4;
  const [remoteIp = "", len] = (flags.remoteIp ?? d.remoteIp).split("/");
  const localIp = flags.localIp ?? d.localIp;
  const mapped = flags.ipVersion === "ipv4-mapped-ipv6";
  return {
    ipVersion: flags.ipVersion, wireFamily: v6 ? 6 : 4, socketFamily: flags.ipVersion === "ipv4" ? "inet" : "inet6",
    localIp, remoteIp, socketLocalIp: mapped ? `::ffff:${localIp}` : localIp, socketRemoteIp: mapped ? `::ffff:${remoteIp}` : remoteIp,
    remotePrefixLen: len === undefined ? (v6 ? 32 : 24) : Number(len), gatewayIp: flags.gatewayIp ?? d.gatewayIp,
    netmaskIp: flags.netmaskIp ?? d.netmaskIp, localPrefixLen: d.prefix, mtu: flags.mtu ?? 1500, device: "ref0",
    bindPort: flags.bindPort ?? 8080, connectPort: flags.connectPort ?? 8080,
  };
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
