/**
 * Mutators of the fuzz suite: script text (token-aware edits that keep most of a real script and
 * break one thing) and bytes (flips, cuts, splices, extreme length fields). Every choice comes
 * from the seeded generator handed in, so a case is replayed from its seed alone.
 */
import type { Rng } from "../../src/rng.ts";

/** A whole number in [0, n). */
export function pick(rng: Rng, n: number): number {
  return n <= 0 ? 0 : rng.nextRange(0, n);
}

function oneOf<T>(rng: Rng, xs: readonly T[]): T {
  return xs[pick(rng, xs.length)] as T;
}

/** Fragments a script's grammar knows, and some it does not. */
const TOKENS = [
  "[", "]", "{", "}", "(", ")", "<", ">", ",", ";", "=", "...", "+", "-", "*", "~", "|", "&", ":", ".", "..",
  "S", "S.", "F.", "R", "R.", "P.", ".", "ack", "win", "seq", "mss", "wscale", "sackOK", "nop", "TS", "val", "ecr",
  "mpcapable", "mp_capable", "dss", "dack8", "dsn8", "ssn", "dll", "add_address", "mp_join_syn", "mp_fastclose",
  "key[ckey=", "addr[", "sender_hmac=", "htons(", "inet_addr(", "socket(", "setsockopt(", "IPPROTO_MPTCP", "SOL_TCP",
  "0", "1", "-1", "65535", "4294967295", "4294967296", "18446744073709551616", "0x", "0xffffffffffffffff", "1e309",
  ".000001", "+.1", "@", "%{", "}%", "`", "\"", "\\", "//", "/*", "*/", "\n", "\r", "\t", "\0", "\u00ff", "\ufffd",
  "\ud800", "\u{1f600}", "--tolerance_usecs=", "--ip_version=ipv6", "--define", "--mtu=", "--non_fatal=packet",
];

/** Numbers that tend to sit on a boundary. */
const EXTREMES = ["0", "-0", "-1", "1", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296", "9007199254740993", "99999999999999999999999", "0x7fffffff", "1.5", "1e3", "NaN"];

/** One random edit of script text; `other` is another script to splice from. */
function editText(rng: Rng, text: string, other: string): string {
  const at = pick(rng, text.length + 1);
  const lines = text.split("\n");
  switch (pick(rng, 9)) {
    case 0: // delete a range
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + pick(rng, 24)));
    case 1: // insert a token
      return text.slice(0, at) + oneOf(rng, TOKENS) + text.slice(at);
    case 2: { // replace a number with an extreme
      const nums = [...text.matchAll(/\d+/g)];
      if (nums.length === 0) return text;
      const m = oneOf(rng, nums);
      return text.slice(0, m.index) + oneOf(rng, EXTREMES) + text.slice((m.index ?? 0) + m[0].length);
    }
    case 3: { // duplicate a line
      const i = pick(rng, lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    case 4: { // swap two lines
      const i = pick(rng, lines.length);
      const j = pick(rng, lines.length);
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      return lines.join("\n");
    }
    case 5: { // a line of another script
      const others = other.split("\n");
      lines.splice(pick(rng, lines.length + 1), 0, oneOf(rng, others));
      return lines.join("\n");
    }
    case 6: // one character → any code unit
      return text.slice(0, at) + String.fromCharCode(pick(rng, 0x10000)) + text.slice(at + 1);
    case 7: { // deep nesting or a long run
      const what = oneOf(rng, ["[", "{", "(", "x", "0", " "]);
      return text.slice(0, at) + what.repeat(1 + pick(rng, 5000)) + text.slice(at);
    }
    default: // cut the script short
      return text.slice(0, at);
  }
}

/** 1–4 random edits of `text`. */
export function mutateText(rng: Rng, text: string, other: string): string {
  let out = text;
  for (let n = 1 + pick(rng, 4); n > 0; n--) out = editText(rng, out, other);
  return out;
}

/** One random edit of bytes; `lengthAt` lists offsets of 32-bit length fields worth corrupting. */
function editBytes(rng: Rng, b: Uint8Array, lengthAt: readonly number[]): Uint8Array {
  if (b.length === 0) return new Uint8Array([pick(rng, 256)]);
  const at = pick(rng, b.length);
  switch (pick(rng, 7)) {
    case 0: { // flip bits of one byte
      const c = b.slice();
      c[at] = (c[at] as number) ^ (1 + pick(rng, 255));
      return c;
    }
    case 1: // cut the tail
      return b.slice(0, at);
    case 2: { // remove a range
      const end = Math.min(b.length, at + 1 + pick(rng, 64));
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(end)]);
    }
    case 3: { // duplicate a range
      const end = Math.min(b.length, at + 1 + pick(rng, 200));
      return Uint8Array.from([...b.subarray(0, end), ...b.subarray(at, end), ...b.subarray(end)]);
    }
    case 4: { // an extreme 32-bit value at a length field (either byte order)
      if (lengthAt.length === 0) return b;
      const c = b.slice();
      const off = oneOf(rng, lengthAt);
      const v = oneOf(rng, [0, 1, 3, 0xffff, 0x7fffffff, 0xffffffff, pick(rng, 0x1_0000_0000)]);
      if (off + 4 <= c.length) new DataView(c.buffer, c.byteOffset).setUint32(off, v, pick(rng, 2) === 0);
      return c;
    }
    case 5: { // random bytes over a range
      const c = b.slice();
      for (let i = at; i < Math.min(c.length, at + 1 + pick(rng, 16)); i++) c[i] = pick(rng, 256);
      return c;
    }
    default: // append garbage
      return Uint8Array.from([...b, ...Array.from({ length: 1 + pick(rng, 40) }, () => pick(rng, 256))]);
  }
}

/** 1–4 random edits of `bytes`. */
export function mutateBytes(rng: Rng, bytes: Uint8Array, lengthAt: readonly number[] = []): Uint8Array {
  let out = bytes;
  for (let n = 1 + pick(rng, 4); n > 0; n--) out = editBytes(rng, out, lengthAt);
  return out;
}
