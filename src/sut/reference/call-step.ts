/**
 * The result shape of one reference syscall before it gets times: done (return value, errno,
 * out-values), waiting (a blocking socket that is not ready: the SUT advances virtual time and
 * polls again, pkt-language.md §6.5), or invalid arguments. Helpers build each shape.
 */
import type { SysValue } from "../sut.ts";

/** The call returned. */
export interface CallDone {
  readonly kind: "done";
  readonly ret: number;
  readonly errno: number;
  readonly out: readonly (SysValue | null)[];
}

/** The call blocks: `poll` is asked again after every change; at `deadlineUs` (virtual) `expire` ends it. */
export interface CallWait {
  readonly kind: "wait";
  readonly poll: () => CallDone | null;
  readonly deadlineUs?: number;
  readonly expire?: () => CallDone;
}

/** The arguments do not make a call. */
export interface CallInvalid {
  readonly kind: "invalid";
  readonly message: string;
}

/** What starting a call gives. */
export type CallStep = CallDone | CallWait | CallInvalid;

/** A successful return. */
export function ok(ret: number, out: readonly (SysValue | null)[] = []): CallDone {
  return { kind: "done", ret, errno: 0, out };
}

/** `-1` with `errno`. */
export function fail(errno: number): CallDone {
  return { kind: "done", ret: -1, errno, out: [] };
}

/** An argument error. */
export function invalid(message: string): CallInvalid {
  return { kind: "invalid", message };
}

/** Thrown inside a call for a malformed argument; turned into {@link CallInvalid}. */
export class ArgProblem extends Error {}

/** The integer value of an argument (`NULL` is 0). */
export function intArg(v: SysValue | undefined, what: string): number {
  if (v?.kind === "int" || v?.kind === "intPtr") return v.value;
  if (v?.kind === "null") return 0;
  throw new ArgProblem(`${what}: expected an integer, got ${v?.kind ?? "nothing"}`);
}
