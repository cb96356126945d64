/**
 * C layouts (Linux x86_64) of the structs syscalls take: iovec, msghdr, cmsghdr + payloads,
 * pollfd, epoll_event, linger, timeval. Encoders build Buffers from {@link SysValue}s and decoders
 * read the kernel's write-backs into the same shapes (pkt-language.md §6.2).
 */
import type { CmsgData, CmsgValue, IovecValue, SysValue } from "../sut.ts";
import type { Libc } from "./libc.ts";

/** sizeof(struct msghdr), iovec, cmsghdr, pollfd, epoll_event (packed), linger, timeval. */
export const MSGHDR_LEN = 56;
export const IOVEC_LEN = 16;
export const CMSGHDR_LEN = 16;
export const POLLFD_LEN = 8;
export const EPOLL_EVENT_LEN = 12;

const SOL_IP = 0;
const SOL_SOCKET = 1;
const SOL_IPV6 = 41;
const IP_RECVERR = 11;
const IPV6_RECVERR = 25;
const SCM_TIMESTAMPING = 37;
const SCM_TIMESTAMPING_OPT_STATS = 54;

/** CMSG_ALIGN: round up to 8 bytes. */
export function cmsgAlign(n: number): number {
  return (n + 7) & ~7;
}

/** Buffers that must stay alive while a call uses pointers to them. */
export type KeepAlive = Uint8Array[];

/** Storage behind a buffer-like argument; null for NULL. */
export function bufferFor(v: SysValue, keep: KeepAlive): Buffer | null | string {
  switch (v.kind) {
    case "null": return null;
    case "buffer": {
      const b = Buffer.alloc(v.length);
      if (v.data) b.set(v.data.subarray(0, v.length));
      keep.push(b);
      return b;
    }
    case "bytes": { const b = Buffer.from(v.value); keep.push(b); return b; }
    case "string": { const b = Buffer.from(`${v.value}\0`, "latin1"); keep.push(b); return b; }
    default: return `expected a buffer or NULL, got ${v.kind}`;
  }
}

/** Encode an iovec array; returns the array buffer (whose pointers reference `keep`). */
export function encodeIovecs(libc: Libc, iov: readonly IovecValue[], keep: KeepAlive): { arr: Buffer; bases: (Buffer | null)[] } | string {
  const arr = Buffer.alloc(Math.max(1, iov.length) * IOVEC_LEN);
  const bases: (Buffer | null)[] = [];
  for (const [i, v] of iov.entries()) {
    const base = v.base.kind === "null" ? null : bufferFor({ ...v.base, length: Math.max(v.base.length, v.len) }, keep);
    if (typeof base === "string") return base;
    arr.writeBigUInt64LE(base === null ? 0n : libc.address(base), i * IOVEC_LEN);
    arr.writeBigUInt64LE(BigInt(v.len), i * IOVEC_LEN + 8);
    bases.push(base);
  }
  keep.push(arr);
  return { arr, bases };
}

/** The iovecs after a read of `n` bytes: data filled in order. */
export function iovecsAfterRead(iov: readonly IovecValue[], bases: readonly (Buffer | null)[], n: number): SysValue {
  let left = Math.max(0, n);
  const items = iov.map((v, i): IovecValue => {
    const base = bases[i];
    const take = Math.min(left, v.len);
    left -= take;
    if (base == null || v.base.kind === "null") return v;
    return { kind: "iovec", len: v.len, base: { kind: "buffer", length: v.base.length, data: new Uint8Array(base.subarray(0, take)) } };
  });
  return { kind: "list", items };
}

function cmsgDataBytes(c: CmsgValue): Uint8Array {
  const d = c.data;
  switch (d.kind) {
    case "int": { const b = Buffer.alloc(4); b.writeInt32LE(d.value); return b; }
    case "bytes": return d.value;
    case "timestamping": {
      const b = Buffer.alloc(48);
      d.times.slice(0, 3).forEach((t, i) => { b.writeBigInt64LE(BigInt(t.sec), 16 * i); b.writeBigInt64LE(BigInt(t.nsec), 16 * i + 8); });
      return b;
    }
    case "extendedErr": {
      const b = Buffer.alloc(16);
      b.writeUInt32LE(d.eeErrno, 0); b[4] = d.eeOrigin; b[5] = d.eeType; b[6] = d.eeCode;
      b.writeUInt32LE(d.eeInfo, 8); b.writeUInt32LE(d.eeData, 12);
      return b;
    }
    case "nla": {
      const b = Buffer.alloc(d.attrs.length * 12);
      d.attrs.forEach((a, i) => { b.writeUInt16LE(12, 12 * i); b.writeUInt16LE(a.type, 12 * i + 2); b.writeBigUInt64LE(a.value, 12 * i + 4); });
      return b;
    }
  }
}

/** Encode cmsgs for sendmsg (CMSG_SPACE-aligned records). */
export function encodeCmsgs(cmsgs: readonly CmsgValue[]): Buffer {
  const datas = cmsgs.map(cmsgDataBytes);
  const out = Buffer.alloc(datas.reduce((n, d) => n + CMSGHDR_LEN + cmsgAlign(d.length), 0));
  let off = 0;
  cmsgs.forEach((c, i) => {
    const d = datas[i]!;
    out.writeBigUInt64LE(BigInt(CMSGHDR_LEN + d.length), off);
    out.writeInt32LE(c.level, off + 8);
    out.writeInt32LE(c.type, off + 12);
    out.set(d, off + CMSGHDR_LEN);
    off += CMSGHDR_LEN + cmsgAlign(d.length);
  });
  return out;
}

/** Default msg_controllen for recvmsg: room for each expected cmsg's natural payload. */
export function controlSpaceFor(cmsgs: readonly CmsgValue[]): number {
  const natural = (d: CmsgData): number =>
    d.kind === "int" ? 4 : d.kind === "bytes" ? d.value.length : d.kind === "timestamping" ? 48
      : d.kind === "extendedErr" ? 16 + 28 : d.attrs.length * 12 + 64;
  return cmsgs.reduce((n, c) => n + CMSGHDR_LEN + cmsgAlign(natural(c.data)), 0);
}

function decodeNla(b: Buffer): CmsgData {
  const attrs: { type: number; value: bigint }[] = [];
  for (let off = 0; off + 4 <= b.length; ) {
    const len = b.readUInt16LE(off);
    if (len < 4) break;
    const type = b.readUInt16LE(off + 2);
    const n = len - 4;
    const value = n >= 8 ? b.readBigUInt64LE(off + 4) : n >= 4 ? BigInt(b.readUInt32LE(off + 4))
      : n >= 2 ? BigInt(b.readUInt16LE(off + 4)) : n >= 1 ? BigInt(b[off + 4]!) : 0n;
    attrs.push({ type, value });
    off += (len + 3) & ~3;
  }
  return { kind: "nla", attrs };
}

function decodeCmsgData(level: number, type: number, b: Buffer): CmsgData {
  if (level === SOL_SOCKET && type === SCM_TIMESTAMPING && b.length >= 48) {
    return { kind: "timestamping", times: [0, 1, 2].map((i) => ({ sec: Number(b.readBigInt64LE(16 * i)), nsec: Number(b.readBigInt64LE(16 * i + 8)) })) };
  }
  if (level === SOL_SOCKET && type === SCM_TIMESTAMPING_OPT_STATS) return decodeNla(b);
  if (((level === SOL_IP && type === IP_RECVERR) || (level === SOL_IPV6 && type === IPV6_RECVERR)) && b.length >= 16) {
    return { kind: "extendedErr", eeErrno: b.readUInt32LE(0), eeOrigin: b[4]!, eeType: b[5]!, eeCode: b[6]!, eeInfo: b.readUInt32LE(8), eeData: b.readUInt32LE(12) };
  }
  if (b.length === 4) return { kind: "int", value: b.readInt32LE(0) };
  if (b.length === 1) return { kind: "int", value: b[0]! };
  return { kind: "bytes", value: new Uint8Array(b) };
}

/** Decode the `len` bytes of control data the kernel wrote. */
export function decodeCmsgs(control: Buffer, len: number): CmsgValue[] {
  const out: CmsgValue[] = [];
  for (let off = 0; off + CMSGHDR_LEN <= len; ) {
    const clen = Number(control.readBigUInt64LE(off));
    if (clen < CMSGHDR_LEN || off + clen > len) break;
    const level = control.readInt32LE(off + 8);
    const type = control.readInt32LE(off + 12);
    out.push({ kind: "cmsg", level, type, data: decodeCmsgData(level, type, control.subarray(off + CMSGHDR_LEN, off + clen)) });
    off += cmsgAlign(clen);
  }
  return out;
}

/** Write a msghdr's fields. Pointers come from `libc.address`. */
export function encodeMsghdr(
  libc: Libc,
  parts: { name: Buffer | null; iov: Buffer; iovlen: number; control: Buffer | null; flags: number },
): Buffer {
  const m = Buffer.alloc(MSGHDR_LEN);
  m.writeBigUInt64LE(parts.name ? libc.address(parts.name) : 0n, 0);
  m.writeUInt32LE(parts.name ? parts.name.length : 0, 8);
  m.writeBigUInt64LE(libc.address(parts.iov), 16);
  m.writeBigUInt64LE(BigInt(parts.iovlen), 24);
  m.writeBigUInt64LE(parts.control && parts.control.length > 0 ? libc.address(parts.control) : 0n, 32);
  m.writeBigUInt64LE(BigInt(parts.control ? parts.control.length : 0), 40);
  m.writeInt32LE(parts.flags, 48);
  return m;
}

/** The kernel's write-backs in a msghdr: namelen, controllen, flags. */
export function readMsghdrResult(m: Buffer): { namelen: number; controllen: number; flags: number } {
  return { namelen: m.readUInt32LE(8), controllen: Number(m.readBigUInt64LE(40)), flags: m.readInt32LE(48) };
}
