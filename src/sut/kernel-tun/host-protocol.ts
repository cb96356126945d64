/**
 * Messages between the CLI (parent) and a script host child over Node's IPC channel (advanced
 * serialization: Uint8Array and bigint survive). Two uses:
 * - `run`: the child runs a whole script next to the SUT and streams its events back (the run
 *   command; the payloads belong to the CLI and are opaque here);
 * - `open` + `call`: the parent drives the SUT method by method (`RemoteKernelSut`, tests and
 *   tools); replies carry the call's id.
 * Types only.
 */
import type { ErrorCode } from "../../errors.ts";
import type { SutNetConfig } from "../sut.ts";
import type { KernelTunConfig } from "./kernel-tun-sut.ts";

/** Sut methods callable over the channel, with their argument tuples. */
export interface RemoteMethods {
  inject: [packet: Uint8Array, opts: { gsoSize?: number } | undefined];
  nextOutbound: [deadlineUs: number];
  pendingOutbound: [];
  syscall: [request: import("../sut.ts").SyscallRequest];
  runCommand: [command: string];
  runCode: [program: string];
  snapshotTcpInfo: [fd: number];
  close: [];
}

/** Parent → child. */
export type HostRequest =
  | { readonly type: "open"; readonly config: KernelTunConfig }
  | { readonly [K in keyof RemoteMethods]: { readonly type: "call"; readonly id: number; readonly method: K; readonly args: RemoteMethods[K] } }[keyof RemoteMethods]
  /** Ask the child to exit (after closing the SUT). */
  | { readonly type: "exit" }
  /** Run one job inside the child; it exits when done. `job` is the CLI's payload. */
  | { readonly type: "run"; readonly job: unknown };

/** Child → parent. */
export type HostMessage =
  | { readonly type: "ready"; readonly pid: number; readonly net: SutNetConfig; readonly notes: readonly string[] }
  | { readonly type: "fatal"; readonly code: ErrorCode; readonly message: string }
  /** A blocking syscall was seen blocking (or returned) — the `settled` half of a SyscallHandle. */
  | { readonly type: "settled"; readonly id: number; readonly state: "blocked" | "returned" }
  | { readonly type: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "reply"; readonly id: number; readonly ok: false; readonly code: ErrorCode; readonly message: string }
  /** One item of a `run`'s stream (the CLI's event, opaque here). */
  | { readonly type: "event"; readonly event: unknown }
  /** The `run` finished (its last event was sent before this); the child exits next. */
  | { readonly type: "done" };
