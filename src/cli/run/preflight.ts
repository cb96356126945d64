/**
 * Environment checks before a kernel run: the kernel SUT needs CAP_NET_ADMIN and CAP_SYS_ADMIN
 * (a fresh network namespace per job, a TUN device in it) and /dev/net/tun. When a check fails
 * every job ends as `error` with this message: never a silent skip. Reads /proc through the
 * injected `io.fs`, so tests can fake it.
 */
import type { ErrorCode } from "../../errors.ts";
import type { CliIo } from "../io.ts";

/** Capability bits (linux/capability.h). */
const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

/** Parses the effective capability mask from /proc/self/status text; null when absent. */
export function effectiveCaps(status: string): bigint | null {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return m?.[1] === undefined ? null : BigInt(`0x${m[1]}`);
}

const problem = (code: ErrorCode, text: string): string => `error[${code}]: ${text}`;

/**
 * Null when the kernel SUT can run here, else a message with its stable code
 * (`error[MPD_ERR_NOT_ROOT]: …`) saying what is missing and how to fix it.
 */
export function kernelPreflight(io: CliIo): string | null {
  let status = "";
  try {
    status = io.fs.readFileSync("/proc/self/status", "utf8");
  } catch {
    return problem("MPD_ERR_NETNS", "cannot read /proc/self/status: the kernel SUT needs Linux with /proc mounted");
  }
  const caps = effectiveCaps(status);
  const has = (bit: bigint): boolean => caps !== null && ((caps >> bit) & 1n) === 1n;
  if (!has(CAP_NET_ADMIN) || !has(CAP_SYS_ADMIN)) {
    return problem("MPD_ERR_NOT_ROOT", "the kernel SUT needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create a network namespace and a TUN device; run as root or with sudo");
  }
  if (io.fs.statSync("/dev/net/tun", { throwIfNoEntry: false }) === undefined) {
    return problem("MPD_ERR_TUN_OPEN", "/dev/net/tun does not exist: load the tun module (modprobe tun) or give the container the device");
  }
  return null;
}
