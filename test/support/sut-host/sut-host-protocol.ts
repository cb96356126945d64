/**
 * The messages between a SUT-level test (parent, remote-kernel-sut.ts) and its test-only SUT host
 * (child, sut-host-main.ts) over Node's IPC channel with advanced serialization (Uint8Array and
 * bigint survive). The parent drives one KernelTunSut method by method:
 *
 *   parent → `open`   host → `ready` | `fatal`   parent → `call`…   host → `settled`… `reply`…   parent → `exit`
 *
 * Replies carry their call's id. Types only; production's script host (src/runner/host-protocol.ts)
 * runs whole jobs and knows nothing of this protocol.
 */
import type { ErrorCode } from "../../../src/errors.ts";
import type { KernelTunConfig } from "../../../src/sut/kernel-tun/kernel-tun-sut.ts";
import type {
  CommandResult, InjectOutcome, OutboundPacket, SutNetConfig, SyscallOutcome, SyscallRequest, TcpInfoSnapshot,
} from "../../../src/sut/sut.ts";

/** The `settled` half of a SyscallHandle: the call was seen blocking, or it returned. */
export type SettledState = "blocked" | "returned";

/** Sut methods callable over the channel: their argument tuples and what their replies carry. */
export interface SutHostMethods {
  inject: { args: [packet: Uint8Array, opts: { gsoSize: number } | undefined]; result: InjectOutcome };
  nextOutbound: { args: [deadlineUs: number]; result: OutboundPacket | null };
  pendingOutbound: { args: []; result: number };
  /** The reply carries the handle's `result`; its `settled` comes as `settled` messages. */
  syscall: { args: [request: SyscallRequest]; result: SyscallOutcome };
  runCommand: { args: [command: string]; result: CommandResult };
  runCode: { args: [program: string]; result: CommandResult };
  snapshotTcpInfo: { args: [fd: number]; result: TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string } };
  close: { args: []; result: undefined };
}

/** A method name of {@link SutHostMethods}. */
export type SutHostMethod = keyof SutHostMethods;

/** What a successful reply to a call of `K` carries. */
export type SutHostResult<K extends SutHostMethod = SutHostMethod> = SutHostMethods[K]["result"];

/** One call of a method, with its arguments. */
export type SutHostCall = {
  readonly [K in SutHostMethod]: { readonly type: "call"; readonly id: number; readonly method: K; readonly args: SutHostMethods[K]["args"] }
}[SutHostMethod];

/** Parent → host. */
export type SutHostRequest =
  /** Open the kernel SUT in the host's namespace; answered by `ready` or `fatal`. */
  | { readonly type: "open"; readonly config: KernelTunConfig }
  | SutHostCall
  /** Close the SUT (if open) and exit. */
  | { readonly type: "exit" };

/** Host → parent. */
export type SutHostMessage =
  /** The SUT is open, the blocking-call thread up, the host at real-time priority. */
  | { readonly type: "ready"; readonly pid: number; readonly net: SutNetConfig; readonly notes: readonly string[] }
  /** `open` failed; the parent kills the host. */
  | { readonly type: "fatal"; readonly code: ErrorCode; readonly message: string }
  /** A syscall of call `id` was seen blocking (or returned). */
  | { readonly type: "settled"; readonly id: number; readonly state: SettledState }
  | { readonly type: "reply"; readonly id: number; readonly ok: true; readonly value: SutHostResult }
  | { readonly type: "reply"; readonly id: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };
