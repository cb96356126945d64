/**
 * Messages between the CLI (parent) and a script host child over Node's IPC channel (advanced
 * serialization: Uint8Array and bigint survive). The parent opens the SUT once, then calls its
 * methods by name; replies carry the call's id. Types only.
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
  | { readonly type: "exit" };

/** Child → parent. */
export type HostMessage =
  | { readonly type: "ready"; readonly pid: number; readonly net: SutNetConfig; readonly notes: readonly string[] }
  | { readonly type: "fatal"; readonly code: ErrorCode; readonly message: string }
  /** A blocking syscall was seen blocking (or returned) — the `settled` half of a SyscallHandle. */
  | { readonly type: "settled"; readonly id: number; readonly state: "blocked" | "returned" }
  | { readonly type: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "reply"; readonly id: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };
