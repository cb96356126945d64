/**
 * Capture-file format detection by magic number, and one entry point that reads any supported
 * format (classic pcap in µs or ns, either byte order; pcapng).
 */
import type { CaptureItem } from "./captured-packet.ts";
import { readPcap, PCAP_MAGIC_NS, PCAP_MAGIC_US } from "./pcap-reader.ts";
import { readPcapng, PCAPNG_SHB } from "./pcapng-reader.ts";

/** The formats mptcpdrill recognises. */
export type CaptureFormat = "pcap" | "pcap-ns" | "pcapng" | "unknown";

/** Identifies a capture file from its first four bytes. */
export function detectCaptureFormat(head: Uint8Array): CaptureFormat {
  if (head.length < 4) return "unknown";
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const le = view.getUint32(0, true);
  const be = view.getUint32(0, false);
  if (be === PCAPNG_SHB) return "pcapng";
  if (le === PCAP_MAGIC_US || be === PCAP_MAGIC_US) return "pcap";
  if (le === PCAP_MAGIC_NS || be === PCAP_MAGIC_NS) return "pcap-ns";
  return "unknown";
}

/** Reads a whole capture file of any supported format; an unknown magic yields one `pcap-bad-magic` error. */
export function* readCapture(bytes: Uint8Array): Generator<CaptureItem, void, undefined> {
  const format = detectCaptureFormat(bytes);
  if (format === "pcapng") yield* readPcapng(bytes);
  else yield* readPcap(bytes);
}
