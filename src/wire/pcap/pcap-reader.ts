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
  const { littleEndian, precision, linkType } = header.value;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fracScale = precision === "ns" ? 1 : 1000;
  let offset = PCAP_FILE_HEADER_LEN;
  for (let number = 1; offset < bytes.length; number++) {
    if (bytes.length - offset < PCAP_RECORD_HEADER_LEN) {
      yield { kind: "error", error: { code: "pcap-truncated-record", offset, detail: `packet ${number}: record header cut after ${bytes.length - offset} bytes` } };
      return;
    }
    const capLen = view.getUint32(offset + 8, littleEndian);
    const dataOffset = offset + PCAP_RECORD_HEADER_LEN;
    if (capLen > PCAP_MAX_RECORD_LEN) {
      yield { kind: "error", error: { code: "pcap-bad-record-length", offset: offset + 8, detail: `packet ${number}: captured length ${capLen} is not plausible` } };
      return;
    }
    if (dataOffset + capLen > bytes.length) {
      yield { kind: "error", error: { code: "pcap-truncated-record", offset: dataOffset, detail: `packet ${number}: ${capLen} bytes announced, ${bytes.length - dataOffset} present` } };
      return;
    }
    const tsFrac = view.getUint32(offset + 4, littleEndian);
    yield {
      kind: "packet",
      packet: {
        number,
        fileOffset: offset,
        dataOffset,
        linkType,
        interfaceId: 0,
        tsSec: view.getUint32(offset, littleEndian),
        tsNsec: tsFrac * fracScale,
        hasTimestamp: true,
        originalLength: view.getUint32(offset + 12, littleEndian),
        data: bytes.subarray(dataOffset, dataOffset + capLen),
      },
    };
    offset = dataOffset + capLen;
  }
}
