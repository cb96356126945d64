/**
 * Network configuration of one kernel-SUT run: packetdrill's address flags resolved to concrete
 * values (pkt-language.md §1.6), the per-corpus presets of shared/corpus/baseline/README.md, and
 * the device set-up steps derived from them. Pure: no I/O.
 */
import type { NetFlags } from "../net-flags.ts";
import type { IpVersion, SutNetConfig } from "../sut.ts";
import { formatIpv6, parseIpv6 } from "./sockaddr.ts";

export { netmaskPrefixLen, resolveNetConfig, type NetFlags } from "../net-flags.ts";

/** The network part of `addr/len` (IPv4 or IPv6 text), as `net/len`. */
export function networkOf(ip: string, len: number): string {
  if (!ip.includes(":")) {
    const n = ip.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
    const masked = len === 0 ? 0 : Math.floor(n / 2 ** (32 - len)) * 2 ** (32 - len);
    return `${[24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256).join(".")}/${len}`;
  }
  const bytes = parseIpv6(ip) ?? new Uint8Array(16);
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return `${formatIpv6(masked)}/${len}`;
}

/** One step of device set-up: an `ip` command (argv after `ip`), and whether failure is fatal. */
export interface SetupStep {
  readonly argv: readonly string[];
  readonly fatal: boolean;
  /** Retried without the gateway when the kernel refuses it (gateway = own address). */
  readonly fallback?: readonly string[];
}

/**
 * The `ip` commands that configure the device after it exists (addresses, MTU, route). With
 * `--is_anyip` the local address stays off the device and the route has no gateway, as
 * packetdrill's set-up does (G netdev.c).
 */
export function deviceSetupSteps(net: SutNetConfig, qdisc: "default" | "pfifo"): SetupStep[] {
  const fam = net.wireFamily === 6 ? "-6" : "-4";
  const addr = [fam, "addr", "add", `${net.localIp}/${net.localPrefixLen}`, "dev", net.device];
  const route = networkOf(net.remoteIp, net.remotePrefixLen);
  const steps: SetupStep[] = [
    { argv: ["link", "set", "dev", net.device, "mtu", String(net.mtu), "up"], fatal: true },
    ...(net.anyIp === true ? [] : [{ argv: net.wireFamily === 6 ? [...addr, "nodad"] : addr, fatal: true }]),
    net.anyIp === true
      ? { argv: [fam, "route", "add", route, "dev", net.device], fatal: true }
      : {
        argv: [fam, "route", "add", route, "via", net.gatewayIp, "dev", net.device], fatal: true,
        fallback: [fam, "route", "add", route, "dev", net.device],
      },
  ];
  if (qdisc === "pfifo") steps.push({ argv: ["qdisc", "replace", "dev", net.device, "root", "pfifo"], fatal: false } as SetupStep);
  return steps;
}

/**
 * Sysctls written before the device is created, so it inherits them from `default`: IPv4 wires
 * get no IPv6 at all (no router solicitations or MLD on the device); IPv6 wires get no DAD, no
 * router solicitations and no link-local address, so addresses are usable at once.
 */
export function preDeviceSysctls(net: SutNetConfig): Record<string, string> {
  if (net.wireFamily === 4) {
    return { "net/ipv6/conf/default/disable_ipv6": "1", "net/ipv6/conf/all/disable_ipv6": "1" };
  }
  return {
    "net/ipv6/conf/default/accept_dad": "0", "net/ipv6/conf/default/dad_transmits": "0",
    "net/ipv6/conf/default/router_solicitations": "0", "net/ipv6/conf/default/addr_gen_mode": "1",
    "net/ipv6/conf/default/accept_ra": "0",
  };
}

/** Corpus presets (shared/corpus/baseline/README.md): flags and defines per variant. */
export const CORPUS_PRESETS: Readonly<Record<"gpd" | "mpd", Readonly<Record<IpVersion, { flags: NetFlags; defines: Readonly<Record<string, string>> }>>>> = {
  gpd: {
    ipv4: {
      flags: { ipVersion: "ipv4", localIp: "192.168.0.1", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0", remoteIp: "192.0.2.1" },
      defines: { TFO_COOKIE: "3021b9d889017eeb", CODE: "host_unreachable", CMSG_LEVEL_IP: "SOL_IP", CMSG_TYPE_RECVERR: "IP_RECVERR" },
    },
    ipv6: {
      flags: { ipVersion: "ipv6", mtu: 1520, localIp: "fd3d:0a0b:17d6::1", gatewayIp: "fd3d:0a0b:17d6:8888::1", remoteIp: "fd3d:fa7b:d17d::1" },
      defines: { TFO_COOKIE: "c1d1e9742a47a9bc", CMSG_LEVEL_IP: "SOL_IPV6", CMSG_TYPE_RECVERR: "IPV6_RECVERR" },
    },
    "ipv4-mapped-ipv6": {
      flags: { ipVersion: "ipv4-mapped-ipv6", localIp: "192.168.0.1", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0", remoteIp: "192.0.2.1" },
      defines: { TFO_COOKIE: "3021b9d889017eeb", CODE: "host_unreachable", CMSG_LEVEL_IP: "SOL_IPV6", CMSG_TYPE_RECVERR: "IPV6_RECVERR" },
    },
  },
  mpd: {
    ipv4: {
      flags: { ipVersion: "ipv4", localIp: "192.168.0.2", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0", remoteIp: "192.0.2.1/24" },
      defines: { TFO_COOKIE: "de4f234f0f433a55", CMSG_LEVEL_IP: "SOL_IP", CMSG_TYPE_RECVERR: "IP_RECVERR" },
    },
    ipv6: {
      flags: { ipVersion: "ipv6", mtu: 1520, localIp: "fd3d:fa7b:d17d::0", gatewayIp: "fd3d:fa7b:d17d:8888::0", remoteIp: "2001:DB8::1/32" },
      defines: { TFO_COOKIE: "6aa6ae70c288023b", CMSG_LEVEL_IP: "SOL_IPV6", CMSG_TYPE_RECVERR: "IPV6_RECVERR" },
    },
    "ipv4-mapped-ipv6": {
      flags: { ipVersion: "ipv4-mapped-ipv6", localIp: "192.168.0.2", gatewayIp: "192.168.0.1", netmaskIp: "255.255.0.0", remoteIp: "192.0.2.1/24" },
      defines: { TFO_COOKIE: "de4f234f0f433a55", CMSG_LEVEL_IP: "SOL_IPV6", CMSG_TYPE_RECVERR: "IPV6_RECVERR" },
    },
  },
};

/**
 * packetdrill's environment for backtick commands (pkt-language.md §7): `OPT_<FLAG>` for every
 * flag (booleans as 0/1), `OPT_LOCAL_DEV`, and every define. `PACKETDRILL_PID` is added by the
 * host process at run time.
 */
export function packetdrillEnv(
  net: SutNetConfig,
  flags: Readonly<Record<string, string | number | boolean>>,
  defines: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {
    OPT_IP_VERSION: net.ipVersion, OPT_LOCAL_IP: net.localIp, OPT_REMOTE_IP: net.remoteIp,
    OPT_GATEWAY_IP: net.gatewayIp, OPT_NETMASK_IP: net.netmaskIp, OPT_MTU: String(net.mtu),
    OPT_BIND_PORT: String(net.bindPort), OPT_CONNECT_PORT: String(net.connectPort), OPT_LOCAL_DEV: net.device,
    OPT_TOLERANCE_USECS: "4000",
  };
  for (const [k, v] of Object.entries(flags)) {
    env[`OPT_${k.toUpperCase().replace(/-/g, "_")}`] = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
  }
  return { ...env, ...defines };
}
