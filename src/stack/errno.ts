/**
 * Linux errno numbers the socket API returns (x86_64 values), and the result type of a socket call.
 * Errors are values (house-style rule 17): a call returns `{ok:false, errno}` and never throws.
 */

/** The errno values the stack produces. */
export const ERRNO = {
  EBADF: 9, EAGAIN: 11, EINVAL: 22, EPIPE: 32, ENOPROTOOPT: 92, EOPNOTSUPP: 95, EADDRINUSE: 98,
  EADDRNOTAVAIL: 99, ECONNABORTED: 103, ECONNRESET: 104, EISCONN: 106, ENOTCONN: 107,
  ETIMEDOUT: 110, ECONNREFUSED: 111, EALREADY: 114, EINPROGRESS: 115,
} as const;

/** One errno number from {@link ERRNO}. */
export type Errno = (typeof ERRNO)[keyof typeof ERRNO];

/** The outcome of a socket call: a value or an errno. */
export type SysResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: Errno };

/** A successful {@link SysResult}. */
export function sysOk<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed {@link SysResult}. */
export function sysErr(errno: Errno): { readonly ok: false; readonly errno: Errno } {
  return { ok: false, errno };
}
