/**
 * An MPLS label stack (RFC 3032 §2.1): 4-byte entries of label (20 bits), traffic class (3),
 * bottom-of-stack (1) and TTL (8), read up to the bottom entry; `.pkt` form of pkt-language.md §3.1.
 */
import { getU32, setU32 } from "./bytes.ts";
import { type Result, err, ok } from "./result.ts";

/** One label stack entry. */
export interface MplsEntry {
  readonly label: number;
  readonly tc: number;
  /** The S bit: this is the bottom of the stack. */
  readonly bottom: boolean;
  readonly ttl: number;
}

/** A label stack as plain data, outermost entry first. */
export interface MplsRepr {
  readonly kind: "mpls";
  readonly entries: readonly MplsEntry[];
}

/** Length of one label stack entry. */
export const MPLS_ENTRY_LEN = 4;

/** Checked read access to one label stack entry at `bytes[at..]`. */
export class MplsView {
  private constructor(readonly bytes: Uint8Array, readonly at: number) {}

  /** Checks that the 4-byte entry fits. */
  static checked(bytes: Uint8Array, at = 0): Result<MplsView> {
    return at + MPLS_ENTRY_LEN > bytes.length ? err("truncated", at, "mpls.entry") : ok(new MplsView(bytes, at));
  }

  get word(): number { return getU32(this.bytes, this.at); }
  get label(): number { return this.word >>> 12; }
  get tc(): number { return (this.word >>> 9) & 7; }
  get bottom(): boolean { return ((this.word >>> 8) & 1) === 1; }
  get ttl(): number { return this.word & 0xff; }
}

/** Decodes entries until the one with the S bit; fails if the bytes end first. */
export function parseMpls(bytes: Uint8Array): Result<MplsRepr> {
  const entries: MplsEntry[] = [];
  for (let at = 0; ; at += MPLS_ENTRY_LEN) {
    const c = MplsView.checked(bytes, at);
    if (!c.ok) return c;
    const v = c.value;
    entries.push({ label: v.label, tc: v.tc, bottom: v.bottom, ttl: v.ttl });
    if (v.bottom) return ok({ kind: "mpls", entries });
  }
}

/** 4 bytes per entry. */
export function mplsBufferLen(repr: MplsRepr): number {
  return MPLS_ENTRY_LEN * repr.entries.length;
}

/** Writes the entries at `buf[at..]` as given (S bits included); returns the bytes written. */
export function emitMpls(repr: MplsRepr, buf: Uint8Array, at = 0): number {
  repr.entries.forEach((e, k) => {
    setU32(buf, at + 4 * k, ((e.label & 0xfffff) << 12) | ((e.tc & 7) << 9) | (e.bottom ? 0x100 : 0) | (e.ttl & 0xff));
  });
  return mplsBufferLen(repr);
}

/** `mpls (label 16, tc 0, [S], ttl 64):` (pkt-language.md §3.1 `mpls_entry`). */
export function formatMpls(repr: MplsRepr): string {
  const es = repr.entries.map((e) => `(label ${e.label}, tc ${e.tc}, ${e.bottom ? "[S], " : ""}ttl ${e.ttl})`);
  return `mpls ${es.join(" ")}:`;
}
