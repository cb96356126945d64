/**
 * The interop topology: two network namespaces joined by one veth pair. The kernel namespace
 * (`mpd-interop-k…`) holds the kernel end with two IPv4 addresses, static neighbour entries for
 * the reference stack's two addresses, MPTCP limits and the checksum sysctl. The reference
 * namespace (`mpd-interop-r…`) holds the other end with NO address, so its own kernel ignores the
 * traffic and the reference stack (over libpcap) owns 10.200.x.2. Offloads are off on both ends,
 * so the kernel's packets are MTU-sized and carry real checksums.
 */
import { execFileSync } from "node:child_process";
import { MptcpdrillError } from "../errors.ts";

/** Interface names inside their namespaces (fixed: each namespace is private). */
export const KERNEL_IF = "mpdk0";
/** The reference end of the veth pair. */
export const REF_IF = "mpdr0";
/** The kernel's two addresses (address ID 0 for the first). */
export const KERNEL_ADDRS = ["10.200.1.1", "10.200.2.1"] as const;
/** The reference stack's two addresses. */
export const REF_ADDRS = ["10.200.1.2", "10.200.2.2"] as const;

/** A created topology; pass it to {@link destroyTopology}. */
export interface Topology {
  readonly kernelNs: string;
  readonly refNs: string;
  readonly kernelMac: string;
  readonly refMac: string;
}

/** Runs a command and returns its stdout; throws MPD_ERR_NETNS with stderr on failure. */
export function sh(argv: readonly string[], opts: { allowFail?: boolean } = {}): string {
  const [cmd, ...args] = argv;
  try {
    return execFileSync(cmd as string, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (opts.allowFail) return "";
    const err = e as { stderr?: string; message: string };
    throw new MptcpdrillError("MPD_ERR_NETNS", `${argv.join(" ")}: ${(err.stderr ?? err.message).trim()}`, { cause: e });
  }
}

/** Runs `argv` inside namespace `ns`. */
export function nsSh(ns: string, argv: readonly string[], opts: { allowFail?: boolean } = {}): string {
  return sh(["ip", "netns", "exec", ns, ...argv], opts);
}

function macOf(ns: string, dev: string): string {
  const j = JSON.parse(nsSh(ns, ["ip", "-j", "link", "show", dev])) as Array<{ address: string }>;
  const mac = j[0]?.address;
  if (!mac) throw new MptcpdrillError("MPD_ERR_NETNS", `no MAC on ${dev} in ${ns}`);
  return mac;
}

function quietNamespace(ns: string): void {
  nsSh(ns, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
  nsSh(ns, ["ip", "link", "set", "lo", "up"]);
}

/** Turns offloads off so the kernel sends MTU-sized segments with computed checksums. */
function offloadsOff(ns: string, dev: string): void {
  nsSh(ns, ["ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off"], { allowFail: true });
}

/** Creates both namespaces and the veth pair; `tag` makes the names unique (e.g. the pid). */
export function createTopology(tag: string): Topology {
  const kernelNs = `mpd-interop-k${tag}`;
  const refNs = `mpd-interop-r${tag}`;
  destroyTopology({ kernelNs, refNs, kernelMac: "", refMac: "" });
  sh(["ip", "netns", "add", kernelNs]);
  sh(["ip", "netns", "add", refNs]);
  try {
    quietNamespace(kernelNs);
    quietNamespace(refNs);
    sh(["ip", "link", "add", KERNEL_IF, "netns", kernelNs, "type", "veth", "peer", "name", REF_IF, "netns", refNs]);
    for (const [ns, dev] of [[kernelNs, KERNEL_IF], [refNs, REF_IF]] as const) {
      offloadsOff(ns, dev);
      nsSh(ns, ["ip", "link", "set", dev, "up"]);
    }
    const kernelMac = macOf(kernelNs, KERNEL_IF);
    const refMac = macOf(refNs, REF_IF);
    KERNEL_ADDRS.forEach((a, i) => {
      nsSh(kernelNs, ["ip", "addr", "add", `${a}/24`, "dev", KERNEL_IF]);
      // Static neighbours: the reference stack never has to answer ARP.
      nsSh(kernelNs, ["ip", "neigh", "replace", REF_ADDRS[i] as string, "lladdr", refMac, "dev", KERNEL_IF, "nud", "permanent"]);
    });
    nsSh(kernelNs, ["ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4"]);
    return { kernelNs, refNs, kernelMac, refMac };
  } catch (e) {
    destroyTopology({ kernelNs, refNs, kernelMac: "", refMac: "" });
    throw e;
  }
}

/** Deletes both namespaces (the veth pair goes with them). Never throws. */
export function destroyTopology(t: Topology): void {
  sh(["ip", "netns", "del", t.kernelNs], { allowFail: true });
  sh(["ip", "netns", "del", t.refNs], { allowFail: true });
}

/** Per-scenario kernel settings: the checksum sysctl and the endpoints to announce. */
export function configureKernel(t: Topology, opts: { checksum: boolean; signal: readonly string[] }): void {
  nsSh(t.kernelNs, ["sysctl", "-qw", `net.mptcp.checksum_enabled=${opts.checksum ? 1 : 0}`]);
  nsSh(t.kernelNs, ["ip", "mptcp", "endpoint", "flush"]);
  for (const a of opts.signal) nsSh(t.kernelNs, ["ip", "mptcp", "endpoint", "add", a, "dev", KERNEL_IF, "signal"]);
}
