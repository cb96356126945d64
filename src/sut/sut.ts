/**
 * The system-under-test boundary: what the interpreter (src/interp) may ask of a TCP/MPTCP stack.
 *
 * Types only (plus the re-exported Linux symbol tables), so `interp` stays free of I/O. A SUT
 * injects IP packets, hands back the packets the stack sends, runs evaluated syscalls, shell
 * commands and code, all on one monotonic microsecond clock. packetdrill's `netdev_ops` is the
 * model (pkt-language.md §2.3, §3.4, §6, §7). MPTCP sockets (RFC 8684 §3) are ordinary sockets
 * here: `socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)` and `SOL_MPTCP`/`MPTCP_INFO`.
 */

export * from "./linux-abi.ts";

/** Microseconds on the SUT clock. Kernel SUT: CLOCK_MONOTONIC, the same in every process. */
export type MonoMicros = number;

/** packetdrill's `--ip_version`: `ipv4-mapped-ipv6` = AF_INET6 sockets over an IPv4 wire. */
export type IpVersion = "ipv4" | "ipv6" | "ipv4-mapped-ipv6";

/** The resolved network of one script run (packetdrill flags, pkt-language.md §1.6). */
export interface SutNetConfig {
  readonly ipVersion: IpVersion;
  /** Wire family of packets: 4 for ipv4 and ipv4-mapped-ipv6, 6 for ipv6. */
  readonly wireFamily: 4 | 6;
  /** Socket address family for `socket(..., ...)`: inet for ipv4, inet6 otherwise. */
  readonly socketFamily: "inet" | "inet6";
  /** The SUT's address on the wire (`--local_ip`), e.g. `192.168.0.2`. */
  readonly localIp: string;
  /** The script side's address on the wire (`--remote_ip` without prefix). */
  readonly remoteIp: string;
  /** `localIp` as a socket sees it: `::ffff:192.168.0.2` for ipv4-mapped-ipv6. */
  readonly socketLocalIp: string;
  /** `remoteIp` as a socket sees it (v4-mapped for ipv4-mapped-ipv6). */
  readonly socketRemoteIp: string;
  /** Prefix routed to the device via the gateway (`--remote_ip=a/len`). */
  readonly remotePrefixLen: number;
  readonly gatewayIp: string;
  /** `--netmask_ip` (IPv4 only; IPv6 local prefixes are /48 like packetdrill). */
  readonly netmaskIp: string;
  readonly localPrefixLen: number;
  readonly mtu: number;
  /**
   * `--is_anyip`: the local address is not put on the device and the remote prefix is routed
   * without the gateway; the script makes the address local itself (an `ip route add local …`).
   */
  readonly anyIp?: boolean;
  /** `--speed`: the device's link speed in Mbps (absent: the driver's own). */
  readonly speedMbps?: number;
  /** The test device name, `tun0`. */
  readonly device: string;
  readonly bindPort: number;
  readonly connectPort: number;
}

/** A packet the stack sent, as read from the device. */
export interface OutboundPacket {
  /** One IP packet (v4 or v6). With offloads it may be a TSO super-segment > MTU. */
  readonly bytes: Uint8Array;
  /** When the SUT read it, on the SUT clock. */
  readonly timestampUs: MonoMicros;
  /** GSO metadata of a super-segment (virtio-net header), else `null`. */
  readonly gso: { readonly kind: "tcpv4" | "tcpv6" | "udp"; readonly size: number; readonly ecn: boolean } | null;
  /** True when the stack left the transport checksum to the device and the SUT completed it. */
  readonly checksumCompleted: boolean;
}

/** Result of {@link Sut.inject}. */
export type InjectOutcome =
  | { readonly ok: true; readonly timestampUs: MonoMicros }
  | { readonly ok: false; readonly errno: number; readonly message: string };

// ---------------------------------------------------------------- syscall value model (§6.2)

/** `sockaddr_in` / `sockaddr_in6` (address text; v4-mapped written `::ffff:a.b.c.d`). */
export interface SockaddrValue {
  readonly kind: "sockaddr";
  readonly family: "inet" | "inet6" | "unspec";
  readonly address: string;
  readonly port: number;
  readonly flowinfo?: number;
  readonly scopeId?: number;
}

/** `struct iovec`; `base` null = NULL pointer. */
export interface IovecValue {
  readonly kind: "iovec";
  readonly base: BufferValue | NullValue;
  readonly len: number;
}

/** Decoded control-message payloads. */
export type CmsgData =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  /** SCM_TIMESTAMPING: three timespecs (software, legacy, hardware), on the SUT clock (0/0 = none). */
  | { readonly kind: "timestamping"; readonly times: readonly { readonly sec: number; readonly nsec: number }[] }
  /** IP_RECVERR / IPV6_RECVERR: `struct sock_extended_err`. */
  | {
      readonly kind: "extendedErr"; readonly eeErrno: number; readonly eeOrigin: number; readonly eeType: number;
      readonly eeCode: number; readonly eeInfo: number; readonly eeData: number;
    }
  /** SCM_TIMESTAMPING_OPT_STATS: netlink attributes (`TCP_NLA_*`). */
  | { readonly kind: "nla"; readonly attrs: readonly { readonly type: number; readonly value: bigint }[] };

/** `struct cmsghdr` + data. */
export interface CmsgValue {
  readonly kind: "cmsg";
  readonly level: number;
  readonly type: number;
  readonly data: CmsgData;
}

/** `struct msghdr`. For recvmsg, `controlLength` sizes msg_control (default 4096 when cmsgs are expected). */
export interface MsghdrValue {
  readonly kind: "msghdr";
  readonly name: SockaddrValue | NullValue | EllipsisValue;
  readonly iov: readonly IovecValue[];
  readonly control: readonly CmsgValue[] | null;
  readonly controlLength?: number;
  readonly flags: number;
}

/** A byte buffer of `length` bytes (`...` or a count in the script); write buffers default to zeros. */
export interface BufferValue {
  readonly kind: "buffer";
  readonly length: number;
  readonly data?: Uint8Array;
}

/** NULL pointer. */
export interface NullValue { readonly kind: "null" }
/** `...`: the SUT provides storage (accept/recvfrom/recvmsg peer address and its length). */
export interface EllipsisValue { readonly kind: "ellipsis" }

/** One evaluated syscall argument, or an out-value written back (same shape as the input). */
export type SysValue =
  | { readonly kind: "int"; readonly value: number }
  | NullValue
  | EllipsisValue
  | BufferValue
  | { readonly kind: "string"; readonly value: string }
  /** Raw struct bytes passed as-is (in6_addr, tcp_md5sig, …). */
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  /** `[v]`: pointer to one int (optval, optlen, ioctl arg, sendfile offset). */
  | { readonly kind: "intPtr"; readonly value: number }
  | { readonly kind: "list"; readonly items: readonly SysValue[] }
  | SockaddrValue
  | { readonly kind: "linger"; readonly onoff: number; readonly linger: number }
  | { readonly kind: "timeval"; readonly sec: number; readonly usec: number }
  | { readonly kind: "pollfd"; readonly fd: number; readonly events: number; readonly revents: number }
  | IovecValue
  | MsghdrValue
  | CmsgValue
  /** `struct epoll_event`; `data` is the 64-bit user data (fd/u32/u64/ptr). */
  | { readonly kind: "epollEvent"; readonly events: number; readonly data: number };

/** The syscalls a SUT runs (pkt-language.md §6.3). */
export type SyscallName =
  | "socket" | "bind" | "listen" | "accept" | "connect" | "read" | "readv" | "recv" | "recvfrom"
  | "recvmsg" | "write" | "writev" | "send" | "sendto" | "sendmsg" | "fcntl" | "ioctl" | "close"
  | "shutdown" | "getsockopt" | "setsockopt" | "poll" | "open" | "sendfile" | "epoll_create"
  | "epoll_ctl" | "epoll_wait" | "pipe" | "splice";

/** One evaluated call. `blocking` = the script wrote `...T` (run off the interpreter's thread). */
export interface SyscallRequest {
  readonly name: SyscallName;
  readonly args: readonly SysValue[];
  readonly blocking: boolean;
}

/** The call reached the kernel and returned. */
export interface SyscallReturned {
  readonly kind: "returned";
  /** Return value (int or ssize_t). */
  readonly ret: number;
  /** errno after the call when `ret` is -1, else 0. */
  readonly errno: number;
  /** `EAGAIN`… when errno ≠ 0. */
  readonly errnoName: string | null;
  /** glibc strerror text when errno ≠ 0. */
  readonly strerror: string | null;
  /**
   * Per argument index, the value after the call in the shape it was passed, or null when the
   * argument is input only: optval/optlen, pollfd revents, msghdr msg_flags + cmsgs, pipe fds,
   * accept/recvfrom peer sockaddr, bytes read into a buffer, ioctl `[v]`, epoll events.
   */
  readonly out: readonly (SysValue | null)[];
  readonly startUs: MonoMicros;
  readonly endUs: MonoMicros;
}

/** The arguments could not be turned into a call (wrong shape or count); nothing ran. */
export interface SyscallInvalid {
  readonly kind: "invalid";
  readonly message: string;
}

/** What a syscall produced. */
export type SyscallOutcome = SyscallReturned | SyscallInvalid;

/** A started call. For a non-blocking request both promises are already resolved. */
export interface SyscallHandle {
  /**
   * Resolves `"blocked"` once the call is seen sleeping in the kernel (pkt-language.md §6.5),
   * or `"returned"` if it returned first. The rule is documented in docs/kernel-sut.md.
   */
  readonly settled: Promise<"blocked" | "returned">;
  readonly result: Promise<SyscallOutcome>;
  /**
   * For a blocking call run on another thread: resolves with the SUT-clock time the call was
   * issued by the caller (`issuedUs`) and entered the kernel on that thread (`enteredUs`).
   */
  readonly started?: Promise<{ readonly issuedUs: MonoMicros; readonly enteredUs: MonoMicros }>;
}

/** Exit of a backtick command or code program. */
export interface CommandResult {
  /** Exit status, or null when killed by a signal or a timeout. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly startUs: MonoMicros;
  readonly endUs: MonoMicros;
}

/** `struct tcp_info` (+ MPTCP_INFO, TCP_CC_INFO, SO_MEMINFO) as packetdrill's Python names. */
export interface TcpInfoSnapshot {
  /** `tcpi_state`, `tcpi_snd_cwnd`, … for every field the kernel returned. */
  readonly tcpInfo: Readonly<Record<string, number | bigint>>;
  /** `mptcpi_*` for MPTCP sockets (empty for plain TCP). */
  readonly mptcpInfo: Readonly<Record<string, number | bigint>>;
  /** `bbr_*`, `dctcp_*`, `tcpv_*` when the congestion control reports them. */
  readonly ccInfo: Readonly<Record<string, number>>;
  /** `SK_MEMINFO_*`. */
  readonly memInfo: Readonly<Record<string, number>>;
  /**
   * The namespace's SNMP MIB counters at the snapshot, by nstat name (`MPTcpExtMPCapableSYNRX`);
   * code blocks see them as `mib_<name>`. Absent when the SUT has no such counters.
   */
  readonly mib?: Readonly<Record<string, number>>;
}

/** The system under test. Every method is safe to call while a blocking syscall is in flight. */
export interface Sut {
  /** `"kernel-tun"`, `"reference"`, … */
  readonly kind: string;
  readonly net: SutNetConfig;
  /** Current time on the SUT clock. */
  now(): MonoMicros;
  /**
   * Resolve at `t` (timer, then a short spin for the last ~300 µs), or as soon as `until` settles
   * (the interpreter waiting ≤ 1 s for a blocking call, pkt-language.md §6.5: a SUT in virtual time
   * stops at the instant its parked blocking call returns).
   */
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void>;
  /** Inject one IP packet (checksums already set). `gsoSize` flags it as a GSO packet (`--mss`). */
  inject(packet: Uint8Array, opts?: { readonly gsoSize?: number }): Promise<InjectOutcome>;
  /** The oldest unread outbound packet; waits until `deadlineUs`, then null. */
  nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null>;
  /** Number of outbound packets sent by the stack and not yet taken. */
  pendingOutbound(): Promise<number>;
  /** Start a syscall (pkt-language.md §6). */
  syscall(request: SyscallRequest): SyscallHandle;
  /** Run a backtick command with packetdrill's environment in the script's folder (§7). */
  runCommand(command: string): Promise<CommandResult>;
  /** Run a code program (`python3 <file>` by default) in the script's folder (§7). */
  runCode(program: string): Promise<CommandResult>;
  /** Snapshot TCP_INFO (+ MPTCP_INFO etc.) of a live fd; an errno on failure. */
  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }>;
  /** Stop reading, close every fd the SUT opened. Idempotent. */
  close(): Promise<void>;
}
