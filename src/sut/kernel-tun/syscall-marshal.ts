/**
 * Turning an evaluated syscall ({@link SyscallRequest}) into C arguments, and the kernel's
 * write-backs into out-values of the same shapes (pkt-language.md §6.2, §6.3). Each call has one
 * marshaller; a string result is an argument error (nothing runs).
 */
import type { CmsgValue, MsghdrValue, SockaddrValue, SyscallName, SysValue } from "../sut.ts";
import { realtimeOffsetNs } from "./clock.ts";
import {
  EPOLL_EVENT_LEN, POLLFD_LEN, bufferFor, controlSpaceFor, decodeCmsgs, encodeCmsgs, encodeIovecs,
  encodeMsghdr, iovecsAfterRead, readMsghdrResult, type KeepAlive,
} from "./c-structs.ts";
import type { Libc } from "./libc.ts";
import { SOCKADDR_STORAGE_LEN, decodeSockaddr, encodeSockaddr } from "./sockaddr.ts";

/** A call ready to run. */
export interface Marshalled {
  readonly fn: Exclude<keyof Libc, "errno" | "address">;
  readonly args: unknown[];
  /** Variadic functions (fcntl, ioctl, open) run synchronously only. */
  readonly variadic: boolean;
  /** Syscall numbers that may carry it (x86_64), for the blocking probe. */
  readonly nrs: readonly number[];
  /** First argument when it is an fd (matched by the probe), else null. */
  readonly fdArg: number | null;
  readonly keep: KeepAlive;
  unmarshal(ret: number): (SysValue | null)[];
}

type Marshaller = (a: readonly SysValue[], libc: Libc) => Marshalled | string;

class ArgError extends Error {}

function int(v: SysValue | undefined, what: string): number {
  if (v?.kind === "int") return v.value;
  if (v?.kind === "null") return 0;
  throw new ArgError(`${what}: expected an integer, got ${v?.kind ?? "nothing"}`);
}

function buf(v: SysValue | undefined, keep: KeepAlive, what: string): Buffer | null {
  if (v === undefined) throw new ArgError(`${what}: missing`);
  const b = bufferFor(v, keep);
  if (typeof b === "string") throw new ArgError(`${what}: ${b}`);
  return b;
}

function sockaddrArg(v: SysValue | undefined, keep: KeepAlive, what: string): Buffer | null {
  if (v === undefined || v.kind === "null") return null;
  if (v.kind === "int") {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(v.value, 0);
    keep.push(b);
    return b;
  }
  if (v.kind === "bytes") return buf(v, keep, what);
  if (v.kind !== "sockaddr") throw new ArgError(`${what}: expected a sockaddr, got ${v.kind}`);
  const enc = encodeSockaddr(v);
  if (enc === null) throw new ArgError(`${what}: bad ${v.family} address '${v.address}'`);
  const b = Buffer.from(enc);
  keep.push(b);
  return b;
}

/** Storage for an address the kernel writes back (`...`, a sockaddr or NULL). */
function addrOut(v: SysValue | undefined, keep: KeepAlive): { addr: Buffer | null; len: Buffer | null } {
  if (v === undefined || v.kind === "null") return { addr: null, len: null };
  const addr = Buffer.alloc(SOCKADDR_STORAGE_LEN);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(SOCKADDR_STORAGE_LEN);
  keep.push(addr, len);
  return { addr, len };
}

function addrOutValue(o: { addr: Buffer | null; len: Buffer | null }): [SockaddrValue | null, SysValue | null] {
  if (o.addr === null || o.len === null) return [null, null];
  const n = o.len.readUInt32LE(0);
  return [decodeSockaddr(o.addr, n), { kind: "intPtr", value: n }];
}

function readBack(v: SysValue | undefined, b: Buffer | null, n: number): SysValue | null {
  if (b === null || v?.kind !== "buffer") return null;
  return { kind: "buffer", length: v.length, data: new Uint8Array(b.subarray(0, Math.max(0, n))) };
}

const NR = {
  read: [0], write: [1], open: [2], close: [3], poll: [7, 271], ioctl: [16], readv: [19], writev: [20],
  pipe: [22, 293], sendfile: [40], connect: [42], accept: [43, 288], sendto: [44], recvfrom: [45],
  sendmsg: [46], recvmsg: [47], shutdown: [48], bind: [49], listen: [50], setsockopt: [54],
  getsockopt: [55], fcntl: [72], epoll_create: [213, 291], epoll_wait: [232, 281], epoll_ctl: [233],
  splice: [275],
} as const;

function simple(fn: Marshalled["fn"], nrs: readonly number[], args: unknown[], fdArg: number | null, keep: KeepAlive = [], variadic = false,
  unmarshal: (ret: number) => (SysValue | null)[] = () => []): Marshalled {
  return { fn, args, variadic, nrs, fdArg, keep, unmarshal };
}

const readLike = (fn: "read" | "recv"): Marshaller => (a) => {
  const keep: KeepAlive = [];
  const fd = int(a[0], "fd");
  const b = buf(a[1], keep, "buffer");
  const count = int(a[2], "count");
  const args = fn === "read" ? [fd, b, count] : [fd, b, count, int(a[3], "flags")];
  return simple(fn, fn === "read" ? NR.read : NR.recvfrom, args, fd, keep, false, (ret) => [null, readBack(a[1], b, ret)]);
};

const writeLike = (fn: "write" | "send"): Marshaller => (a) => {
  const keep: KeepAlive = [];
  const fd = int(a[0], "fd");
  const count = int(a[2], "count");
  const src = a[1]?.kind === "buffer" ? { ...a[1], length: Math.max(a[1].length, count) } : a[1];
  const b = buf(src, keep, "buffer");
  const args = fn === "write" ? [fd, b, count] : [fd, b, count, int(a[3], "flags")];
  return simple(fn, fn === "write" ? NR.write : NR.sendto, args, fd, keep);
};

const iovCall = (fn: "readv" | "writev"): Marshaller => (a, libc) => {
  const keep: KeepAlive = [];
  const fd = int(a[0], "fd");
  const list = a[1];
  if (list?.kind !== "list" || !list.items.every((i) => i.kind === "iovec")) throw new ArgError("iov: expected a list of iovecs");
  const iov = list.items.filter((i) => i.kind === "iovec");
  const enc = encodeIovecs(libc, iov, keep);
  if (typeof enc === "string") throw new ArgError(`iov: ${enc}`);
  return simple(fn, NR[fn], [fd, enc.arr, int(a[2], "iovcnt")], fd, keep, false,
    (ret) => (fn === "readv" ? [null, iovecsAfterRead(iov, enc.bases, ret)] : []));
};

/**
 * SCM_TIMESTAMPING times come on CLOCK_REALTIME; the SUT reports them on its own clock
 * (CLOCK_MONOTONIC), like every other time it hands out. A 0/0 time (not reported) stays 0.
 */
function toSutClock(cmsgs: CmsgValue[], libc: Libc): CmsgValue[] {
  if (!cmsgs.some((c) => c.data.kind === "timestamping")) return cmsgs;
  const offset = realtimeOffsetNs((id, ts) => libc.clock_gettime(id, ts));
  return cmsgs.map((c): CmsgValue => {
    if (c.data.kind !== "timestamping") return c;
    const times = c.data.times.map((t) => {
      if (t.sec === 0 && t.nsec === 0) return t;
      const ns = BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec) - offset;
      return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
    });
    return { ...c, data: { kind: "timestamping", times } };
  });
}

function msgCall(fn: "recvmsg" | "sendmsg"): Marshaller {
  return (a, libc) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const m = a[1];
    if (m?.kind !== "msghdr") throw new ArgError("msg: expected a msghdr");
    const iov = encodeIovecs(libc, m.iov, keep);
    if (typeof iov === "string") throw new ArgError(`msg_iov: ${iov}`);
    const recv = fn === "recvmsg";
    const name = recv ? addrOut(m.name.kind === "null" ? m.name : { kind: "ellipsis" }, keep).addr : sockaddrArg(m.name.kind === "ellipsis" ? undefined : m.name, keep, "msg_name");
    const control = recv
      ? Buffer.alloc(m.controlLength ?? (m.control ? controlSpaceFor(m.control) : 0))
      : m.control && m.control.length > 0 ? encodeCmsgs(m.control) : null;
    if (control) keep.push(control);
    const hdr = encodeMsghdr(libc, { name, iov: iov.arr, iovlen: m.iov.length, control, flags: recv ? 0 : m.flags });
    keep.push(hdr);
    return simple(fn, NR[fn], [fd, hdr, int(a[2], "flags")], fd, keep, false, (ret) => {
      if (!recv) return [];
      const r = readMsghdrResult(hdr);
      const out: MsghdrValue = {
        kind: "msghdr", flags: r.flags,
        name: name && r.namelen > 0 ? (decodeSockaddr(name, r.namelen) ?? { kind: "null" }) : m.name,
        iov: (iovecsAfterRead(m.iov, iov.bases, ret) as { items: MsghdrValue["iov"] }).items,
        control: control ? toSutClock(decodeCmsgs(control, r.controllen), libc) : [],
      };
      return [null, out];
    });
  };
}

export { ArgError, NR, addrOut, addrOutValue, buf, int, readBack, simple, sockaddrArg };

/** Marshallers for the I/O half of the calls; the socket half is in socket-marshal.ts. */
export const IO_MARSHALLERS: Partial<Record<SyscallName, Marshaller>> = {
  read: readLike("read"), recv: readLike("recv"), write: writeLike("write"), send: writeLike("send"),
  readv: iovCall("readv"), writev: iovCall("writev"), recvmsg: msgCall("recvmsg"), sendmsg: msgCall("sendmsg"),
  recvfrom: (a) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const b = buf(a[1], keep, "buffer");
    const o = addrOut(a[4], keep);
    return simple("recvfrom", NR.recvfrom, [fd, b, int(a[2], "count"), int(a[3], "flags"), o.addr, o.len], fd, keep, false,
      (ret) => [null, readBack(a[1], b, ret), null, null, ...addrOutValue(o)]);
  },
  sendto: (a) => {
    const keep: KeepAlive = [];
    const fd = int(a[0], "fd");
    const count = int(a[2], "count");
    const src = a[1]?.kind === "buffer" ? { ...a[1], length: Math.max(a[1].length, count) } : a[1];
    const b = buf(src, keep, "buffer");
    const sa = sockaddrArg(a[4], keep, "dest_addr");
    const len = a[5]?.kind === "int" ? a[5].value : (sa?.length ?? 0);
    return simple("sendto", NR.sendto, [fd, b, count, int(a[3], "flags"), sa, len], fd, keep);
  },
  sendfile: (a) => {
    const keep: KeepAlive = [];
    const off = a[2]?.kind === "intPtr" ? Buffer.alloc(8) : null;
    if (off && a[2]?.kind === "intPtr") { off.writeBigInt64LE(BigInt(a[2].value)); keep.push(off); }
    const fd = int(a[0], "out_fd");
    return simple("sendfile", NR.sendfile, [fd, int(a[1], "in_fd"), off, int(a[3], "count")], fd, keep, false,
      () => [null, null, off ? { kind: "intPtr", value: Number(off.readBigInt64LE(0)) } : null]);
  },
  splice: (a) => {
    const keep: KeepAlive = [];
    const offPtr = (v: SysValue | undefined): Buffer | null => {
      if (v?.kind !== "intPtr") return null;
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v.value));
      keep.push(b);
      return b;
    };
    const fd = int(a[0], "fd_in");
    return simple("splice", NR.splice, [fd, offPtr(a[1]), int(a[2], "fd_out"), offPtr(a[3]), int(a[4], "len"), int(a[5], "flags")], fd, keep);
  },
  pipe: () => {
    const fds = Buffer.alloc(8);
    return simple("pipe", NR.pipe, [fds], null, [fds], false,
      () => [{ kind: "list", items: [{ kind: "int", value: fds.readInt32LE(0) }, { kind: "int", value: fds.readInt32LE(4) }] }]);
  },
};

export { EPOLL_EVENT_LEN, POLLFD_LEN };
export type { Marshaller };
