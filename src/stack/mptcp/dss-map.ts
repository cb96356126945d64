/**
 * DSS mappings (RFC 8684 §3.3.1): the send side's record of which subflow bytes carry which data
 * sequence numbers, and the receive side's table that turns in-order subflow bytes into
 * data-level bytes, verifying the DSS checksum once a mapping is complete (CS-02).
 */
import { dssChecksum } from "../../wire/checksum.ts";
import { type SeqNum, seqAdd, seqDiff, seqGe, seqLt } from "../../wire/seq.ts";

/** A mapping as this stack keeps it: absolute subflow sequence of the first byte. */
export interface Mapping {
  /** Absolute subflow sequence number of the first mapped byte. */
  readonly ssn: SeqNum;
  readonly dsn: bigint;
  /** Data bytes covered (the DATA_FIN octet, if any, is not counted here). */
  readonly len: number;
  /** The mapping ends with DATA_FIN (RFC 8684 §3.3.3: it takes one octet of data sequence space). */
  readonly dataFin: boolean;
  /** Send side: the DSS checksum computed when the bytes were queued (CS-02). */
  readonly checksum?: number;
}

/** The data-level length field of a mapping (DATA_FIN counted, DSS-07). */
export function mappingDll(m: Mapping): number {
  return m.len + (m.dataFin ? 1 : 0);
}

/** The send side: mappings of bytes queued on one subflow, in subflow order. */
export class TxMappings {
  private list: Mapping[] = [];

  /** Records a new mapping (appended after the previous ones). */
  add(m: Mapping): void {
    this.list.push(m);
  }

  /** The mapping covering subflow byte `seq`. */
  find(seq: SeqNum): Mapping | undefined {
    return this.list.find((m) => seqGe(seq, m.ssn) && seqLt(seq, seqAdd(m.ssn, m.len)));
  }

  /** Forgets mappings wholly below `una` (acknowledged at subflow level). */
  release(una: SeqNum): void {
    this.list = this.list.filter((m) => seqLt(una, seqAdd(m.ssn, m.len)) || m.len === 0);
  }

  /** Mappings still held (for reinjection when a subflow dies). */
  get all(): readonly Mapping[] {
    return this.list;
  }
}

/** What one in-order piece of subflow bytes turned into. */
export type RxEvent =
  | { readonly kind: "data"; readonly dsn: bigint; readonly data: Uint8Array }
  | { readonly kind: "dataFin"; readonly dsn: bigint }
  | { readonly kind: "unmapped"; readonly seq: SeqNum; readonly len: number }
  | { readonly kind: "badChecksum"; readonly dsn: bigint; readonly data: Uint8Array };

interface RxMapping extends Mapping {
  /** Subflow sequence number of the next byte still expected inside this mapping. */
  next: SeqNum;
  /** With checksums: bytes gathered until the mapping is complete. */
  parts: Uint8Array[];
  /** Relative subflow sequence number, for the checksum pseudo-header. */
  readonly relSsn: number;
}

/** The receive side of one subflow; a mapping that carries a checksum is verified when complete. */
export class RxMappings {
  private list: RxMapping[] = [];

  /**
   * Learns a mapping from a DSS option; a repeat of a known mapping is ignored.
   * RFC 8684 §3.3.1: a mapping "MUST NOT" change once sent (DSS-02), so the first copy stands.
   */
  add(m: Mapping, relSsn: number, checksum: number | undefined): void {
    if (this.list.some((x) => x.ssn === m.ssn)) return;
    const base = { ssn: m.ssn, dsn: m.dsn, len: m.len, dataFin: m.dataFin, next: m.ssn, parts: [], relSsn };
    this.list.push(checksum === undefined ? base : { ...base, checksum });
    this.list.sort((a, b) => seqDiff(a.ssn, b.ssn));
  }

  /** True when some mapping is waiting for bytes. */
  get pending(): boolean {
    return this.list.length > 0;
  }

  /** Forgets every mapping and returns the bytes already gathered for incomplete ones, in order (on fallback). */
  drainPartial(): Array<{ readonly dsn: bigint; readonly data: Uint8Array }> {
    const out = this.list.filter((m) => m.parts.length > 0).map((m) => ({ dsn: m.dsn, data: concat(m.parts) }));
    this.list = [];
    return out;
  }

  /** Turns in-order subflow bytes starting at `seq` into data-level events. */
  consume(seq: SeqNum, data: Uint8Array): RxEvent[] {
    const out: RxEvent[] = [];
    let at = seq;
    let rest = data;
    while (rest.length > 0) {
      const m = this.list.find((x) => seqGe(at, x.ssn) && seqLt(at, seqAdd(x.ssn, x.len)));
      if (!m) {
        const nextStart = this.list.find((x) => seqLt(at, x.ssn));
        const n = nextStart ? Math.min(rest.length, seqDiff(nextStart.ssn, at)) : rest.length;
        out.push({ kind: "unmapped", seq: at, len: n });
        at = seqAdd(at, n);
        rest = rest.subarray(n);
        continue;
      }
      const n = Math.min(rest.length, seqDiff(seqAdd(m.ssn, m.len), at));
      this.take(m, at, rest.subarray(0, n), out);
      at = seqAdd(at, n);
      rest = rest.subarray(n);
    }
    return out;
  }

  private take(m: RxMapping, at: SeqNum, bytes: Uint8Array, out: RxEvent[]): void {
    const dsn = m.dsn + BigInt(seqDiff(at, m.ssn));
    m.next = seqAdd(at, bytes.length);
    const done = m.next === seqAdd(m.ssn, m.len);
    if (m.checksum === undefined) {
      out.push({ kind: "data", dsn, data: bytes.slice() });
    } else {
      m.parts.push(bytes.slice());
      if (!done) return;
      const all = concat(m.parts);
      // RFC 8684 §3.3.1: the checksum covers the pseudo-header (DSN, SSN, DLL, zero) and the mapped payload.
      if (dssChecksum(m.dsn, m.relSsn, mappingDll(m), all) !== m.checksum) {
        out.push({ kind: "badChecksum", dsn: m.dsn, data: all });
        this.list = this.list.filter((x) => x !== m);
        return;
      }
      out.push({ kind: "data", dsn: m.dsn, data: all });
    }
    if (done) {
      if (m.dataFin) out.push({ kind: "dataFin", dsn: m.dsn + BigInt(m.len) });
      this.list = this.list.filter((x) => x !== m);
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let w = 0;
  for (const p of parts) out.set(p, w), (w += p.length);
  return out;
}
