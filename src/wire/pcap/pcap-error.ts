/**
 * Errors of the capture-file codecs (classic pcap, pcapng, link layers) as values.
 *
 * House-style rule 8: malformed bytes are data, not exceptions. Every decoder in this folder
 * returns a {@link PcapResult} or yields a {@link PcapError} item; none of them throws.
 */

/** Stable codes for what can be wrong in a capture file or a captured frame. */
export type PcapErrorCode =
  | "pcap-bad-magic"
  | "pcap-truncated-header"
  | "pcap-truncated-record"
  | "pcap-bad-record-length"
  | "pcapng-truncated-block"
  | "pcapng-bad-block-length"
  | "pcapng-bad-byte-order"
  | "pcapng-no-section"
  | "pcapng-unknown-interface"
  | "pcapng-bad-option"
  | "link-truncated"
  | "link-unsupported";

/** One problem, located by its byte offset (in the file for file errors, in the frame for link errors). */
export interface PcapError {
  readonly code: PcapErrorCode;
  readonly offset: number;
  readonly detail: string;
}

/** The result of a decoder that cannot throw. */
export type PcapResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PcapError };

/** Builds a failed {@link PcapResult}. */
export function pcapErr<T>(code: PcapErrorCode, offset: number, detail: string): PcapResult<T> {
  return { ok: false, error: { code, offset, detail } };
}

/** Builds a successful {@link PcapResult}. */
export function pcapOk<T>(value: T): PcapResult<T> {
  return { ok: true, value };
}
