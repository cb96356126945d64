/**
 * Minimal types for the untyped `pcap-parser` npm package (0.2.x): a streaming reader of
 * classic libpcap files (microsecond magic only) that emits events.
 */
declare module "pcap-parser" {
  import type { EventEmitter } from "node:events";
  import type { Readable } from "node:stream";

  /** The 24-byte file header as decoded by pcap-parser. */
  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }

  /** A 16-byte record header. */
  export interface PacketHeader {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  /** One record; `data` is a Buffer slice owned by the parser. */
  export interface Packet {
    header: PacketHeader;
    data: Buffer;
  }

  /** The parser: emits globalHeader, packetHeader, packetData, packet, end and error. */
  export interface Parser extends EventEmitter {
    on(event: "globalHeader", listener: (header: GlobalHeader) => void): this;
    on(event: "packet", listener: (packet: Packet) => void): this;
    on(event: "end", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
  }

  /** Parses a file path or a readable stream. */
  export function parse(input: string | Readable): Parser;
}
