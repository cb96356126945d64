/**
 * Errors of the capture-file codecs (classic pcap, pcapng, link layers) as values.
 *
 * House-style rule 8: malformed bytes are data, not exceptions. Every decoder in this folder
 * returns a {@link PcapResult} or yields a {@link PcapError} item; none of them throws.
 */

/** Stable codes for what can be wrong in a capture file or a captured frame. */
export type PcapErrorCode =
  | "pcap_bad_magic"
  | "pcap_truncated_header"
  | "pcap_truncated_record"
  | "pcap_bad_record_length"
  | "pcapng_truncated_block"
  | "pcapng_bad_block_length"
  | "pcapng_bad_byte_order"
  | "pcapng_no_section"
  | "pcapng_unknown_interface"
  | "pcapng_bad_option"
  | "link_truncated"
  | "link_unsupported";

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
