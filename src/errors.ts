/**
 * Environment and internal errors with stable codes (house-style rule 17).
 *
 * Script problems are `Diagnostic`s and conformance failures are `Mismatch` values; this class is
 * for the third channel only: the environment (no root, no /dev/net/tun, a missing file) and bugs.
 */

/** Every stable error code mptcpdrill prints. Codes never change meaning once released. */
export type ErrorCode =
  | "MPD_ERR_USAGE"
  | "MPD_ERR_FILE"
  | "MPD_ERR_NOT_ROOT"
  | "MPD_ERR_TUN_OPEN"
  | "MPD_ERR_NETNS"
  | "MPD_ERR_FFI"
  | "MPD_ERR_PCAP"
  | "MPD_ERR_TOOL_MISSING"
  | "MPD_ERR_TIMEOUT"
  | "MPD_ERR_CHILD"
  | "MPD_ERR_NOT_BUILT"
  | "MPD_ERR_KERNEL"
  | "MPD_ERR_VM"
  | "MPD_ERR_INTERNAL";

/** An environment problem or a bug, with a stable `code` for scripts and CI to match on. */
export class MptcpdrillError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MptcpdrillError";
    this.code = code;
  }
}

/** True when `e` is an {@link MptcpdrillError}, optionally with the given code. */
export function isMptcpdrillError(e: unknown, code?: ErrorCode): e is MptcpdrillError {
  return e instanceof MptcpdrillError && (code === undefined || e.code === code);
}
