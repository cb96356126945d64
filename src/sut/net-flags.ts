/**
 * packetdrill's address flags (pkt-language.md §1.6) resolved to a {@link SutNetConfig}: one set
 * of defaults and one resolution rule for every SUT, so a script sees the same addresses on the
 * kernel and on the reference stack. Pure: no I/O.
 */
import type { IpVersion, SutNetConfig } from "./sut.ts";

/** packetdrill-style flags; anything left out takes the default for the IP version. */
export interface NetFlags {
  readonly ipVersion: IpVersion;
  readonly localIp?: string;
  /** `a` or `a/len`. */
  readonly remoteIp?: string;
  readonly gatewayIp?: string;
  readonly netmaskIp?: string;
  readonly mtu?: number;
  /** `--speed`, Mbps. */
  readonly speed?: number;
  /** `--is_anyip`. */
  readonly anyIp?: boolean;
  readonly bindPort?: number;
  readonly connectPort?: number;
  readonly device?: string;
}

/**
 * Fixed defaults. packetdrill picks a random local address; a fixed one keeps runs reproducible
 * (several runs never collide: each has its own namespace).
 */
const DEFAULTS = {
  v4: { localIp: "192.168.0.2", remoteIp: "192.0.2.1/24", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0" },
  v6: { localIp: "fd3d:fa7b:d17d::2", remoteIp: "2001:db8::1/32", gatewayIp: "fd3d:fa7b:d17d:8888::", netmaskIp: "255.255.0.0" },
} as const;

/** Prefix length of a dotted IPv4 netmask, or null when it is not contiguous. */
export function netmaskPrefixLen(mask: string): number | null {
  const parts = mask.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  const bits = parts.reduce((acc, p) => acc * 256 + p, 0);
  const len = 32 - Math.log2(2 ** 32 - bits);
  return Number.isInteger(len) ? len : null;
}

function splitPrefix(text: string, defaultLen: number): { ip: string; len: number } {
  const [ip = "", len] = text.split("/");
  return { ip, len: len === undefined ? defaultLen : Number(len) };
}

/** Resolve flags to a full {@link SutNetConfig}. Throws RangeError on a malformed netmask. */
export function resolveNetConfig(flags: NetFlags): SutNetConfig {
  const v6 = flags.ipVersion === "ipv6";
  const d = v6 ? DEFAULTS.v6 : DEFAULTS.v4;
  // packetdrill: an address given without `/len` is a host route (`ip route change 192.0.2.1 …` in
  // gpd's mtu_probe scripts needs that exact route); only the built-in default is a prefix.
  const remote = splitPrefix(flags.remoteIp ?? d.remoteIp, v6 ? 128 : 32);
  const netmaskIp = flags.netmaskIp ?? d.netmaskIp;
  const localPrefixLen = v6 ? 48 : netmaskPrefixLen(netmaskIp);
  if (localPrefixLen === null) throw new RangeError(`netmask '${netmaskIp}' is not a contiguous mask`);
  const localIp = flags.localIp ?? d.localIp;
  const mapped = flags.ipVersion === "ipv4-mapped-ipv6";
  return {
    ipVersion: flags.ipVersion, wireFamily: v6 ? 6 : 4, socketFamily: flags.ipVersion === "ipv4" ? "inet" : "inet6",
    localIp, remoteIp: remote.ip,
    socketLocalIp: mapped ? `::ffff:${localIp}` : localIp,
    socketRemoteIp: mapped ? `::ffff:${remote.ip}` : remote.ip,
    remotePrefixLen: remote.len, gatewayIp: flags.gatewayIp ?? d.gatewayIp, netmaskIp, localPrefixLen,
    mtu: flags.mtu ?? 1500, device: flags.device ?? "tun0",
    bindPort: flags.bindPort ?? 8080, connectPort: flags.connectPort ?? 8080,
    ...(flags.speed === undefined ? {} : { speedMbps: flags.speed }),
    ...(flags.anyIp === true ? { anyIp: true } : {}),
  };
}
