/**
 * The DSS mappings one direction of one subflow has sent (RFC 8684 §3.3.1): kept sorted by
 * relative subflow sequence number so that a repeated mapping (a retransmission) is told apart
 * from a changed one (DSS-02), payload can be checked for coverage (DSS-01), and the payload
 * of a mapping that spans several segments can be put together for its DSS checksum (CS-02).
 */

/** One mapping as sent: relative SSN, full 64-bit DSN, DLL, DATA_FIN, and the frame that first carried it. */
export interface MappingEntry {
  readonly ssn: number;
  readonly dsn: bigint;
  readonly dll: number;
  readonly fin: boolean;
  readonly frame: number;
  /**
   * The DSN the subflow's previous mapping implies (it ends where this one starts, and data
   * continues at the data level), when there is one: the candidate when the DSN proves wrong.
   */
  readonly continuityDsn?: bigint;
  /** The DSS checksum the mapping carried, when checksums are in use. */
  readonly checksum?: number;
}

/** The subflow bytes a mapping covers: DLL minus the DATA_FIN octet, which has none (§3.3.3). */
export function mappedDataLen(m: Pick<MappingEntry, "dll" | "fin">): number {
  return Math.max(0, m.dll - (m.fin ? 1 : 0));
}

/** What adding a mapping found. */
export type AddResult =
  | { readonly kind: "new"; readonly entry: MappingEntry }
  | { readonly kind: "repeat"; readonly entry: MappingEntry }
  | { readonly kind: "conflict"; readonly entry: MappingEntry; readonly earlier: MappingEntry };

/** A mapping whose payload has been put together (or could not be). */
export interface AssembledMapping {
  readonly entry: MappingEntry;
  /** The checksum the option carried. */
  readonly checksum: number;
  /** The frame whose DSS option carried it. */
  readonly frame: number;
  /** Frames the payload came from, in order of arrival. */
  readonly frames: readonly number[];
  /** The mapped payload, or why it is not known. */
  readonly payload: Uint8Array | { readonly skipped: string };
}

interface Assembly {
  readonly entry: MappingEntry;
  readonly checksum: number;
  readonly frame: number;
  /** The mapping's subflow byte count. */
  readonly len: number;
  /** Allocated on the first segment that does not bring the whole mapping at once. */
  buf?: Uint8Array;
  have?: Uint8Array;
  count: number;
  truncated: boolean;
  readonly frames: number[];
}

/** Assemblies kept open at most; older ones are given up (their checksum is skipped). */
const MAX_OPEN = 256;

/** Mappings of one subflow direction, and the checksum assemblies still waiting for payload. */
export class MappingBook {
  private readonly entries: MappingEntry[] = [];
  private open: Assembly[] = [];

  /** Number of distinct mappings recorded. */
  get size(): number {
    return this.entries.length;
  }

  /** Index of the last entry with `ssn <= x`, or -1. */
  private floor(x: number): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.entries[mid] as MappingEntry).ssn <= x) [found, lo] = [mid, mid + 1];
      else hi = mid - 1;
    }
    return found;
  }

  /**
   * Records a mapping with subflow bytes. RFC 8684 §3.3.1: a mapping, once sent, does not change;
   * overlapping mappings must give every subflow byte the same DSN and a repeat the same length.
   */
  add(m: MappingEntry): AddResult {
    const len = mappedDataLen(m);
    const end = m.ssn + len;
    const at = this.floor(end - 1);
    for (let i = at; i >= 0; i--) {
      const e = this.entries[i] as MappingEntry;
      const eEnd = e.ssn + mappedDataLen(e);
      if (eEnd <= m.ssn) break;
      const sameOffset = m.dsn - e.dsn === BigInt(m.ssn - e.ssn);
      if (e.ssn === m.ssn && e.dsn === m.dsn && mappedDataLen(e) === len) return { kind: "repeat", entry: e };
      if (!sameOffset || e.ssn === m.ssn) return { kind: "conflict", entry: m, earlier: e };
    }
    this.entries.splice(at + 1, 0, m);
    return { kind: "new", entry: m };
  }

  /** True when some recorded mapping starts at data sequence number `dsn`. */
  hasStart(dsn: bigint): boolean {
    return this.entries.some((e) => e.dsn === dsn);
  }

  /** The DSN right after the mapping that ends at subflow byte `ssn`, if one does. */
  dsnAfter(ssn: number): bigint | undefined {
    const i = this.floor(ssn - 1);
    const e = i < 0 ? undefined : this.entries[i];
    if (e === undefined || e.ssn + mappedDataLen(e) !== ssn) return undefined;
    return e.dsn + BigInt(mappedDataLen(e));
  }

  /** True when every byte of relative subflow range [from, to) lies in some recorded mapping. */
  covers(from: number, to: number): boolean {
    let x = from;
    while (x < to) {
      const i = this.floor(x);
      if (i < 0) return false;
      const e = this.entries[i] as MappingEntry;
      const eEnd = e.ssn + mappedDataLen(e);
      if (eEnd <= x) return false;
      x = eEnd;
    }
    return true;
  }

  /**
   * Starts putting together the payload of `entry` for a checksum carried in `frame`, unless the
   * same mapping is already being put together (it is repeated on every segment it covers).
   */
  expectPayload(entry: MappingEntry, checksum: number, frame: number): AssembledMapping[] {
    const same = (a: Assembly): boolean => a.entry.ssn === entry.ssn && a.entry.dsn === entry.dsn && a.entry.dll === entry.dll && a.checksum === checksum;
    if (this.open.some(same)) return [];
    const len = mappedDataLen(entry);
    const a: Assembly = { entry, checksum, frame, len, count: 0, truncated: false, frames: [] };
    this.open.push(a);
    if (this.open.length <= MAX_OPEN) return [];
    const dropped = this.open.shift() as Assembly;
    return [{ entry: dropped.entry, checksum: dropped.checksum, frame: dropped.frame, frames: dropped.frames, payload: { skipped: "more than 256 mappings awaiting payload" } }];
  }

  /** Feeds a segment's payload at relative sequence `rel`; returns the assemblies it completed. */
  feed(rel: number, payload: Uint8Array, truncated: boolean, frame: number): AssembledMapping[] {
    if (payload.length === 0 || this.open.length === 0) return [];
    const done: AssembledMapping[] = [];
    this.open = this.open.filter((a) => {
      const from = Math.max(rel, a.entry.ssn);
      const to = Math.min(rel + payload.length, a.entry.ssn + a.len);
      if (from >= to) return true;
      a.frames.push(frame);
      a.truncated ||= truncated;
      const at = from - a.entry.ssn;
      const end = to - a.entry.ssn;
      let whole: Uint8Array | undefined;
      if (a.count === 0 && at === 0 && end === a.len) {
        // The usual case: one segment brings the whole mapping; its payload is the mapping's.
        whole = payload.subarray(from - rel, to - rel);
        a.count = a.len;
      } else {
        // One copy, then a count of the bytes not seen before (no allocation per byte).
        const buf = (a.buf ??= new Uint8Array(a.len));
        const have = (a.have ??= new Uint8Array(a.len));
        buf.set(payload.subarray(from - rel, to - rel), at);
        for (let i = at; i < end; i++) {
          if (have[i] === 0) {
            have[i] = 1;
            a.count++;
          }
        }
      }
      if (a.count < a.len) return true;
      const out = a.truncated ? { skipped: "payload cut by the snap length" } : (whole ?? (a.buf as Uint8Array));
      done.push({ entry: a.entry, checksum: a.checksum, frame: a.frame, frames: a.frames, payload: out });
      return false;
    });
    return done;
  }

  /** Gives up the assemblies still open (end of capture): their payload was never all captured. */
  close(): AssembledMapping[] {
    const out = this.open.map((a) => ({ entry: a.entry, checksum: a.checksum, frame: a.frame, frames: a.frames, payload: { skipped: "mapped payload not all in the capture" } }));
    this.open = [];
    return out;
  }
}
