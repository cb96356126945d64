/**
 * Decoder results as values: `Result<T>` and the `WireError` every wire decoder returns.
 *
 * House-style rule 8: malformed bytes are data, not exceptions. Every `parseX` in `src/wire`
 * returns a `Result` and never throws; `emitX` trusts a buffer sized by `xBufferLen`.
 */

/** Stable codes for what can be wrong with a packet's bytes. Codes never change meaning. */
export type WireErrorCode =
  /** Fewer bytes than the header (or a length field) needs. */
  | "truncated"
  /** A length field is smaller than its minimum or larger than the bytes present. */
  | "bad-length"
  /** An IP version nibble other than 4 or 6 (or 4/6 where the other was expected). */
  | "bad-version"
  /** A TCP option whose length byte is below 2 or runs past the option area. */
  | "bad-option"
  /** A protocol this decoder does not take (e.g. an MPLS payload that is not IP). */
  | "unsupported";

/** Where and why decoding failed: `offset` is relative to the bytes passed to the decoder. */
export interface WireError {
  readonly code: WireErrorCode;
  readonly offset: number;
  /** The field that was being read, in the decoder's own naming (e.g. `"tcp.dataOffset"`). */
  readonly field: string;
}

/** A decoder's answer: a value, or the reason there is none. */
export type Result<T, E = WireError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** A successful {@link Result}. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed {@link Result} carrying a {@link WireError}. */
export function err(code: WireErrorCode, offset: number, field: string): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { code, offset, field } };
}

/** Shifts an error's offset by `base`, for decoders that delegate to an inner decoder. */
export function errAt(e: WireError, base: number): { readonly ok: false; readonly error: WireError } {
  return { ok: false, error: { code: e.code, offset: e.offset + base, field: e.field } };
}

/** Renders an error as `truncated at offset 12 (tcp.dataOffset)`. */
export function formatWireError(e: WireError): string {
  return `${e.code} at offset ${e.offset} (${e.field})`;
}
