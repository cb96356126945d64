/**
 * Bringing up the script's private network namespace: checks (root, fresh namespace, TUN), the
 * pre-device sysctls, `lo`, the TUN device, then addresses, MTU and the route exactly as
 * packetdrill configures them (pkt-language.md §1.6; shared/corpus/baseline/README.md).
 *
 * Must run inside a namespace created for this process (`unshare -n`): it refuses to touch the
 * machine's initial namespace.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { MptcpdrillError } from "../../errors.ts";
import type { SutNetConfig } from "../sut.ts";
import type { Libc } from "./libc.ts";
import { deviceSetupSteps, preDeviceSysctls, type SetupStep } from "./net-config.ts";
import { openTunDevice, type TunDevice } from "./tun-device.ts";

/** Fail with a stable code unless we are root in a private network namespace with TUN support. */
export function checkEnvironment(): void {
  if (process.getuid?.() !== 0) {
    throw new MptcpdrillError("MPD_ERR_NOT_ROOT", "the kernel SUT needs root (CAP_NET_ADMIN) to create a TUN device and a network namespace");
  }
  if (!existsSync("/dev/net/tun")) {
    throw new MptcpdrillError("MPD_ERR_TUN_OPEN", "/dev/net/tun is missing: load the tun module or run on a kernel with TUN support");
  }
  let own: string;
  try {
    own = readlinkSync("/proc/self/ns/net");
  } catch (e) {
    throw new MptcpdrillError("MPD_ERR_NETNS", `cannot read /proc/self/ns/net: ${String(e)}`, { cause: e });
  }
  const outer = outerNamespaces();
  if (outer.length === 0 || outer.includes(own)) {
    throw new MptcpdrillError("MPD_ERR_NETNS", "refusing to configure a network namespace this process does not own: the script host must run under `unshare -n`");
  }
}

/**
 * Namespaces that are not ours to configure: the one the spawning parent recorded in
 * MPD_HOST_NETNS, the parent process's, and init's (whichever /proc lets us read).
 */
function outerNamespaces(): string[] {
  const found: string[] = [];
  const fromEnv = process.env["MPD_HOST_NETNS"];
  if (fromEnv) found.push(fromEnv);
  for (const pid of [process.ppid, 1]) {
    try {
      found.push(readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      // unreadable (ptrace restrictions): rely on the others
    }
  }
  return found;
}

function ip(argv: readonly string[]): { ok: boolean; stderr: string } {
  const r = spawnSync("ip", argv, { encoding: "utf8" });
  if (r.error) throw new MptcpdrillError("MPD_ERR_TOOL_MISSING", `cannot run 'ip' (iproute2): ${r.error.message}`, { cause: r.error });
  return { ok: r.status === 0, stderr: r.stderr.trim() };
}

/**
 * `--speed`: `ethtool -s DEV speed N autoneg off` while the device is still down (packetdrill
 * runs the same command, then takes the device down and up so TCP reads the new speed; here the
 * device comes up after this). Throws MPD_ERR_TOOL_MISSING without ethtool, MPD_ERR_NETNS when it
 * refuses.
 */
function setLinkSpeed(device: string, mbps: number): void {
  const argv = ["-s", device, "speed", String(mbps), "autoneg", "off"];
  const r = spawnSync("ethtool", argv, { encoding: "utf8" });
  if (r.error) throw new MptcpdrillError("MPD_ERR_TOOL_MISSING", `--speed needs ethtool: cannot run it: ${r.error.message}`, { cause: r.error });
  if (r.status !== 0) throw new MptcpdrillError("MPD_ERR_NETNS", `'ethtool ${argv.join(" ")}' failed: ${r.stderr.trim()}`);
}

/**
 * `--is_anyip` needs a local address that is not an address of the namespace (G netdev.c refuses
 * it too: the point is to receive for an address no device has). Throws MPD_ERR_NETNS.
 */
function checkAnyIpRemote(net: SutNetConfig): void {
  const r = spawnSync("ip", ["-o", "addr", "show", "to", net.localIp], { encoding: "utf8" });
  if (r.error) throw new MptcpdrillError("MPD_ERR_TOOL_MISSING", `cannot run 'ip' (iproute2): ${r.error.message}`, { cause: r.error });
  if (r.stdout.trim() !== "") throw new MptcpdrillError("MPD_ERR_NETNS", `--is_anyip: --local_ip ${net.localIp} is an address of the namespace; anyip needs one no device has`);
}

function runStep(step: SetupStep): string | null {
  const r = ip(step.argv);
  if (r.ok) return null;
  if (step.fallback && ip(step.fallback).ok) return `'ip ${step.argv.join(" ")}' refused (${r.stderr}); used 'ip ${step.fallback.join(" ")}'`;
  if (step.fatal) throw new MptcpdrillError("MPD_ERR_NETNS", `'ip ${step.argv.join(" ")}' failed: ${r.stderr}`);
  return `'ip ${step.argv.join(" ")}' failed: ${r.stderr}`;
}

/**
 * Runs `steps` through one `ip -batch -` process instead of one `ip` per step (each start costs
 * 3–5 ms); `ip` stops at the first failing line and names it (`Command failed -:N`), so that step
 * goes through {@link runStep} (its fallback, its fatality) and the batch goes on after it.
 */
function runSteps(steps: readonly SetupStep[], notes: string[]): void {
  let rest = steps;
  while (rest.length > 0) {
    const r = spawnSync("ip", ["-batch", "-"], { encoding: "utf8", input: `${rest.map((s) => s.argv.join(" ")).join("\n")}\n` });
    if (r.error) throw new MptcpdrillError("MPD_ERR_TOOL_MISSING", `cannot run 'ip' (iproute2): ${r.error.message}`, { cause: r.error });
    if (r.status === 0) return;
    const failed = Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? "0");
    if (failed < 1 || failed > rest.length) {
      // Not a per-line failure report: fall back to one process per step.
      for (const step of rest) {
        const note = runStep(step);
        if (note !== null) notes.push(note);
      }
      return;
    }
    const note = runStep(rest[failed - 1] as SetupStep);
    if (note !== null) notes.push(note);
    rest = rest.slice(failed);
  }
}

/** `/proc/net/ipv6_route` flag of a local route (RTF_LOCAL). */
const RTF_LOCAL = 0x80000000;
/** How long set-up waits for the local IPv6 address to become usable. */
const ADDRESS_READY_MS = 3000;

/** `2001:db8::1` → `20010db8000000000000000000000001`, the spelling of /proc/net/ipv6_route. */
export function procIpv6Spelling(address: string): string {
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const h = groups(head);
  const t = address.includes("::") ? groups(tail) : [];
  const all = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  return all.map((g) => g.padStart(4, "0")).join("");
}

/** True when `ipv6Route` (the text of /proc/net/ipv6_route) has the local /128 route of `spelled`. */
export function hasLocalRoute(ipv6Route: string, spelled: string): boolean {
  return ipv6Route.split("\n").some((line) => {
    const f = line.trim().split(/\s+/);
    return f[0] === spelled && f[1] === "80" && (parseInt(f[8] ?? "0", 16) & RTF_LOCAL) !== 0;
  });
}

/** Sleeps `ms` on this thread without spinning (kernel workers get the CPU meanwhile). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Waits until the local IPv6 address has its local route. Even with `nodad` and DAD off, the
 * kernel finishes adding an IPv6 address from a workqueue (addrconf's DAD work inserts the
 * address's local route), and that work waits for the RTNL lock, which the teardown of an
 * earlier namespace (a previous script's, in a long-lived script host) can hold for tens of
 * milliseconds. Until then a packet to the address is not local: it is dropped (Ip6InAddrErrors)
 * and the kernel does not answer a SYN. Measured: suites/mptcp ipv6 at -j 2 lost a SYN or SYN/ACK
 * in 2–4 of 8 runs without this wait, none with it. Sleeps (never spins) between looks at
 * /proc/net/ipv6_route; after ADDRESS_READY_MS it goes on with a note.
 */
function waitForIpv6Address(net: SutNetConfig, notes: string[]): void {
  const want = procIpv6Spelling(net.localIp);
  const deadline = Date.now() + ADDRESS_READY_MS;
  for (;;) {
    let routes: string;
    try {
      routes = readFileSync("/proc/net/ipv6_route", "latin1");
    } catch {
      return; // no IPv6 in this kernel: nothing to wait for
    }
    if (hasLocalRoute(routes, want)) return;
    if (Date.now() >= deadline) {
      notes.push(`the local route of ${net.localIp} was still missing ${ADDRESS_READY_MS} ms after set-up`);
      return;
    }
    sleepSync(1);
  }
}

/** What set-up produced. */
export interface NetnsSetup {
  readonly tun: TunDevice;
  /** Non-fatal deviations (e.g. a route added without its gateway). */
  readonly notes: readonly string[];
}

/** Configure the namespace and create the device; the caller owns `tun`. */
export function setUpNamespace(libc: Libc, net: SutNetConfig, opts: { offloads: boolean; qdisc: "default" | "pfifo" }): NetnsSetup {
  checkEnvironment();
  for (const [key, value] of Object.entries(preDeviceSysctls(net))) {
    try {
      writeFileSync(`/proc/sys/${key}`, value);
    } catch (e) {
      throw new MptcpdrillError("MPD_ERR_NETNS", `cannot set sysctl ${key.replace(/\//g, ".")}: ${String(e)}`, { cause: e });
    }
  }
  const tun = openTunDevice(libc, net.device, opts.offloads);
  const notes: string[] = [];
  try {
    if (net.speedMbps !== undefined) setLinkSpeed(net.device, net.speedMbps);
    runSteps([{ argv: ["link", "set", "dev", "lo", "up"], fatal: true }, ...deviceSetupSteps(net, opts.qdisc)], notes);
    if (net.anyIp === true) checkAnyIpRemote(net);
    else if (net.wireFamily === 6) waitForIpv6Address(net, notes);
  } catch (e) {
    tun.close();
    throw e;
  }
  return { tun, notes };
}
