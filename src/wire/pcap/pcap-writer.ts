/**
 * Classic libpcap file writer (format 2.4) with microsecond or nanosecond timestamps. Pure:
 * returns byte arrays; the caller writes them wherever it likes.
 */
import type { PcapPrecision } from "./captured-packet.ts";
import { PCAP_FILE_HEADER_LEN, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_RECORD_HEADER_LEN } from "./pcap-reader.ts";

/** Settings of a classic pcap file. */
export interface PcapWriterOptions {
  /** LINKTYPE_* of every record, e.g. LINKTYPE_RAW (101) or LINKTYPE_ETHERNET (1). */
  readonly linkType: number;
  /** Timestamp resolution; default "us". */
  readonly precision?: PcapPrecision;
  /** Snap length written in the header; default 262144. */
  readonly snapLen?: number;
  /** Byte order of the file; default little-endian. */
  readonly littleEndian?: boolean;
}

/** One frame to write: a timestamp and the bytes starting with the link-layer header. */
export interface PcapWriteRecord {
  readonly tsSec: number;
  /** Nanoseconds within the second; truncated to microseconds in a "us" file. */
  readonly tsNsec: number;
  readonly data: Uint8Array;
  /** Length on the wire; default `data.length`. */
  readonly originalLength?: number;
}

/** Encodes the 24-byte file header. */
export function emitPcapFileHeader(options: PcapWriterOptions): Uint8Array {
  const out = new Uint8Array(PCAP_FILE_HEADER_LEN);
  const view = new DataView(out.buffer);
  const le = options.littleEndian ?? true;
  view.setUint32(0, options.precision === "ns" ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
  view.setUint16(4, 2, le);
  view.setUint16(6, 4, le);
  view.setUint32(16, options.snapLen ?? 262144, le);
  view.setUint32(20, options.linkType, le);
  return out;
}

/** Number of bytes {@link emitPcapRecord} writes for `record`. */
export function pcapRecordBufferLen(record: PcapWriteRecord): number {
  return PCAP_RECORD_HEADER_LEN + record.data.length;
}

/** Encodes one record (header + data) into `out` at `offset`; returns the offset after it. */
export function emitPcapRecord(record: PcapWriteRecord, options: PcapWriterOptions, out: Uint8Array, offset: number): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const le = options.littleEndian ?? true;
  const frac = options.precision === "ns" ? record.tsNsec : Math.floor(record.tsNsec / 1000);
  view.setUint32(offset, record.tsSec, le);
  view.setUint32(offset + 4, frac, le);
  view.setUint32(offset + 8, record.data.length, le);
  view.setUint32(offset + 12, record.originalLength ?? record.data.length, le);
  out.set(record.data, offset + PCAP_RECORD_HEADER_LEN);
  return offset + PCAP_RECORD_HEADER_LEN + record.data.length;
}

/** Encodes a whole classic pcap file. */
export function emitPcapFile(options: PcapWriterOptions, records: readonly PcapWriteRecord[]): Uint8Array {
  const total = records.reduce((n, r) => n + pcapRecordBufferLen(r), PCAP_FILE_HEADER_LEN);
  const out = new Uint8Array(total);
  out.set(emitPcapFileHeader(options), 0);
  let offset = PCAP_FILE_HEADER_LEN;
  for (const r of records) offset = emitPcapRecord(r, options, out, offset);
  return out;
}
