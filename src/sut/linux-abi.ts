/**
 * Linux x86_64 ABI symbol tables: the integer values of the names a script may write in a
 * syscall line (AF_*, SOCK_*, IPPROTO_*, SOL_*, SO_*, TCP_*, IP_*, IPV6_*, O_*, F_*, MSG_*, POLL*,
 * EPOLL*, SHUT_*, errno names, SOL_MPTCP/MPTCP_INFO, …) plus errno numbers, names and the C
 * library's strerror texts.
 *
 * Pure data, no I/O. Values are the kernel UAPI / glibc values for x86_64 (packetdrill evaluates
 * the same names through glibc's headers; where glibc and the kernel differ, glibc wins and the
 * entry says so). RFC 8684 §3 sockets are reached through IPPROTO_MPTCP (262) and SOL_MPTCP (284).
 */

/** Address families (`sys/socket.h`). `PF_*` aliases are added by {@link LINUX_SYMBOLS}. */
const ADDRESS_FAMILIES = {
  AF_UNSPEC: 0, AF_UNIX: 1, AF_LOCAL: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16, AF_PACKET: 17,
} as const;

const SOCKET_TYPES = {
  SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_RDM: 4, SOCK_SEQPACKET: 5,
  SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000,
} as const;

const PROTOCOLS = {
  IPPROTO_IP: 0, IPPROTO_ICMP: 1, IPPROTO_IGMP: 2, IPPROTO_TCP: 6, IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41, IPPROTO_GRE: 47, IPPROTO_ICMPV6: 58, IPPROTO_SCTP: 132, IPPROTO_UDPLITE: 136,
  IPPROTO_RAW: 255, IPPROTO_MPTCP: 262,
} as const;

const LEVELS = {
  SOL_IP: 0, SOL_SOCKET: 1, SOL_TCP: 6, SOL_UDP: 17, SOL_IPV6: 41, SOL_ICMPV6: 58, SOL_RAW: 255,
  SOL_PACKET: 263, SOL_MPTCP: 284,
} as const;

const SHUTDOWN = { SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2 } as const;

/** `SO_*` options; the time options have their x86_64 "old" (64-bit time_t) values. */
const SOCKET_OPTIONS = {
  SO_DEBUG: 1, SO_REUSEADDR: 2, SO_TYPE: 3, SO_ERROR: 4, SO_DONTROUTE: 5, SO_BROADCAST: 6,
  SO_SNDBUF: 7, SO_RCVBUF: 8, SO_KEEPALIVE: 9, SO_OOBINLINE: 10, SO_NO_CHECK: 11, SO_PRIORITY: 12,
  SO_LINGER: 13, SO_BSDCOMPAT: 14, SO_REUSEPORT: 15, SO_PASSCRED: 16, SO_PEERCRED: 17,
  SO_RCVLOWAT: 18, SO_SNDLOWAT: 19, SO_RCVTIMEO: 20, SO_SNDTIMEO: 21, SO_BINDTODEVICE: 25,
  SO_ATTACH_FILTER: 26, SO_DETACH_FILTER: 27, SO_PEERNAME: 28, SO_TIMESTAMP: 29,
  SO_ACCEPTCONN: 30, SO_PEERSEC: 31, SO_SNDBUFFORCE: 32, SO_RCVBUFFORCE: 33, SO_PASSSEC: 34,
  SO_TIMESTAMPNS: 35, SO_MARK: 36, SO_TIMESTAMPING: 37, SO_PROTOCOL: 38, SO_DOMAIN: 39,
  SO_RXQ_OVFL: 40, SO_WIFI_STATUS: 41, SO_PEEK_OFF: 42, SO_NOFCS: 43, SO_LOCK_FILTER: 44,
  SO_SELECT_ERR_QUEUE: 45, SO_BUSY_POLL: 46, SO_MAX_PACING_RATE: 47, SO_BPF_EXTENSIONS: 48,
  SO_INCOMING_CPU: 49, SO_ATTACH_BPF: 50, SO_ATTACH_REUSEPORT_CBPF: 51,
  SO_ATTACH_REUSEPORT_EBPF: 52, SO_CNX_ADVICE: 53, SO_MEMINFO: 55, SO_INCOMING_NAPI_ID: 56,
  SO_COOKIE: 57, SO_PEERGROUPS: 59, SO_ZEROCOPY: 60, SO_TXTIME: 61, SO_BINDTOIFINDEX: 62,
  SO_TIMESTAMP_NEW: 63, SO_TIMESTAMPNS_NEW: 64, SO_TIMESTAMPING_NEW: 65, SO_RCVTIMEO_NEW: 66,
  SO_SNDTIMEO_NEW: 67, SO_DETACH_REUSEPORT_BPF: 68, SO_PREFER_BUSY_POLL: 69,
  SO_BUSY_POLL_BUDGET: 70, SO_NETNS_COOKIE: 71, SO_BUF_LOCK: 72, SO_RESERVE_MEM: 73,
  SO_TXREHASH: 74, SO_RCVMARK: 75, SO_PASSPIDFD: 76, SO_PEERPIDFD: 77,
  SO_EE_ORIGIN_NONE: 0, SO_EE_ORIGIN_LOCAL: 1, SO_EE_ORIGIN_ICMP: 2, SO_EE_ORIGIN_ICMP6: 3,
  SO_EE_ORIGIN_TXSTATUS: 4, SO_EE_ORIGIN_TIMESTAMPING: 4, SO_EE_ORIGIN_ZEROCOPY: 5,
  SO_EE_ORIGIN_TXTIME: 6, SO_EE_CODE_ZEROCOPY_COPIED: 1,
} as const;

const CONTROL_MESSAGES = {
  SCM_RIGHTS: 1, SCM_CREDENTIALS: 2, SCM_TIMESTAMP: 29, SCM_TIMESTAMPNS: 35, SCM_TIMESTAMPING: 37,
  SCM_WIFI_STATUS: 41, SCM_TIMESTAMPING_OPT_STATS: 54, SCM_TIMESTAMPING_PKTINFO: 58, SCM_TXTIME: 61,
  SCM_TSTAMP_SND: 0, SCM_TSTAMP_SCHED: 1, SCM_TSTAMP_ACK: 2,
  SOF_TIMESTAMPING_TX_HARDWARE: 1 << 0, SOF_TIMESTAMPING_TX_SOFTWARE: 1 << 1,
  SOF_TIMESTAMPING_RX_HARDWARE: 1 << 2, SOF_TIMESTAMPING_RX_SOFTWARE: 1 << 3,
  SOF_TIMESTAMPING_SOFTWARE: 1 << 4, SOF_TIMESTAMPING_SYS_HARDWARE: 1 << 5,
  SOF_TIMESTAMPING_RAW_HARDWARE: 1 << 6, SOF_TIMESTAMPING_OPT_ID: 1 << 7,
  SOF_TIMESTAMPING_TX_SCHED: 1 << 8, SOF_TIMESTAMPING_TX_ACK: 1 << 9,
  SOF_TIMESTAMPING_OPT_CMSG: 1 << 10, SOF_TIMESTAMPING_OPT_TSONLY: 1 << 11,
  SOF_TIMESTAMPING_OPT_STATS: 1 << 12, SOF_TIMESTAMPING_OPT_PKTINFO: 1 << 13,
  SOF_TIMESTAMPING_OPT_TX_SWHW: 1 << 14, SOF_TIMESTAMPING_BIND_PHC: 1 << 15,
  SOF_TIMESTAMPING_OPT_ID_TCP: 1 << 16, SOF_TIMESTAMPING_OPT_RX_FILTER: 1 << 17,
} as const;

/** `TCP_*` socket options (`netinet/tcp.h` / `linux/tcp.h`). */
const TCP_OPTIONS = {
  TCP_NODELAY: 1, TCP_MAXSEG: 2, TCP_CORK: 3, TCP_KEEPIDLE: 4, TCP_KEEPINTVL: 5, TCP_KEEPCNT: 6,
  TCP_SYNCNT: 7, TCP_LINGER2: 8, TCP_DEFER_ACCEPT: 9, TCP_WINDOW_CLAMP: 10, TCP_INFO: 11,
  TCP_QUICKACK: 12, TCP_CONGESTION: 13, TCP_MD5SIG: 14, TCP_THIN_LINEAR_TIMEOUTS: 16,
  TCP_THIN_DUPACK: 17, TCP_USER_TIMEOUT: 18, TCP_REPAIR: 19, TCP_REPAIR_QUEUE: 20,
  TCP_QUEUE_SEQ: 21, TCP_REPAIR_OPTIONS: 22, TCP_FASTOPEN: 23, TCP_TIMESTAMP: 24,
  TCP_NOTSENT_LOWAT: 25, TCP_CC_INFO: 26, TCP_SAVE_SYN: 27, TCP_SAVED_SYN: 28,
  TCP_REPAIR_WINDOW: 29, TCP_FASTOPEN_CONNECT: 30, TCP_ULP: 31, TCP_MD5SIG_EXT: 32,
  TCP_FASTOPEN_KEY: 33, TCP_FASTOPEN_NO_COOKIE: 34, TCP_ZEROCOPY_RECEIVE: 35, TCP_INQ: 36,
  TCP_CM_INQ: 36, TCP_TX_DELAY: 37, TCP_AO_ADD_KEY: 38, TCP_AO_DEL_KEY: 39, TCP_AO_INFO: 40,
  TCP_AO_GET_KEYS: 41, TCP_AO_REPAIR: 42, TCP_IS_MPTCP: 43, TCP_RTO_MAX_MS: 44,
  TCP_RTO_MIN_US: 45, TCP_DELACK_MAX_US: 46,
  TCP_REPAIR_ON: 1, TCP_REPAIR_OFF: 0, TCP_REPAIR_OFF_NO_WP: -1,
  TCP_CA_Open: 0, TCP_CA_Disorder: 1, TCP_CA_CWR: 2, TCP_CA_Recovery: 3, TCP_CA_Loss: 4,
} as const;

/** `TCP_NLA_*` attribute types of SCM_TIMESTAMPING_OPT_STATS (`linux/tcp.h` enum order). */
const TCP_NLA = Object.fromEntries([
  "PAD", "BUSY", "RWND_LIMITED", "SNDBUF_LIMITED", "DATA_SEGS_OUT", "TOTAL_RETRANS", "PACING_RATE",
  "DELIVERY_RATE", "SND_CWND", "REORDERING", "MIN_RTT", "RECUR_RETRANS", "DELIVERY_RATE_APP_LMT",
  "SNDQ_SIZE", "CA_STATE", "SND_SSTHRESH", "DELIVERED", "DELIVERED_CE", "BYTES_SENT",
  "BYTES_RETRANS", "DSACK_DUPS", "REORD_SEEN", "SRTT", "TIMEOUT_REHASH", "BYTES_NOTSENT", "EDT",
  "TTL", "REHASH",
].map((name, i) => [`TCP_NLA_${name}`, i])) as Readonly<Record<string, number>>;

const IP_OPTIONS = {
  IP_TOS: 1, IP_TTL: 2, IP_HDRINCL: 3, IP_OPTIONS: 4, IP_ROUTER_ALERT: 5, IP_RECVOPTS: 6,
  IP_RETOPTS: 7, IP_PKTINFO: 8, IP_PKTOPTIONS: 9, IP_MTU_DISCOVER: 10, IP_RECVERR: 11,
  IP_RECVTTL: 12, IP_RECVTOS: 13, IP_MTU: 14, IP_FREEBIND: 15, IP_IPSEC_POLICY: 16,
  IP_XFRM_POLICY: 17, IP_PASSSEC: 18, IP_TRANSPARENT: 19, IP_ORIGDSTADDR: 20,
  IP_RECVORIGDSTADDR: 20, IP_MINTTL: 21, IP_NODEFRAG: 22, IP_CHECKSUM: 23,
  IP_BIND_ADDRESS_NO_PORT: 24, IP_RECVFRAGSIZE: 25, IP_RECVERR_RFC4884: 26, IP_MULTICAST_IF: 32,
  IP_MULTICAST_TTL: 33, IP_MULTICAST_LOOP: 34, IP_ADD_MEMBERSHIP: 35, IP_DROP_MEMBERSHIP: 36,
  IP_MULTICAST_ALL: 49, IP_LOCAL_PORT_RANGE: 51, IP_PROTOCOL: 52,
  IP_PMTUDISC_DONT: 0, IP_PMTUDISC_WANT: 1, IP_PMTUDISC_DO: 2, IP_PMTUDISC_PROBE: 3,
  IP_PMTUDISC_INTERFACE: 4, IP_PMTUDISC_OMIT: 5,
} as const;

const IPV6_OPTIONS = {
  IPV6_ADDRFORM: 1, IPV6_2292PKTINFO: 2, IPV6_2292HOPOPTS: 3, IPV6_2292DSTOPTS: 4,
  IPV6_2292RTHDR: 5, IPV6_2292PKTOPTIONS: 6, IPV6_CHECKSUM: 7, IPV6_2292HOPLIMIT: 8,
  IPV6_NEXTHOP: 9, IPV6_AUTHHDR: 10, IPV6_FLOWINFO: 11, IPV6_UNICAST_HOPS: 16,
  IPV6_MULTICAST_IF: 17, IPV6_MULTICAST_HOPS: 18, IPV6_MULTICAST_LOOP: 19,
  IPV6_ADD_MEMBERSHIP: 20, IPV6_JOIN_GROUP: 20, IPV6_DROP_MEMBERSHIP: 21, IPV6_LEAVE_GROUP: 21,
  IPV6_ROUTER_ALERT: 22, IPV6_MTU_DISCOVER: 23, IPV6_MTU: 24, IPV6_RECVERR: 25, IPV6_V6ONLY: 26,
  IPV6_JOIN_ANYCAST: 27, IPV6_LEAVE_ANYCAST: 28, IPV6_MULTICAST_ALL: 29,
  IPV6_ROUTER_ALERT_ISOLATE: 30, IPV6_RECVERR_RFC4884: 31, IPV6_FLOWLABEL_MGR: 32,
  IPV6_FLOWINFO_SEND: 33, IPV6_IPSEC_POLICY: 34, IPV6_XFRM_POLICY: 35, IPV6_HDRINCL: 36,
  IPV6_RECVPKTINFO: 49, IPV6_PKTINFO: 50, IPV6_RECVHOPLIMIT: 51, IPV6_HOPLIMIT: 52,
  IPV6_RECVHOPOPTS: 53, IPV6_HOPOPTS: 54, IPV6_RTHDRDSTOPTS: 55, IPV6_RECVRTHDR: 56,
  IPV6_RTHDR: 57, IPV6_RECVDSTOPTS: 58, IPV6_DSTOPTS: 59, IPV6_RECVPATHMTU: 60, IPV6_PATHMTU: 61,
  IPV6_DONTFRAG: 62, IPV6_RECVTCLASS: 66, IPV6_TCLASS: 67, IPV6_AUTOFLOWLABEL: 70,
  IPV6_ADDR_PREFERENCES: 72, IPV6_MINHOPCOUNT: 73, IPV6_ORIGDSTADDR: 74,
  IPV6_RECVORIGDSTADDR: 74, IPV6_TRANSPARENT: 75, IPV6_UNICAST_IF: 76, IPV6_RECVFRAGSIZE: 77,
  IPV6_FREEBIND: 78,
  IPV6_PMTUDISC_DONT: 0, IPV6_PMTUDISC_WANT: 1, IPV6_PMTUDISC_DO: 2, IPV6_PMTUDISC_PROBE: 3,
  IPV6_PMTUDISC_INTERFACE: 4, IPV6_PMTUDISC_OMIT: 5,
} as const;

/** `O_*` open flags. `O_LARGEFILE` is glibc's x86_64 value 0 (the kernel's bit is 0o100000). */
const OPEN_FLAGS = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_ACCMODE: 3, O_CREAT: 0o100, O_EXCL: 0o200,
  O_NOCTTY: 0o400, O_TRUNC: 0o1000, O_APPEND: 0o2000, O_NONBLOCK: 0o4000, O_NDELAY: 0o4000,
  O_DSYNC: 0o10000, O_ASYNC: 0o20000, O_FASYNC: 0o20000, O_DIRECT: 0o40000, O_LARGEFILE: 0,
  O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_NOATIME: 0o1000000, O_CLOEXEC: 0o2000000,
  O_SYNC: 0o4010000, O_RSYNC: 0o4010000, O_PATH: 0o10000000, O_TMPFILE: 0o20200000,
} as const;

const FCNTL = {
  F_DUPFD: 0, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, F_GETLK: 5, F_SETLK: 6, F_SETLKW: 7,
  F_SETOWN: 8, F_GETOWN: 9, F_SETSIG: 10, F_GETSIG: 11, F_SETOWN_EX: 15, F_GETOWN_EX: 16,
  F_OFD_GETLK: 36, F_OFD_SETLK: 37, F_OFD_SETLKW: 38, F_SETLEASE: 1024, F_GETLEASE: 1025,
  F_NOTIFY: 1026, F_DUPFD_CLOEXEC: 1030, F_SETPIPE_SZ: 1031, F_GETPIPE_SZ: 1032,
  F_ADD_SEALS: 1033, F_GET_SEALS: 1034, F_RDLCK: 0, F_WRLCK: 1, F_UNLCK: 2, FD_CLOEXEC: 1,
  LOCK_SH: 1, LOCK_EX: 2, LOCK_NB: 4, LOCK_UN: 8,
  SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2, SEEK_DATA: 3, SEEK_HOLE: 4,
} as const;

const MESSAGE_FLAGS = {
  MSG_OOB: 0x1, MSG_PEEK: 0x2, MSG_DONTROUTE: 0x4, MSG_CTRUNC: 0x8, MSG_PROXY: 0x10,
  MSG_TRUNC: 0x20, MSG_DONTWAIT: 0x40, MSG_EOR: 0x80, MSG_WAITALL: 0x100, MSG_FIN: 0x200,
  MSG_SYN: 0x400, MSG_CONFIRM: 0x800, MSG_RST: 0x1000, MSG_ERRQUEUE: 0x2000,
  MSG_NOSIGNAL: 0x4000, MSG_MORE: 0x8000, MSG_WAITFORONE: 0x10000, MSG_BATCH: 0x40000,
  MSG_SOCK_DEVMEM: 0x2000000, MSG_ZEROCOPY: 0x4000000, MSG_FASTOPEN: 0x20000000,
  MSG_CMSG_CLOEXEC: 0x40000000,
} as const;

/** ioctl requests used on sockets. */
const IOCTLS = {
  FIONREAD: 0x541b, SIOCINQ: 0x541b, TIOCOUTQ: 0x5411, SIOCOUTQ: 0x5411, SIOCOUTQNSD: 0x894b,
  FIONBIO: 0x5421, FIOASYNC: 0x5452, SIOCATMARK: 0x8905, SIOCGSTAMP: 0x8906,
  SIOCGSTAMPNS: 0x8907,
} as const;

const POLL_EVENTS = {
  POLLIN: 0x1, POLLPRI: 0x2, POLLOUT: 0x4, POLLERR: 0x8, POLLHUP: 0x10, POLLNVAL: 0x20,
  POLLRDNORM: 0x40, POLLRDBAND: 0x80, POLLWRNORM: 0x100, POLLWRBAND: 0x200, POLLMSG: 0x400,
  POLLREMOVE: 0x1000, POLLRDHUP: 0x2000,
} as const;

const EPOLL = {
  EPOLLIN: 0x1, EPOLLPRI: 0x2, EPOLLOUT: 0x4, EPOLLERR: 0x8, EPOLLHUP: 0x10, EPOLLNVAL: 0x20,
  EPOLLRDNORM: 0x40, EPOLLRDBAND: 0x80, EPOLLWRNORM: 0x100, EPOLLWRBAND: 0x200, EPOLLMSG: 0x400,
  EPOLLRDHUP: 0x2000, EPOLLEXCLUSIVE: 2 ** 28, EPOLLWAKEUP: 2 ** 29, EPOLLONESHOT: 2 ** 30,
  EPOLLET: 2 ** 31, EPOLL_CTL_ADD: 1, EPOLL_CTL_DEL: 2, EPOLL_CTL_MOD: 3,
  EPOLL_CLOEXEC: 0o2000000,
} as const;

const SPLICE_AND_CAPS = {
  SPLICE_F_MOVE: 1, SPLICE_F_NONBLOCK: 2, SPLICE_F_MORE: 4, SPLICE_F_GIFT: 8,
  CAP_EFFECTIVE: 0, CAP_PERMITTED: 1, CAP_INHERITABLE: 2, CAP_CLEAR: 0, CAP_SET: 1,
  CAP_NET_BIND_SERVICE: 10, CAP_NET_BROADCAST: 11, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13,
  CAP_SYS_ADMIN: 21, CAP_SYS_RESOURCE: 24,
} as const;

/** MPTCP socket options (`linux/mptcp.h`); RFC 8684 sockets report through SOL_MPTCP. */
const MPTCP_OPTIONS = {
  MPTCP_INFO: 1, MPTCP_TCPINFO: 2, MPTCP_SUBFLOW_ADDRS: 3, MPTCP_FULL_INFO: 4,
  MPTCP_INFO_FLAG_FALLBACK: 0x1, MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED: 0x2,
} as const;

/** `struct tcp_info` state values (`tcpi_state`) and `tcpi_options` bits, for code blocks. */
export const TCP_INFO_CONSTANTS: Readonly<Record<string, number>> = {
  TCP_ESTABLISHED: 1, TCP_SYN_SENT: 2, TCP_SYN_RECV: 3, TCP_FIN_WAIT1: 4, TCP_FIN_WAIT2: 5,
  TCP_TIME_WAIT: 6, TCP_CLOSE: 7, TCP_CLOSE_WAIT: 8, TCP_LAST_ACK: 9, TCP_LISTEN: 10,
  TCP_CLOSING: 11,
  TCP_CA_Open: 0, TCP_CA_Disorder: 1, TCP_CA_CWR: 2, TCP_CA_Recovery: 3, TCP_CA_Loss: 4,
  TCPI_OPT_TIMESTAMPS: 1, TCPI_OPT_SACK: 2, TCPI_OPT_WSCALE: 4, TCPI_OPT_ECN: 8,
  TCPI_OPT_ECN_SEEN: 16, TCPI_OPT_SYN_DATA: 32, TCPI_OPT_USEC_TS: 64, TCPI_OPT_TFO_CHILD: 128,
};

/** One errno: number, canonical name, and glibc's `strerror` text. */
export interface ErrnoInfo {
  readonly number: number;
  readonly name: string;
  readonly text: string;
}

/** Linux x86_64 errno values 1..133 with glibc's English `strerror` texts. */
export const ERRNOS: readonly ErrnoInfo[] = ([
  [1, "EPERM", "Operation not permitted"],
  [2, "ENOENT", "No such file or directory"],
  [3, "ESRCH", "No such process"],
  [4, "EINTR", "Interrupted system call"],
  [5, "EIO", "Input/output error"],
  [6, "ENXIO", "No such device or address"],
  [7, "E2BIG", "Argument list too long"],
  [8, "ENOEXEC", "Exec format error"],
  [9, "EBADF", "Bad file descriptor"],
  [10, "ECHILD", "No child processes"],
  [11, "EAGAIN", "Resource temporarily unavailable"],
  [12, "ENOMEM", "Cannot allocate memory"],
  [13, "EACCES", "Permission denied"],
  [14, "EFAULT", "Bad address"],
  [15, "ENOTBLK", "Block device required"],
  [16, "EBUSY", "Device or resource busy"],
  [17, "EEXIST", "File exists"],
  [18, "EXDEV", "Invalid cross-device link"],
  [19, "ENODEV", "No such device"],
  [20, "ENOTDIR", "Not a directory"],
  [21, "EISDIR", "Is a directory"],
  [22, "EINVAL", "Invalid argument"],
  [23, "ENFILE", "Too many open files in system"],
  [24, "EMFILE", "Too many open files"],
  [25, "ENOTTY", "Inappropriate ioctl for device"],
  [26, "ETXTBSY", "Text file busy"],
  [27, "EFBIG", "File too large"],
  [28, "ENOSPC", "No space left on device"],
  [29, "ESPIPE", "Illegal seek"],
  [30, "EROFS", "Read-only file system"],
  [31, "EMLINK", "Too many links"],
  [32, "EPIPE", "Broken pipe"],
  [33, "EDOM", "Numerical argument out of domain"],
  [34, "ERANGE", "Numerical result out of range"],
  [35, "EDEADLK", "Resource deadlock avoided"],
  [36, "ENAMETOOLONG", "File name too long"],
  [37, "ENOLCK", "No locks available"],
  [38, "ENOSYS", "Function not implemented"],
  [39, "ENOTEMPTY", "Directory not empty"],
  [40, "ELOOP", "Too many levels of symbolic links"],
  [42, "ENOMSG", "No message of desired type"],
  [43, "EIDRM", "Identifier removed"],
  [44, "ECHRNG", "Channel number out of range"],
  [45, "EL2NSYNC", "Level 2 not synchronized"],
  [46, "EL3HLT", "Level 3 halted"],
  [47, "EL3RST", "Level 3 reset"],
  [48, "ELNRNG", "Link number out of range"],
  [49, "EUNATCH", "Protocol driver not attached"],
  [50, "ENOCSI", "No CSI structure available"],
  [51, "EL2HLT", "Level 2 halted"],
  [52, "EBADE", "Invalid exchange"],
  [53, "EBADR", "Invalid request descriptor"],
  [54, "EXFULL", "Exchange full"],
  [55, "ENOANO", "No anode"],
  [56, "EBADRQC", "Invalid request code"],
  [57, "EBADSLT", "Invalid slot"],
  [59, "EBFONT", "Bad font file format"],
  [60, "ENOSTR", "Device not a stream"],
  [61, "ENODATA", "No data available"],
  [62, "ETIME", "Timer expired"],
  [63, "ENOSR", "Out of streams resources"],
  [64, "ENONET", "Machine is not on the network"],
  [65, "ENOPKG", "Package not installed"],
  [66, "EREMOTE", "Object is remote"],
  [67, "ENOLINK", "Link has been severed"],
  [68, "EADV", "Advertise error"],
  [69, "ESRMNT", "Srmount error"],
  [70, "ECOMM", "Communication error on send"],
  [71, "EPROTO", "Protocol error"],
  [72, "EMULTIHOP", "Multihop attempted"],
  [73, "EDOTDOT", "RFS specific error"],
  [74, "EBADMSG", "Bad message"],
  [75, "EOVERFLOW", "Value too large for defined data type"],
  [76, "ENOTUNIQ", "Name not unique on network"],
  [77, "EBADFD", "File descriptor in bad state"],
  [78, "EREMCHG", "Remote address changed"],
  [79, "ELIBACC", "Can not access a needed shared library"],
  [80, "ELIBBAD", "Accessing a corrupted shared library"],
  [81, "ELIBSCN", ".lib section in a.out corrupted"],
  [82, "ELIBMAX", "Attempting to link in too many shared libraries"],
  [83, "ELIBEXEC", "Cannot exec a shared library directly"],
  [84, "EILSEQ", "Invalid or incomplete multibyte or wide character"],
  [85, "ERESTART", "Interrupted system call should be restarted"],
  [86, "ESTRPIPE", "Streams pipe error"],
  [87, "EUSERS", "Too many users"],
  [88, "ENOTSOCK", "Socket operation on non-socket"],
  [89, "EDESTADDRREQ", "Destination address required"],
  [90, "EMSGSIZE", "Message too long"],
  [91, "EPROTOTYPE", "Protocol wrong type for socket"],
  [92, "ENOPROTOOPT", "Protocol not available"],
  [93, "EPROTONOSUPPORT", "Protocol not supported"],
  [94, "ESOCKTNOSUPPORT", "Socket type not supported"],
  [95, "EOPNOTSUPP", "Operation not supported"],
  [96, "EPFNOSUPPORT", "Protocol family not supported"],
  [97, "EAFNOSUPPORT", "Address family not supported by protocol"],
  [98, "EADDRINUSE", "Address already in use"],
  [99, "EADDRNOTAVAIL", "Cannot assign requested address"],
  [100, "ENETDOWN", "Network is down"],
  [101, "ENETUNREACH", "Network is unreachable"],
  [102, "ENETRESET", "Network dropped connection on reset"],
  [103, "ECONNABORTED", "Software caused connection abort"],
  [104, "ECONNRESET", "Connection reset by peer"],
  [105, "ENOBUFS", "No buffer space available"],
  [106, "EISCONN", "Transport endpoint is already connected"],
  [107, "ENOTCONN", "Transport endpoint is not connected"],
  [108, "ESHUTDOWN", "Cannot send after transport endpoint shutdown"],
  [109, "ETOOMANYREFS", "Too many references: cannot splice"],
  [110, "ETIMEDOUT", "Connection timed out"],
  [111, "ECONNREFUSED", "Connection refused"],
  [112, "EHOSTDOWN", "Host is down"],
  [113, "EHOSTUNREACH", "No route to host"],
  [114, "EALREADY", "Operation already in progress"],
  [115, "EINPROGRESS", "Operation now in progress"],
  [116, "ESTALE", "Stale file handle"],
  [117, "EUCLEAN", "Structure needs cleaning"],
  [118, "ENOTNAM", "Not a XENIX named type file"],
  [119, "ENAVAIL", "No XENIX semaphores available"],
  [120, "EISNAM", "Is a named type file"],
  [121, "EREMOTEIO", "Remote I/O error"],
  [122, "EDQUOT", "Disk quota exceeded"],
  [123, "ENOMEDIUM", "No medium found"],
  [124, "EMEDIUMTYPE", "Wrong medium type"],
  [125, "ECANCELED", "Operation canceled"],
  [126, "ENOKEY", "Required key not available"],
  [127, "EKEYEXPIRED", "Key has expired"],
  [128, "EKEYREVOKED", "Key has been revoked"],
  [129, "EKEYREJECTED", "Key was rejected by service"],
  [130, "EOWNERDEAD", "Owner died"],
  [131, "ENOTRECOVERABLE", "State not recoverable"],
  [132, "ERFKILL", "Operation not possible due to RF-kill"]
] as const).map(([number, name, text]) => ({ number, name, text }));

/** Alternative errno names (glibc aliases) accepted in scripts. */
const ERRNO_ALIASES: Readonly<Record<string, number>> = {
  EWOULDBLOCK: 11, EDEADLOCK: 35, ENOTSUP: 95,
};

function withPfAliases(families: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(families).map(([k, v]) => [k.replace(/^AF_/, "PF_"), v]));
}

/**
 * Every named integer a script may use, name → value (`NULL` = 0 included). Errno names are in
 * here too, so `= -1 EAGAIN` and `[ECONNRESET]` both evaluate.
 */
export const LINUX_SYMBOLS: Readonly<Record<string, number>> = Object.freeze({
  NULL: 0,
  ...ADDRESS_FAMILIES, ...withPfAliases(ADDRESS_FAMILIES), ...SOCKET_TYPES, ...PROTOCOLS, ...LEVELS,
  ...SHUTDOWN, ...SOCKET_OPTIONS, ...CONTROL_MESSAGES, ...TCP_OPTIONS, ...TCP_NLA, ...IP_OPTIONS,
  ...IPV6_OPTIONS, ...OPEN_FLAGS, ...FCNTL, ...MESSAGE_FLAGS, ...IOCTLS, ...POLL_EVENTS, ...EPOLL,
  ...SPLICE_AND_CAPS, ...MPTCP_OPTIONS,
  ...Object.fromEntries(ERRNOS.map((e) => [e.name, e.number])), ...ERRNO_ALIASES,
});

/** The value of a symbol, or `undefined` when the name is unknown. */
export function lookupSymbol(name: string): number | undefined {
  return Object.hasOwn(LINUX_SYMBOLS, name) ? LINUX_SYMBOLS[name] : undefined;
}

/** The errno entry for a number, or `undefined` when Linux defines none. */
export function errnoInfo(errno: number): ErrnoInfo | undefined {
  return ERRNOS.find((e) => e.number === errno);
}

/** The errno number for a name or alias (`EAGAIN`, `EWOULDBLOCK`), or `undefined`. */
export function errnoNumber(name: string): number | undefined {
  return ERRNOS.find((e) => e.name === name)?.number ?? ERRNO_ALIASES[name];
}

/** glibc's `strerror` text, or `Unknown error N` like glibc for numbers Linux does not define. */
export function strerror(errno: number): string {
  return errnoInfo(errno)?.text ?? `Unknown error ${errno}`;
}
