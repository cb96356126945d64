/**
 * The "newc" cpio archive format (the one the kernel unpacks as an initramfs, see the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII header
 * of `070701` and thirteen 8-digit hex fields, the NUL-terminated name and the data, each padded
 * to 4 bytes; a `TRAILER!!!` entry ends the archive. Pure: bytes in, bytes out.
 */

/** One archive member. */
export interface CpioEntry {
  /** Path inside the archive, without a leading slash. */
  readonly name: string;
  /** `0o040755` for a folder, `0o100755` for an executable file, `0o120777` for a symlink (data = target). */
  readonly mode: number;
  readonly data: Uint8Array;
}

const MAGIC = "070701";
const te = new TextEncoder();

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(ino: number, e: CpioEntry, nameBytes: number): string {
  const fields = [ino, e.mode, 0, 0, (e.mode & 0o170000) === 0o040000 ? 2 : 1, 0, e.data.length, 0, 0, 0, 0, nameBytes, 0];
  return MAGIC + fields.map(hex8).join("");
}

/** The archive of `entries` (in order; folders must precede what they hold). */
export function encodeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    size += b.length;
  };
  const all = [...entries, { name: "TRAILER!!!", mode: 0, data: new Uint8Array(0) }];
  all.forEach((e, i) => {
    const name = te.encode(`${e.name}\0`);
    const head = te.encode(header(e.name === "TRAILER!!!" ? 0 : i + 1, e, name.length));
    push(head);
    push(name);
    push(new Uint8Array(pad4(head.length + name.length)));
    push(e.data);
    push(new Uint8Array(pad4(e.data.length)));
  });
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
