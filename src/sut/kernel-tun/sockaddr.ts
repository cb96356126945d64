/**
 * `struct sockaddr_in` / `sockaddr_in6` encoding and decoding for the syscall layer, including
 * IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2). Pure: no I/O.
 */
import type { SockaddrValue } from "../sut.ts";

/** sizeof(struct sockaddr_in), sizeof(struct sockaddr_in6), sizeof(struct sockaddr_storage). */
export const SOCKADDR_IN_LEN = 16;
export const SOCKADDR_IN6_LEN = 28;
export const SOCKADDR_STORAGE_LEN = 128;
const AF_INET = 2;
const AF_INET6 = 10;

/** Parse dotted IPv4 text to 4 bytes, or null. */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (const [i, p] of parts.entries()) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

/** Parse IPv6 text (with `::` and an optional trailing dotted IPv4) to 16 bytes, or null. */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  const tail: number[] = [];
  if (s.includes(".")) {
    const at = s.lastIndexOf(":");
    const v4 = parseIpv4(s.slice(at + 1));
    if (v4 === null) return null;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    s = s.slice(0, at + 1);
    if (!s.endsWith("::")) s = s.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const grp = (h: string | undefined): number[] | null => {
    if (h === undefined || h === "") return [];
    const gs = h.split(":");
    return gs.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? gs.map((g) => parseInt(g, 16)) : null;
  };
  const head = grp(halves[0]);
  const rest = grp(halves[1]);
  if (head === null || rest === null) return null;
  const fill = 8 - tail.length - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return null;
  const groups = [...head, ...Array<number>(fill).fill(0), ...rest, ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Text of 16 address bytes: `::ffff:a.b.c.d` for v4-mapped, else RFC 5952 compressed. */
export function formatIpv6(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${Array.from(b.subarray(12)).join(".")}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** `sockaddr_in` for an IPv4 address. */
export function sockaddrIn(address: string, port: number): SockaddrValue {
  return { kind: "sockaddr", family: "inet", address, port };
}

/** `sockaddr_in6` for an IPv6 address. */
export function sockaddrIn6(address: string, port: number, flowinfo = 0, scopeId = 0): SockaddrValue {
  return { kind: "sockaddr", family: "inet6", address, port, flowinfo, scopeId };
}

/** `sockaddr_in6` holding the IPv4-mapped form of an IPv4 address. */
export function sockaddrV4Mapped(ipv4: string, port: number): SockaddrValue {
  return sockaddrIn6(`::ffff:${ipv4}`, port);
}

/** Encode to C layout; null when the address text does not fit the family. */
export function encodeSockaddr(sa: SockaddrValue): Uint8Array | null {
  if (sa.family === "unspec") return new Uint8Array(SOCKADDR_IN_LEN);
  const v4 = sa.family === "inet";
  const addr = v4 ? parseIpv4(sa.address) : parseIpv6(sa.address);
  if (addr === null) return null;
  const out = new Uint8Array(v4 ? SOCKADDR_IN_LEN : SOCKADDR_IN6_LEN);
  const v = new DataView(out.buffer);
  v.setUint16(0, v4 ? AF_INET : AF_INET6, true);
  v.setUint16(2, sa.port);
  if (v4) out.set(addr, 4);
  else {
    v.setUint32(4, sa.flowinfo ?? 0);
    out.set(addr, 8);
    v.setUint32(24, sa.scopeId ?? 0, true);
  }
  return out;
}

/** Decode `len` bytes of a sockaddr written by the kernel; null for other families. */
export function decodeSockaddr(bytes: Uint8Array, len: number): SockaddrValue | null {
  if (len < 2) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = v.getUint16(0, true);
  if (family === AF_INET && len >= SOCKADDR_IN_LEN) {
    return sockaddrIn(Array.from(bytes.subarray(4, 8)).join("."), v.getUint16(2));
  }
  if (family === AF_INET6 && len >= SOCKADDR_IN6_LEN) {
    return sockaddrIn6(formatIpv6(bytes.subarray(8, 24)), v.getUint16(2), v.getUint32(4), v.getUint32(24, true));
  }
  return null;
}
