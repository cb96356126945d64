/**
 * Known system calls and their argument counts (pkt-language.md §6.3): the data behind the
 * `syscall-arity` check. packetdrill fails such calls at run time (`Expected N args but got M`);
 * mptcpdrill reports them before anything runs.
 */

/** How many arguments a call takes: exactly `min` when `min === max`, otherwise a range. */
export interface SyscallArity {
  readonly min: number;
  readonly max: number;
  /** Which packetdrill has it: `both` (G and the MPTCP fork) or `G` (upstream only). */
  readonly origin: "both" | "G";
}

const exactly = (n: number, origin: SyscallArity["origin"] = "both"): SyscallArity => ({ min: n, max: n, origin });
const between = (min: number, max: number): SyscallArity => ({ min, max, origin: "both" });

/** Every system call a script may name, keyed by name. */
export const SYSCALLS: ReadonlyMap<string, SyscallArity> = new Map([
  ["socket", exactly(3)],
  ["bind", exactly(3)],
  ["listen", exactly(2)],
  ["accept", exactly(3)],
  ["connect", exactly(3)],
  ["close", exactly(1)],
  ["shutdown", exactly(2)],
  ["read", exactly(3)],
  ["write", exactly(3)],
  ["recv", exactly(4)],
  ["send", exactly(4)],
  ["readv", exactly(3)],
  ["writev", exactly(3)],
  ["recvfrom", exactly(6)],
  ["sendto", exactly(6)],
  ["recvmsg", exactly(3)],
  ["sendmsg", exactly(3)],
  ["fcntl", between(2, 3)],
  ["ioctl", between(2, 3)],
  ["getsockopt", exactly(5)],
  ["setsockopt", exactly(5)],
  ["poll", exactly(3)],
  ["epoll_create", exactly(1)],
  ["epoll_ctl", exactly(4)],
  ["epoll_wait", exactly(4)],
  ["pipe", exactly(1)],
  ["open", exactly(2)],
  ["sendfile", exactly(4)],
  ["splice", exactly(6)],
  ["cap_set", exactly(3)],
  ["psp_rx_assoc", exactly(2, "G")],
  ["psp_tx_assoc", exactly(2, "G")],
]);

/** Describes an arity for a message: `3 arguments`, `2 or 3 arguments`, `1 argument`. */
export function describeArity(a: SyscallArity): string {
  const noun = (n: number): string => (n === 1 ? "argument" : "arguments");
  if (a.min === a.max) return `${a.min} ${noun(a.min)}`;
  return a.max === a.min + 1 ? `${a.min} or ${a.max} arguments` : `${a.min} to ${a.max} arguments`;
}
