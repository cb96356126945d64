/**
 * Marshallers for socket control, options, polling and file calls (pkt-language.md §6.3):
 * socket, bind, listen, accept, connect, close, shutdown, getsockopt, setsockopt (incl.
 * SOL_MPTCP), fcntl, ioctl, open, poll, epoll_create/ctl/wait. Out-values mirror the input shapes.
 */
import type { SyscallName, SysValue } from "../sut.ts";
import type { KeepAlive } from "./c-structs.ts";
import {
  ArgError, EPOLL_EVENT_LEN, NR, POLLFD_LEN, addrOut, addrOutValue, buf, int, simple, sockaddrArg,
  type Marshaller,
} from "./syscall-marshal.ts";

/** Bytes and natural length of a setsockopt/getsockopt optval. */
function optvalIn(v: SysValue | undefined, keep: KeepAlive, outLen: number | null): Buffer | null {
  if (v === undefined) throw new ArgError("optval: missing");
  let b: Buffer | null;
  switch (v.kind) {
    case "null": return null;
    case "int": case "intPtr": b = Buffer.alloc(Math.max(4, outLen ?? 4)); b.writeInt32LE(v.value); break;
    case "linger": b = Buffer.alloc(8); b.writeInt32LE(v.onoff, 0); b.writeInt32LE(v.linger, 4); break;
    case "timeval": b = Buffer.alloc(16); b.writeBigInt64LE(BigInt(v.sec), 0); b.writeBigInt64LE(BigInt(v.usec), 8); break;
    case "string": b = Buffer.alloc(Math.max(v.value.length + 1, outLen ?? 0)); b.write(v.value, "latin1"); break;
    case "buffer": case "bytes": return buf(outLen !== null && v.kind === "buffer" ? { ...v, length: Math.max(v.length, outLen) } : v, keep, "optval");
    default: throw new ArgError(`optval: unsupported ${v.kind}`);
  }
  keep.push(b);
  return b;
}

/** The getsockopt optval read back in the shape it was passed. */
function optvalOut(v: SysValue | undefined, b: Buffer | null, len: number): SysValue | null {
  if (b === null || v === undefined) return null;
  switch (v.kind) {
    case "int": case "intPtr": return { kind: "intPtr", value: len >= 4 ? b.readInt32LE(0) : len > 0 ? b[0]! : 0 };
    case "linger": return { kind: "linger", onoff: b.readInt32LE(0), linger: b.readInt32LE(4) };
    case "timeval": return { kind: "timeval", sec: Number(b.readBigInt64LE(0)), usec: Number(b.readBigInt64LE(8)) };
    case "string": return { kind: "string", value: b.toString("latin1", 0, len).replace(/\0.*$/s, "") };
    case "buffer": return { kind: "buffer", length: v.length, data: new Uint8Array(b.subarray(0, len)) };
    case "bytes": return { kind: "bytes", value: new Uint8Array(b.subarray(0, len)) };
    default: return null;
  }
}

function pollfds(v: SysValue | undefined, keep: KeepAlive): { arr: Buffer; n: number } {
  if (v?.kind !== "list" || !v.items.every((i) => i.kind === "pollfd")) throw new ArgError("fds: expected a list of pollfds");
  const arr = Buffer.alloc(Math.max(1, v.items.length) * POLLFD_LEN);
  v.items.forEach((p, i) => {
    if (p.kind !== "pollfd") return;
    arr.writeInt32LE(p.fd, i * POLLFD_LEN);
    arr.writeInt16LE(p.events << 16 >> 16, i * POLLFD_LEN + 4);
  });
  keep.push(arr);
  return { arr, n: v.items.length };
}

/** Marshallers for socket, option, poll and file calls. */
export const SOCKET_MARSHALLERS: Partial<Record<SyscallName, Marshaller>> = {
  socket: (a) => simple("socket", [41], [int(a[0], "domain"), int(a[1], "type"), int(a[2], "protocol")], null),
  bind: (a) => {
    const keep: KeepAlive = [];
    const sa = sockaddrArg(a[1], keep, "addr");
    const fd = int(a[0], "fd");
    return simple("bind", NR.bind, [fd, sa, a[2]?.kind === "int" ? a[2].value : (sa?.length ?? 0)], fd, keep);
  },
  connect: (a) => {
    const keep: KeepAlive = [];
    const sa = sockaddrArg(a[1], keep, "addr");
    const fd = int(a[0], "fd");
    return simple("connect", NR.connect, [fd, sa, a[2]?.kind === "int" ? a[2].value : (sa?.length ?? 0)], fd, keep);
  },
  listen: (a) => { const fd = int(a[0], "fd"); return simple("listen", NR.listen, [fd, int(a[1], "backlog")], fd); },
  close: (a) => { const fd = int(a[0], "fd"); return simple("close", NR.close, [fd], fd); },
  shutdown: (a) => { const fd = int(a[0], "fd"); return simple("shutdown", NR.shutdown, [fd, int(a[1], "how")], fd); },
  accept: (a) => {
    const keep: KeepAlive = [];
    const o = addrOut(a[1], keep);
    const fd = int(a[0], "fd");
    return simple("accept", NR.accept, [fd, o.addr, o.len], fd, keep, false, () => [null, ...addrOutValue(o)]);
  },
  getsockopt: (a) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const lenIn = a[4]?.kind === "intPtr" || a[4]?.kind === "int" ? a[4].value : null;
    const val = optvalIn(a[3], keep, lenIn);
    const len = a[4]?.kind === "null" ? null : Buffer.alloc(4);
    if (len) { len.writeUInt32LE(lenIn ?? val?.length ?? 0); keep.push(len); }
    return simple("getsockopt", NR.getsockopt, [fd, int(a[1], "level"), int(a[2], "optname"), val, len], fd, keep, false, () => {
      const n = len ? len.readUInt32LE(0) : 0;
      return [null, null, null, optvalOut(a[3], val, n), len ? { kind: "intPtr", value: n } : null];
    });
  },
  setsockopt: (a) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const val = optvalIn(a[3], keep, null);
    const natural = a[3]?.kind === "string" ? a[3].value.length : (val?.length ?? 0);
    const len = a[4]?.kind === "int" || a[4]?.kind === "intPtr" ? a[4].value : natural;
    return simple("setsockopt", NR.setsockopt, [fd, int(a[1], "level"), int(a[2], "optname"), val, len], fd, keep);
  },
  fcntl: (a) => {
    const fd = int(a[0], "fd");
    const extra = a.length > 2 ? ["int", int(a[2], "arg")] : [];
    return simple("fcntl", NR.fcntl, [fd, int(a[1], "cmd"), ...extra], fd, [], true);
  },
  ioctl: (a) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const arg = a[2];
    if (arg?.kind === "intPtr") {
      const b = Buffer.alloc(8);
      b.writeInt32LE(arg.value);
      keep.push(b);
      return simple("ioctl", NR.ioctl, [fd, int(a[1], "request"), "void *", b], fd, keep, true,
        () => [null, null, { kind: "intPtr", value: b.readInt32LE(0) }]);
    }
    const extra = arg === undefined ? [] : ["unsigned long", int(arg, "arg")];
    return simple("ioctl", NR.ioctl, [fd, int(a[1], "request"), ...extra], fd, keep, true);
  },
  open: (a) => {
    if (a[0]?.kind !== "string") throw new ArgError("pathname: expected a string");
    const extra = a.length > 2 ? ["int", int(a[2], "mode")] : [];
    return simple("open", NR.open, [a[0].value, int(a[1], "flags"), ...extra], null, [], true);
  },
  poll: (a) => {
    const keep: KeepAlive = [];
    const p = pollfds(a[0], keep);
    return simple("poll", NR.poll, [p.arr, int(a[1], "nfds"), int(a[2], "timeout")], null, keep, false, () => {
      const items = a[0]?.kind === "list" ? a[0].items : [];
      return [{ kind: "list", items: items.map((it, i) => (it.kind === "pollfd" ? { ...it, revents: p.arr.readUInt16LE(i * POLLFD_LEN + 6) } : it)) }];
    });
  },
  epoll_create: (a) => simple("epoll_create", NR.epoll_create, [int(a[0], "size")], null),
  epoll_ctl: (a) => {
    const keep: KeepAlive = [];
    const ev = a[3];
    let b: Buffer | null = null;
    if (ev?.kind === "epollEvent") {
      b = Buffer.alloc(EPOLL_EVENT_LEN);
      b.writeUInt32LE(ev.events >>> 0, 0);
      b.writeBigUInt64LE(BigInt(ev.data), 4);
      keep.push(b);
    } else if (ev !== undefined && ev.kind !== "null") throw new ArgError("event: expected an epoll_event or NULL");
    const fd = int(a[0], "epfd");
    return simple("epoll_ctl", NR.epoll_ctl, [fd, int(a[1], "op"), int(a[2], "fd"), b], fd, keep);
  },
  epoll_wait: (a) => {
    const max = int(a[2], "maxevents");
    const b = Buffer.alloc(Math.max(1, max) * EPOLL_EVENT_LEN);
    const fd = int(a[0], "epfd");
    return simple("epoll_wait", NR.epoll_wait, [fd, b, max, int(a[3], "timeout")], fd, [b], false, (ret) => [null, {
      kind: "list",
      items: Array.from({ length: Math.max(0, ret) }, (_, i) => ({
        kind: "epollEvent" as const, events: b.readUInt32LE(i * EPOLL_EVENT_LEN), data: Number(b.readBigUInt64LE(i * EPOLL_EVENT_LEN + 4)),
      })),
    }]);
  },
};
