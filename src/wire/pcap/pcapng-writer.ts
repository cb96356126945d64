/**
 * Minimal pcapng writer (draft-ietf-opsawg-pcapng): one section, any number of interfaces with
 * `if_name` and `if_tsresol`, Enhanced or Simple Packet Blocks, either byte order. Used to build
 * multi-interface captures for tests and tools. Pure: returns byte arrays.
 */
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_EPB, PCAPNG_IDB, PCAPNG_OPT_IF_NAME, PCAPNG_OPT_IF_TSRESOL, PCAPNG_SHB, PCAPNG_SPB } from "./pcapng-reader.ts";

/** An interface to describe in an IDB. */
export interface PcapngWriteInterface {
  readonly linkType: number;
  readonly snapLen?: number;
  readonly name?: string;
  /** Raw `if_tsresol` byte (6 = µs, 9 = ns, 0x80|n = 2^-n); omitted = µs. */
  readonly tsResol?: number;
}

/** A packet to write: EPB unless `simple` (SPB, interface 0, no timestamp). */
export interface PcapngWritePacket {
  readonly interfaceId: number;
  /** Timestamp in the interface's units. */
  readonly timestamp: bigint;
  readonly data: Uint8Array;
  readonly originalLength?: number;
  readonly simple?: boolean;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const total = 12 + pad4(body.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, total, le);
  out.set(body, 8);
  view.setUint32(total - 4, total, le);
  return out;
}

function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, le);
  view.setUint16(2, value.length, le);
  out.set(value, 4);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Encodes a Section Header Block (version 1.0, unknown section length). */
export function emitPcapngSection(le: boolean): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint32(0, PCAPNG_BYTE_ORDER_MAGIC, le);
  view.setUint16(4, 1, le);
  view.setBigInt64(8, -1n, le);
  return block(PCAPNG_SHB, body, le);
}

/** Encodes an Interface Description Block. */
export function emitPcapngInterface(iface: PcapngWriteInterface, le: boolean): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint16(0, iface.linkType, le);
  view.setUint32(4, iface.snapLen ?? 262144, le);
  const opts: Uint8Array[] = [];
  if (iface.name !== undefined) opts.push(option(PCAPNG_OPT_IF_NAME, new TextEncoder().encode(iface.name), le));
  if (iface.tsResol !== undefined) opts.push(option(PCAPNG_OPT_IF_TSRESOL, Uint8Array.of(iface.tsResol), le));
  if (opts.length > 0) opts.push(new Uint8Array(4));
  return block(PCAPNG_IDB, concat([head, ...opts]), le);
}

/** Encodes an Enhanced Packet Block, or a Simple Packet Block when `packet.simple`. */
export function emitPcapngPacket(packet: PcapngWritePacket, le: boolean): Uint8Array {
  const origLen = packet.originalLength ?? packet.data.length;
  if (packet.simple) {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, origLen, le);
    return block(PCAPNG_SPB, concat([head, packet.data]), le);
  }
  const head = new Uint8Array(20);
  const view = new DataView(head.buffer);
  view.setUint32(0, packet.interfaceId, le);
  view.setUint32(4, Number(packet.timestamp >> 32n), le);
  view.setUint32(8, Number(packet.timestamp & 0xffffffffn), le);
  view.setUint32(12, packet.data.length, le);
  view.setUint32(16, origLen, le);
  return block(PCAPNG_EPB, concat([head, packet.data]), le);
}

/** Encodes a whole one-section pcapng file. */
export function emitPcapngFile(interfaces: readonly PcapngWriteInterface[], packets: readonly PcapngWritePacket[], littleEndian = true): Uint8Array {
  return concat([
    emitPcapngSection(littleEndian),
    ...interfaces.map((i) => emitPcapngInterface(i, littleEndian)),
    ...packets.map((p) => emitPcapngPacket(p, littleEndian)),
  ]);
}
