/**
 * Byte storage of a connection: a FIFO `ByteQueue` (send buffer, in-order receive buffer) and
 * the out-of-order `Assembler` that holds segments beyond RCV.NXT until the gap is filled
 * (RFC 9293 §3.10.7.4 "segment text", RFC 2018 §4 for the SACK blocks it reports).
 */
import { type SeqNum, seqAdd, seqDiff, seqGt, seqLt } from "../../wire/seq.ts";

/** A FIFO of bytes stored as a list of chunks. */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private size = 0;

  /** Bytes currently held. */
  get length(): number {
    return this.size;
  }

  /** Appends a copy of `data`. */
  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data.slice());
    this.size += data.length;
  }

  /** Copies up to `n` bytes starting `offset` bytes into the queue, without removing them. */
  peek(offset: number, n: number): Uint8Array {
    const end = Math.min(this.size, offset + n);
    if (end <= offset) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    let pos = -this.head;
    let w = 0;
    for (const c of this.chunks) {
      const cStart = pos;
      const cEnd = pos + c.length;
      pos = cEnd;
      if (cEnd <= offset) continue;
      if (cStart >= end) break;
      const from = Math.max(offset, cStart) - cStart;
      const to = Math.min(end, cEnd) - cStart;
      out.set(c.subarray(from, to), w);
      w += to - from;
    }
    return out;
  }

  /** Removes `n` bytes (at most the length) from the front. */
  drop(n: number): void {
    let left = Math.min(n, this.size);
    this.size -= left;
    while (left > 0) {
      const c = this.chunks[0] as Uint8Array;
      const avail = c.length - this.head;
      if (left < avail) {
        this.head += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Removes and returns up to `n` bytes from the front. */
  take(n: number): Uint8Array {
    const out = this.peek(0, n);
    this.drop(out.length);
    return out;
  }
}

/** A contiguous run of out-of-order bytes starting at `seq`. */
interface Run {
  seq: SeqNum;
  data: Uint8Array;
}

/** Out-of-order reassembly in 32-bit sequence space: sorted, non-overlapping runs. */
export class Assembler {
  private runs: Run[] = [];

  /** True when nothing is held. */
  get isEmpty(): boolean {
    return this.runs.length === 0;
  }

  /** Bytes held. */
  get bufferedBytes(): number {
    return this.runs.reduce((n, r) => n + r.data.length, 0);
  }

  /** Stores `data` at `seq`, keeping existing bytes where runs overlap (first copy wins). */
  insert(seq: SeqNum, data: Uint8Array): void {
    if (data.length === 0) return;
    let pieces: Run[] = [{ seq, data }];
    for (const r of this.runs) pieces = pieces.flatMap((p) => subtract(p, r));
    this.runs.push(...pieces.map((p) => ({ seq: p.seq, data: p.data.slice() })));
    this.runs.sort((a, b) => seqDiff(a.seq, b.seq));
    this.merge();
  }

  /** Removes and returns the bytes contiguous from `rcvNxt` (empty if there is a gap); drops stale runs. */
  take(rcvNxt: SeqNum): Uint8Array {
    const out: Uint8Array[] = [];
    let next = rcvNxt;
    while (this.runs.length > 0) {
      const r = this.runs[0] as Run;
      const end = seqAdd(r.seq, r.data.length);
      if (seqGt(r.seq, next)) break;
      this.runs.shift();
      if (seqGt(end, next)) {
        out.push(r.data.subarray(seqDiff(next, r.seq)));
        next = end;
      }
    }
    const n = out.reduce((k, c) => k + c.length, 0);
    const buf = new Uint8Array(n);
    let w = 0;
    for (const c of out) buf.set(c, w), (w += c.length);
    return buf;
  }

  /** The held ranges as SACK blocks, most recently useful first is not tracked: lowest first (RFC 2018 §4). */
  blocks(max: number): { left: SeqNum; right: SeqNum }[] {
    return this.runs.slice(0, max).map((r) => ({ left: r.seq, right: seqAdd(r.seq, r.data.length) }));
  }

  private merge(): void {
    const out: Run[] = [];
    for (const r of this.runs) {
      const last = out[out.length - 1];
      if (last && seqAdd(last.seq, last.data.length) === r.seq) {
        const d = new Uint8Array(last.data.length + r.data.length);
        d.set(last.data);
        d.set(r.data, last.data.length);
        last.data = d;
      } else out.push(r);
    }
    this.runs = out;
  }
}

/** The parts of `p` not covered by `r`. */
function subtract(p: Run, r: Run): Run[] {
  const pEnd = seqAdd(p.seq, p.data.length);
  const rEnd = seqAdd(r.seq, r.data.length);
  if (!seqLt(r.seq, pEnd) || !seqLt(p.seq, rEnd)) return [p];
  const out: Run[] = [];
  if (seqLt(p.seq, r.seq)) out.push({ seq: p.seq, data: p.data.subarray(0, seqDiff(r.seq, p.seq)) });
  if (seqGt(pEnd, rEnd)) out.push({ seq: rEnd, data: p.data.subarray(seqDiff(rEnd, p.seq)) });
  return out;
}
