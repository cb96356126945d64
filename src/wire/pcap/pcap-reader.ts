/**
 * Classic libpcap file reader (format 2.4): microsecond magic 0xA1B2C3D4 and nanosecond magic
 * 0xA1B23C4D, both byte orders. Pure: takes the file bytes, yields packets and errors, never throws.
 * Layout per draft-ietf-opsawg-pcap §4–§5: a 24-byte file header, then records of a 16-byte
 * header (ts seconds, ts fraction, captured length, original length) and the captured bytes.
 */
import type { CaptureItem, PcapPrecision } from "./captured-packet.ts";
import { pcapErr, pcapOk, type PcapResult } from "./pcap-error.ts";

/** Magic number of a microsecond-resolution classic pcap file, as read in the writer's byte order. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** Magic number of a nanosecond-resolution classic pcap file. */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Size of the file header. */
export const PCAP_FILE_HEADER_LEN = 24;
/** Size of each record header. */
export const PCAP_RECORD_HEADER_LEN = 16;
/** Captured lengths above this are taken as corruption (libpcap's own cap is 256 KiB). */
export const PCAP_MAX_RECORD_LEN = 0x4000000;

/** The decoded 24-byte file header. */
export interface PcapFileHeader {
  readonly littleEndian: boolean;
  readonly precision: PcapPrecision;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snapLen: number;
  /** LINKTYPE_* (the low 16 bits of the header's link-type word; the FCS bits are dropped). */
  readonly linkType: number;
}

/** Decodes the classic pcap file header at the start of `bytes`. */
export function parsePcapFileHeader(bytes: Uint8Array): PcapResult<PcapFileHeader> {
  if (bytes.length < PCAP_FILE_HEADER_LEN) return pcapErr("pcap-truncated-header", 0, `file header needs 24 bytes, have ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getUint32(0, true);
  const be = view.getUint32(0, false);
  let littleEndian: boolean;
  let precision: PcapPrecision;
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) [littleEndian, precision] = [true, le === PCAP_MAGIC_NS ? "ns" : "us"];
  else if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) [littleEndian, precision] = [false, be === PCAP_MAGIC_NS ? "ns" : "us"];
  else return pcapErr("pcap-bad-magic", 0, `unknown magic 0x${be.toString(16).padStart(8, "0")}`);
  return pcapOk({
    littleEndian,
    precision,
    versionMajor: view.getUint16(4, littleEndian),
    versionMinor: view.getUint16(6, littleEndian),
    snapLen: view.getUint32(16, littleEndian),
    linkType: view.getUint32(20, littleEndian) & 0xffff,
  });
}

/**
 * Yields every record of a classic pcap file. A truncated last record or an absurd captured
 * length yields one error item and ends the walk (records have no resync marker).
 */
export function* readPcap(bytes: Uint8Array): Generator<CaptureItem, void, undefined> {
  const header = parsePcapFileHeader(bytes);
  if (!header.ok) {
    yield { kind: "error", error: header.error };
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = PCAP_FILE_HEADER_LEN;
  for (let number = 1; offset < bytes.length; number++) {
    const item = recordAt(bytes, view, offset, 0, number, header.value, true) as CaptureItem;
    yield item;
    if (item.kind === "error") return;
    offset = item.packet.dataOffset + item.packet.data.length;
  }
}

/** Where a piecewise walk over the records of a classic pcap file stands (see {@link readPcapRecords}). */
export interface PcapWalk {
  readonly header: PcapFileHeader;
  /** Number of the next record (1-based). */
  number: number;
  /** True once an error item has ended the walk. */
  stopped: boolean;
}

/**
 * Hands the records of `bytes` to `onItem`: a piece of a classic pcap file that starts at file
 * offset `base`, on a record boundary. Returns how many bytes it consumed. Without `final`, a
 * record cut by the end of the piece is left for the next piece; with `final` (the piece ends
 * the file) it is reported as {@link readPcap} reports it. Items are the same as readPcap's.
 */
export function readPcapRecords(bytes: Uint8Array, base: number, walk: PcapWalk, final: boolean, onItem: (item: CaptureItem) => void): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (!walk.stopped && at < bytes.length) {
    const item = recordAt(bytes, view, at, base, walk.number, walk.header, final);
    if (item === undefined) break;
    walk.number++;
    onItem(item);
    if (item.kind === "error") walk.stopped = true;
    else at = item.packet.dataOffset - base + item.packet.data.length;
  }
  return at;
}

/**
 * The record at `bytes[at..]` (file offset `base + at`), or an error item; `undefined` when the
 * bytes end inside the record and more may follow (`final` false).
 */
function recordAt(bytes: Uint8Array, view: DataView, at: number, base: number, number: number, h: PcapFileHeader, final: boolean): CaptureItem | undefined {
  const le = h.littleEndian;
  const rest = bytes.length - at;
  if (rest < PCAP_RECORD_HEADER_LEN) {
    if (!final) return undefined;
    return { kind: "error", error: { code: "pcap-truncated-record", offset: base + at, detail: `packet ${number}: record header cut after ${rest} bytes` } };
  }
  const capLen = view.getUint32(at + 8, le);
  const data = at + PCAP_RECORD_HEADER_LEN;
  if (capLen > PCAP_MAX_RECORD_LEN) {
    return { kind: "error", error: { code: "pcap-bad-record-length", offset: base + at + 8, detail: `packet ${number}: captured length ${capLen} is not plausible` } };
  }
  if (data + capLen > bytes.length) {
    if (!final) return undefined;
    return { kind: "error", error: { code: "pcap-truncated-record", offset: base + data, detail: `packet ${number}: ${capLen} bytes announced, ${bytes.length - data} present` } };
  }
  return {
    kind: "packet",
    packet: {
      number,
      fileOffset: base + at,
      dataOffset: base + data,
      linkType: h.linkType,
      interfaceId: 0,
      tsSec: view.getUint32(at, le),
      tsNsec: view.getUint32(at + 4, le) * (h.precision === "ns" ? 1 : 1000),
      hasTimestamp: true,
      originalLength: view.getUint32(at + 12, le),
      data: new Uint8Array(bytes.buffer, bytes.byteOffset + data, capLen),
    },
  };
}
