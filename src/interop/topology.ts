/**
 * The interop topology, one of two links:
 * - `veth`: two network namespaces joined by one veth pair. The kernel namespace
 *   (`mpd-interop-k…`) holds the kernel end with two IPv4 addresses, static neighbour entries for
 *   the reference stack's two addresses, MPTCP limits and the checksum sysctl. The reference
 *   namespace (`mpd-interop-r…`) holds the other end with NO address, so its own kernel ignores
 *   the traffic and the reference stack (over libpcap) owns 10.200.x.2. Offloads are off on both
 *   ends, so the kernel's packets are MTU-sized and carry real checksums.
 * - `tun`: one namespace (`mpd-interop-t…`) with a persistent TUN device holding the kernel's two
 *   addresses; their /24 routes send 10.200.x.2 into the device, whose fd the reference stack
 *   (the worker, run in that namespace) reads and writes. No veth, no libpcap, no ARP. Without
 *   IFF_VNET_HDR the device offers no offloads, so the kernel segments and checksums itself.
 */
import { execFileSync } from "node:child_process";
import { MptcpdrillError } from "../errors.ts";
import { processAlive } from "../process-alive.ts";

/** Interface names inside their namespaces (fixed: each namespace is private). */
export const KERNEL_IF = "mpdk0";
/** The reference end of the veth pair. */
export const REF_IF = "mpdr0";
/** The TUN device of the `tun` link (in the kernel namespace). */
export const TUN_IF = "mpdt0";

/** How the reference stack reaches the kernel: libpcap on a veth pair, or a TUN device's fd. */
export type LinkKind = "veth" | "tun";
/** Both links, in run order. */
export const LINK_KINDS: readonly LinkKind[] = ["veth", "tun"];
/** The kernel's two addresses (address ID 0 for the first). */
export const KERNEL_ADDRS = ["10.200.1.1", "10.200.2.1"] as const;
/** The reference stack's two addresses. */
export const REF_ADDRS = ["10.200.1.2", "10.200.2.2"] as const;

/** A created topology; pass it to {@link destroyTopology}. */
export interface Topology {
  readonly link: LinkKind;
  readonly kernelNs: string;
  /** Where the reference stack's worker runs (the kernel namespace itself for `tun`). */
  readonly refNs: string;
  /** The kernel's interface: the veth end or the TUN device. */
  readonly kernelIf: string;
  /** MACs of the veth ends (empty for `tun`). */
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

/** Creates the namespaces and the link; `tag` makes the names unique (e.g. the pid). */
export function createTopology(tag: string, link: LinkKind = "veth"): Topology {
  return link === "tun" ? createTunTopology(tag) : createVethTopology(tag);
}

function createTunTopology(tag: string): Topology {
  const kernelNs = `mpd-interop-t${tag}`;
  const t: Topology = { link: "tun", kernelNs, refNs: kernelNs, kernelIf: TUN_IF, kernelMac: "", refMac: "" };
  destroyTopology(t);
  sh(["ip", "netns", "add", kernelNs]);
  try {
    quietNamespace(kernelNs);
    // Persistent, so its addresses and routes outlive each scenario's attach and close of the fd.
    nsSh(kernelNs, ["ip", "tuntap", "add", "dev", TUN_IF, "mode", "tun"]);
    // Like the veth end: no GSO, so the kernel hands over MTU-sized segments (not a 64 KiB skb
    // split in software with its MPTCP option copied onto every piece); and a queue long enough
    // that a burst the worker has not read yet is not dropped (the veth path has libpcap's ring).
    offloadsOff(kernelNs, TUN_IF);
    nsSh(kernelNs, ["ip", "link", "set", TUN_IF, "txqueuelen", "10000", "up"]);
    for (const a of KERNEL_ADDRS) nsSh(kernelNs, ["ip", "addr", "add", `${a}/24`, "dev", TUN_IF]);
    nsSh(kernelNs, ["ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4"]);
    return t;
  } catch (e) {
    destroyTopology(t);
    throw e;
  }
}

function createVethTopology(tag: string): Topology {
  const kernelNs = `mpd-interop-k${tag}`;
  const refNs = `mpd-interop-r${tag}`;
  const bare = { link: "veth", kernelNs, refNs, kernelIf: KERNEL_IF, kernelMac: "", refMac: "" } as const;
  destroyTopology(bare);
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
    return { ...bare, kernelMac, refMac };
  } catch (e) {
    destroyTopology(bare);
    throw e;
  }
}

/** `mpd-interop-k1234` → 1234: the pid of the run that owns a namespace (the tag is the pid). */
export function ownerPid(ns: string): number | null {
  const m = /^mpd-interop-[ktr](\d+)$/.exec(ns);
  return m === null ? null : Number(m[1]);
}

/**
 * Removes the namespaces of interop runs that are gone: a run killed with SIGKILL could not remove
 * its own. A namespace is stale when the pid in its name no longer runs; the processes still in it
 * are killed first, then it is deleted (its veth pair or TUN device goes with it). Never throws.
 * Returns the names removed.
 */
export function reapStaleTopologies(): string[] {
  const removed: string[] = [];
  const list = sh(["ip", "-j", "netns", "list"], { allowFail: true });
  let names: string[] = [];
  try {
    names = (JSON.parse(list.trim() === "" ? "[]" : list) as Array<{ name: string }>).map((n) => n.name);
  } catch {
    return removed;
  }
  for (const ns of names) {
    const pid = ownerPid(ns);
    if (pid === null || pid === process.pid || processAlive(pid)) continue;
    for (const p of sh(["ip", "netns", "pids", ns], { allowFail: true }).split(/\s+/).filter((x) => /^\d+$/.test(x))) {
      try {
        process.kill(Number(p), "SIGKILL");
      } catch {
        // gone already
      }
    }
    sh(["ip", "netns", "del", ns], { allowFail: true });
    removed.push(ns);
  }
  return removed;
}

/** Deletes the namespaces (the veth pair or TUN device goes with them). Never throws. */
export function destroyTopology(t: Topology): void {
  sh(["ip", "netns", "del", t.kernelNs], { allowFail: true });
  if (t.refNs !== t.kernelNs) sh(["ip", "netns", "del", t.refNs], { allowFail: true });
}

/** Per-scenario kernel settings: the checksum sysctl and the endpoints to announce. */
export function configureKernel(t: Topology, opts: { checksum: boolean; signal: readonly string[] }): void {
  nsSh(t.kernelNs, ["sysctl", "-qw", `net.mptcp.checksum_enabled=${opts.checksum ? 1 : 0}`]);
  nsSh(t.kernelNs, ["ip", "mptcp", "endpoint", "flush"]);
  for (const a of opts.signal) nsSh(t.kernelNs, ["ip", "mptcp", "endpoint", "add", a, "dev", t.kernelIf, "signal"]);
}
