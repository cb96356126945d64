/**
 * A {@link Sut} whose kernel lives in a script host child: every method is a call over the IPC
 * channel (host-protocol.ts). The clock is CLOCK_MONOTONIC on both sides, so timestamps from the
 * child compare directly with {@link RemoteKernelSut.now} here.
 */
import { MptcpdrillError, type ErrorCode } from "../../errors.ts";
import type {
  CommandResult, InjectOutcome, MonoMicros, OutboundPacket, Sut, SutNetConfig, SyscallHandle,
  SyscallOutcome, SyscallRequest, TcpInfoSnapshot,
} from "../sut.ts";
import { monoNowUs, sleepUntilUs } from "./clock.ts";
import type { HostExit, HostSupervisor, ScriptHost, ScriptHostOptions } from "./host-process.ts";
import type { HostMessage, RemoteMethods } from "./host-protocol.ts";
import type { KernelTunConfig } from "./kernel-tun-sut.ts";

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  settled?: (state: "blocked" | "returned") => void;
}

/** The kernel SUT of a child process, driven over IPC. Create with {@link openRemoteKernelSut}. */
export class RemoteKernelSut implements Sut {
  readonly kind = "kernel-tun";
  readonly net: SutNetConfig;
  readonly notes: readonly string[];
  readonly host: ScriptHost;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;

  constructor(host: ScriptHost, ready: Extract<HostMessage, { type: "ready" }>) {
    this.host = host;
    this.net = ready.net;
    this.notes = ready.notes;
    host.onMessage((m) => this.#onMessage(m));
    void host.exited.then((exit) => this.#onExit(exit));
  }

  #onMessage(m: HostMessage): void {
    if (m.type === "settled") this.#pending.get(m.id)?.settled?.(m.state);
    if (m.type !== "reply") return;
    const p = this.#pending.get(m.id);
    if (p === undefined) return;
    this.#pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new MptcpdrillError(m.code, m.message));
  }

  #onExit(exit: HostExit): void {
    this.#dead = new MptcpdrillError(exit.reason === "timeout" ? "MPD_ERR_TIMEOUT" : "MPD_ERR_CHILD",
      `script host ${this.host.pid} ended (${exit.reason}, code ${exit.code}, signal ${exit.signal})${exit.stderr ? `: ${exit.stderr.trim().slice(-500)}` : ""}`);
    for (const p of this.#pending.values()) p.reject(this.#dead);
    this.#pending.clear();
  }

  #call<K extends keyof RemoteMethods>(method: K, args: RemoteMethods[K], settled?: Pending["settled"]): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, settled ? { resolve, reject, settled } : { resolve, reject });
      if (!this.host.send({ type: "call", id, method, args } as never)) {
        this.#pending.delete(id);
        reject(new MptcpdrillError("MPD_ERR_CHILD", "script host channel is closed"));
      }
    });
  }

  now(): MonoMicros {
    return monoNowUs();
  }

  sleepUntil(t: MonoMicros): Promise<void> {
    return sleepUntilUs(t);
  }

  inject(packet: Uint8Array, opts?: { readonly gsoSize?: number }): Promise<InjectOutcome> {
    return this.#call("inject", [packet, opts?.gsoSize === undefined ? undefined : { gsoSize: opts.gsoSize }]) as Promise<InjectOutcome>;
  }

  nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    return this.#call("nextOutbound", [deadlineUs]) as Promise<OutboundPacket | null>;
  }

  pendingOutbound(): Promise<number> {
    return this.#call("pendingOutbound", []) as Promise<number>;
  }

  syscall(request: SyscallRequest): SyscallHandle {
    let settle: (s: "blocked" | "returned") => void = () => undefined;
    const settled = new Promise<"blocked" | "returned">((r) => (settle = r));
    const result = (this.#call("syscall", [request], (s) => settle(s)) as Promise<SyscallOutcome>).finally(() => settle("returned"));
    return { settled, result };
  }

  runCommand(command: string): Promise<CommandResult> {
    return this.#call("runCommand", [command]) as Promise<CommandResult>;
  }

  runCode(program: string): Promise<CommandResult> {
    return this.#call("runCode", [program]) as Promise<CommandResult>;
  }

  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }> {
    return this.#call("snapshotTcpInfo", [fd]) as Promise<TcpInfoSnapshot | { errno: number; errnoName: string }>;
  }

  /** Close the SUT, ask the child to exit, and wait for it (killing it after 2 s). */
  async close(): Promise<void> {
    if (!this.#dead) {
      await this.#call("close", []).catch(() => undefined);
      this.host.send({ type: "exit" });
    }
    const t = setTimeout(() => this.host.kill(), 2000);
    await this.host.exited;
    clearTimeout(t);
  }
}

/**
 * Start a script host (through `supervisor`), open the kernel SUT in it and resolve when tun0 is
 * up. Rejects with the child's MptcpdrillError code (MPD_ERR_NOT_ROOT, MPD_ERR_TUN_OPEN,
 * MPD_ERR_NETNS, MPD_ERR_FFI) or MPD_ERR_CHILD when it dies first.
 */
export async function openRemoteKernelSut(
  config: KernelTunConfig,
  hostOptions: ScriptHostOptions,
  supervisor: HostSupervisor,
): Promise<RemoteKernelSut> {
  const host = supervisor.spawn(hostOptions);
  const ready = await new Promise<Extract<HostMessage, { type: "ready" }>>((resolve, reject) => {
    const off = host.onMessage((m) => {
      if (m.type === "ready") { off(); resolve(m); }
      if (m.type === "fatal") { off(); host.kill(); reject(new MptcpdrillError(m.code as ErrorCode, m.message)); }
    });
    void host.exited.then((e) => reject(new MptcpdrillError(e.reason === "timeout" ? "MPD_ERR_TIMEOUT" : "MPD_ERR_CHILD",
      `script host ended before it was ready (code ${e.code}, signal ${e.signal}): ${e.stderr.trim().slice(-500)}`)));
    host.send({ type: "open", config });
  });
  return new RemoteKernelSut(host, ready);
}
