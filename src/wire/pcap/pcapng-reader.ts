/**
 * pcapng reader (draft-ietf-opsawg-pcapng): Section Header Blocks in either byte order,
 * Interface Description Blocks (link type, snap length, `if_name`, `if_tsresol`, `if_tsoffset`),
 * Enhanced, Simple and obsolete Packet Blocks, several interfaces and several sections.
 * Other blocks (name resolution, statistics, custom, …) are skipped by their length.
 * Pure: takes the file bytes, yields packets and errors, never throws.
 */
import type { CaptureItem, CapturedPacket } from "./captured-packet.ts";
import type { PcapError, PcapErrorCode } from "./pcap-error.ts";

/** Block type of a Section Header Block; a palindrome, so it reads the same in both byte orders. */
export const PCAPNG_SHB = 0x0a0d0d0a;
/** Block type of an Interface Description Block. */
export const PCAPNG_IDB = 0x00000001;
/** Block type of the obsolete Packet Block. */
export const PCAPNG_OPB = 0x00000002;
/** Block type of a Simple Packet Block. */
export const PCAPNG_SPB = 0x00000003;
/** Block type of an Enhanced Packet Block. */
export const PCAPNG_EPB = 0x00000006;
/** Byte-order magic inside the SHB. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** IDB option code `if_name`. */
export const PCAPNG_OPT_IF_NAME = 2;
/** IDB option code `if_tsresol`. */
export const PCAPNG_OPT_IF_TSRESOL = 9;
/** IDB option code `if_tsoffset`. */
export const PCAPNG_OPT_IF_TSOFFSET = 14;

/** An interface described by an IDB of the current section. */
export interface PcapngInterface {
  readonly id: number;
  readonly linkType: number;
  readonly snapLen: number;
  readonly name: string | undefined;
  /** Timestamp units per second (10^6 unless `if_tsresol` says otherwise). */
  readonly unitsPerSecond: bigint;
  /** Seconds added to every timestamp (`if_tsoffset`). */
  readonly tsOffsetSec: number;
}

interface Walk {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  le: boolean;
  inSection: boolean;
  interfaces: PcapngInterface[];
  number: number;
}

const MAX_BLOCK = 0x4000000;

function fail(code: PcapErrorCode, offset: number, detail: string): CaptureItem {
  return { kind: "error", error: { code, offset, detail } };
}

/** Yields every packet of a pcapng file, with errors as items; stops only when it cannot find the next block. */
export function* readPcapng(bytes: Uint8Array): Generator<CaptureItem, void, undefined> {
  const walk: Walk = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), le: true, inSection: false, interfaces: [], number: 0 };
  let offset = 0;
  while (offset < bytes.length) {
    const step = blockLength(walk, offset);
    if (typeof step !== "number") {
      yield { kind: "error", error: step };
      return;
    }
    yield* readBlock(walk, offset, step);
    offset += step;
  }
}

/** Validates the block header at `offset` (switching byte order on an SHB); returns its total length. */
function blockLength(walk: Walk, offset: number): number | PcapError {
  const { view, bytes } = walk;
  if (bytes.length - offset < 12) return { code: "pcapng-truncated-block", offset, detail: `block header cut after ${bytes.length - offset} bytes` };
  const type = view.getUint32(offset, walk.le);
  if (type === PCAPNG_SHB) {
    const magic = view.getUint32(offset + 8, true);
    if (magic === PCAPNG_BYTE_ORDER_MAGIC) walk.le = true;
    else if (view.getUint32(offset + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) walk.le = false;
    else return { code: "pcapng-bad-byte-order", offset: offset + 8, detail: `byte-order magic 0x${magic.toString(16)} is neither order of 0x1a2b3c4d` };
    walk.inSection = true;
    walk.interfaces = [];
  } else if (!walk.inSection) {
    return { code: "pcapng-no-section", offset, detail: `block type 0x${type.toString(16)} before any section header` };
  }
  const total = view.getUint32(offset + 4, walk.le);
  if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK) return { code: "pcapng-bad-block-length", offset: offset + 4, detail: `block total length ${total}` };
  if (offset + total > bytes.length) return { code: "pcapng-truncated-block", offset, detail: `block of ${total} bytes, ${bytes.length - offset} present` };
  return total;
}

function* readBlock(walk: Walk, offset: number, total: number): Generator<CaptureItem, void, undefined> {
  const type = walk.view.getUint32(offset, walk.le);
  const trailer = walk.view.getUint32(offset + total - 4, walk.le);
  if (trailer !== total) yield fail("pcapng-bad-block-length", offset + total - 4, `trailing length ${trailer} differs from ${total}`);
  switch (type) {
    case PCAPNG_IDB: {
      const item = readInterface(walk, offset, total);
      if (item) yield item;
      return;
    }
    case PCAPNG_EPB: case PCAPNG_OPB: case PCAPNG_SPB:
      walk.number++;
      yield readPacket(walk, type, offset, total);
      return;
    default:
      return;
  }
}

function readInterface(walk: Walk, offset: number, total: number): CaptureItem | undefined {
  const { view, le } = walk;
  if (total < 20) return fail("pcapng-bad-block-length", offset + 4, `interface description block of ${total} bytes`);
  let name: string | undefined;
  let unitsPerSecond = 1_000_000n;
  let tsOffsetSec = 0;
  let problem: CaptureItem | undefined;
  for (const opt of options(walk, offset + 16, offset + total - 4)) {
    if ("code" in opt && "detail" in opt) { problem = { kind: "error", error: opt }; break; }
    const at = opt.valueOffset;
    if (opt.optionCode === PCAPNG_OPT_IF_NAME) name = new TextDecoder().decode(walk.bytes.subarray(at, at + opt.length)).replace(/\0+$/, "");
    else if (opt.optionCode === PCAPNG_OPT_IF_TSRESOL && opt.length >= 1) unitsPerSecond = tsResolution(view.getUint8(at));
    else if (opt.optionCode === PCAPNG_OPT_IF_TSOFFSET && opt.length >= 8) tsOffsetSec = Number(view.getBigInt64(at, le));
  }
  walk.interfaces.push({ id: walk.interfaces.length, linkType: view.getUint16(offset + 8, le), snapLen: view.getUint32(offset + 12, le), name, unitsPerSecond, tsOffsetSec });
  return problem;
}

/** `if_tsresol`: most significant bit clear = negative power of 10, set = negative power of 2. */
function tsResolution(value: number): bigint {
  return value & 0x80 ? 1n << BigInt(value & 0x7f) : 10n ** BigInt(value);
}

interface OptionRef {
  readonly optionCode: number;
  readonly length: number;
  readonly valueOffset: number;
}

function* options(walk: Walk, start: number, end: number): Generator<OptionRef | PcapError, void, undefined> {
  let at = start;
  while (at + 4 <= end) {
    const optionCode = walk.view.getUint16(at, walk.le);
    const length = walk.view.getUint16(at + 2, walk.le);
    if (optionCode === 0) return;
    if (at + 4 + length > end) {
      yield { code: "pcapng-bad-option", offset: at, detail: `option ${optionCode} of ${length} bytes overruns its block` };
      return;
    }
    yield { optionCode, length, valueOffset: at + 4 };
    at += 4 + ((length + 3) & ~3);
  }
}

function readPacket(walk: Walk, type: number, offset: number, total: number): CaptureItem {
  const { view, le } = walk;
  const simple = type === PCAPNG_SPB;
  const headLen = simple ? 12 : 28;
  if (total < headLen + 4) return fail("pcapng-bad-block-length", offset + 4, `packet block of ${total} bytes`);
  const ifId = simple ? 0 : type === PCAPNG_OPB ? view.getUint16(offset + 8, le) : view.getUint32(offset + 8, le);
  const iface = walk.interfaces[ifId];
  if (iface === undefined) return fail("pcapng-unknown-interface", offset + 8, `packet ${walk.number}: interface ${ifId} has no description block`);
  const originalLength = view.getUint32(offset + (simple ? 8 : 24), le);
  const room = total - headLen - 4;
  const capLen = simple ? Math.min(originalLength, room, iface.snapLen || room) : view.getUint32(offset + 20, le);
  if (capLen > room) return fail("pcapng-bad-block-length", offset + 20, `packet ${walk.number}: captured length ${capLen} exceeds the block's ${room} bytes`);
  const dataOffset = offset + headLen;
  const [tsSec, tsNsec] = simple ? [0, 0] : timestamp(iface, view.getUint32(offset + 12, le), view.getUint32(offset + 16, le));
  const packet: CapturedPacket = {
    number: walk.number, fileOffset: offset, dataOffset, linkType: iface.linkType, interfaceId: ifId,
    tsSec, tsNsec, hasTimestamp: !simple, originalLength, data: walk.bytes.subarray(dataOffset, dataOffset + capLen),
  };
  return { kind: "packet", packet };
}

/** Converts a 64-bit timestamp in interface units to seconds and nanoseconds. */
export function timestamp(iface: Pick<PcapngInterface, "unitsPerSecond" | "tsOffsetSec">, high: number, low: number): [number, number] {
  const units = iface.unitsPerSecond;
  if (units === 1_000_000n && high < 0x200000) {
    const ts = high * 0x100000000 + low;
    const sec = Math.floor(ts / 1e6);
    return [sec + iface.tsOffsetSec, (ts - sec * 1e6) * 1000];
  }
  const ts = (BigInt(high) << 32n) | BigInt(low);
  const sec = ts / units;
  const nsec = ((ts % units) * 1_000_000_000n) / units;
  return [Number(sec) + iface.tsOffsetSec, Number(nsec)];
}
