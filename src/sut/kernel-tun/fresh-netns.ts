/**
 * A fresh network namespace for each script inside a long-lived script host. A network namespace
 * belongs to a thread, not to a process (unshare(2): CLONE_NEWNET moves only the caller), so the
 * host's main thread, which creates every socket, the TUN device and the packet tap, runs
 * `ip` and spawns every command and code block, enters a new one per script; the blocking-call
 * thread follows it with setns(2) (blocking-thread.ts). Other threads (libuv's pool: the TUN
 * poll, V8's helpers) only use file descriptors, which keep the namespace they were made in.
 * The previous namespace, with everything left in it (sockets in TIME_WAIT, routes, sysctls,
 * MPTCP endpoints), is freed by the kernel once nothing refers to it: the host closes the SUT's
 * descriptors and kills the script's commands before leaving it.
 */
import { readlinkSync } from "node:fs";
import { MptcpdrillError } from "../../errors.ts";
import { errnoInfo } from "../linux-abi.ts";
import type { Libc } from "./libc.ts";

/** unshare(2)/setns(2) flag of a network namespace. */
export const CLONE_NEWNET = 0x40000000;

/** The network namespace of this process's main thread, as `net:[inode]`. */
export function currentNetns(): string {
  return readlinkSync("/proc/self/ns/net");
}

/**
 * Moves the calling thread (it must be the main thread) into a new, empty network namespace and
 * returns its `net:[inode]`. Throws MPD_ERR_NETNS when the kernel refuses.
 */
export function enterFreshNetns(libc: Libc): string {
  if (libc.unshare(CLONE_NEWNET) !== 0) {
    const errno = libc.errno();
    throw new MptcpdrillError("MPD_ERR_NETNS", `unshare(CLONE_NEWNET) failed: ${errnoInfo(errno)?.name ?? errno}`);
  }
  return currentNetns();
}
