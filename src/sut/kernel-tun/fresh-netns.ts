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
import { MptcpdrillError } from "../../errors.ts";
import { errnoInfo } from "../linux-abi.ts";
import type { Libc } from "./libc.ts";

/** unshare(2)/setns(2) flag of a network namespace. */
export const CLONE_NEWNET = 0x40000000;
const O_RDONLY = 0;

/**
 * Moves the calling thread (it must be the main thread) into a new, empty network namespace.
 * Throws MPD_ERR_NETNS when the kernel refuses.
 */
export function enterFreshNetns(libc: Libc): void {
  if (libc.unshare(CLONE_NEWNET) !== 0) {
    const errno = libc.errno();
    throw new MptcpdrillError("MPD_ERR_NETNS", `unshare(CLONE_NEWNET) failed: ${errnoInfo(errno)?.name ?? errno}`);
  }
}

/**
 * setns(2) the calling thread into the network namespace at `path` (e.g. `/proc/<pid>/ns/net`):
 * how another thread follows the main thread. Returns 0 or the errno.
 */
export function enterNetnsAt(libc: Libc, path: string): number {
  const fd = Number(libc.open(path, O_RDONLY));
  if (fd < 0) return libc.errno();
  const errno = Number(libc.setns(fd, CLONE_NEWNET)) === 0 ? 0 : libc.errno();
  libc.close(fd);
  return errno;
}
