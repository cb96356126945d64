/**
 * One captured frame as the capture-file readers hand it out, independent of the file format
 * (classic pcap or pcapng), plus the item type the readers yield: a packet or an error.
 */
import type { PcapError } from "./pcap-error.ts";

/** A captured frame with its link type and timestamp; `data` is a view into the file bytes. */
export interface CapturedPacket {
  /** 1-based packet number in file order (as tshark's `frame.number`). */
  readonly number: number;
  /** Byte offset of the record (pcap) or block (pcapng) in the file. */
  readonly fileOffset: number;
  /** Byte offset of the first captured byte in the file. */
  readonly dataOffset: number;
  /** LINKTYPE_* of the interface the frame was captured on. */
  readonly linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  readonly interfaceId: number;
  /** Whole seconds since the epoch. */
  readonly tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999. */
  readonly tsNsec: number;
  /** False for pcapng Simple Packet Blocks, which carry no timestamp (tsSec = tsNsec = 0). */
  readonly hasTimestamp: boolean;
  /** Length of the frame on the wire (may exceed `data.length` when the snap length cut it). */
  readonly originalLength: number;
  /** The captured bytes, starting with the link-layer header. */
  readonly data: Uint8Array;
}

/** What a capture reader yields: a packet, or a problem it found at a file offset. */
export type CaptureItem =
  | { readonly kind: "packet"; readonly packet: CapturedPacket }
  | { readonly kind: "error"; readonly error: PcapError };

/** Timestamp precision of a classic pcap file. */
export type PcapPrecision = "us" | "ns";
