/**
 * A {@link Sut} whose kernel lives in a test-only SUT host child (sut-host-main.ts, started
 * through production's spawnScriptHost in a fresh network namespace): every method is a call over
 * the IPC channel (sut-host-protocol.ts). SUT-level tests use it to drive KernelTunSut method by
 * method; production's hosts only run whole jobs. The clock is CLOCK_MONOTONIC on both sides, so
 * timestamps from the child compare directly with {@link RemoteKernelSut.now} here.
 */
import { fileURLToPath } from "node:url";
import { MptcpdrillError } from "../../../src/errors.ts";
import type { HostExit, HostSupervisor, ScriptHost, ScriptHostOptions } from "../../../src/runner/host-process.ts";
import { monoNowUs, sleepUntilUs } from "../../../src/sut/kernel-tun/clock.ts";
import type { KernelTunConfig } from "../../../src/sut/kernel-tun/kernel-tun-sut.ts";
import type {
  CommandResult, InjectOutcome, MonoMicros, OutboundPacket, Sut, SutNetConfig, SyscallHandle,
  SyscallOutcome, SyscallRequest, TcpInfoSnapshot,
} from "../../../src/sut/sut.ts";
import type { SettledState, SutHostMessage, SutHostMethod, SutHostMethods, SutHostRequest, SutHostResult } from "./sut-host-protocol.ts";

/** The test-only host module that spawnScriptHost runs instead of production's. */
const SUT_HOST_ENTRY = fileURLToPath(new URL("./sut-host-main.ts", import.meta.url));

/** A running SUT host: production's {@link ScriptHost}, speaking sut-host-protocol.ts. */
export type SutHost = ScriptHost<SutHostRequest, SutHostMessage>;

interface Pending {
  resolve(v: SutHostResult): void;
  reject(e: Error): void;
  settled?: (state: SettledState) => void;
}

/** The kernel SUT of a child process, driven over IPC. Create with {@link openRemoteKernelSut}. */
export class RemoteKernelSut implements Sut {
  readonly kind = "kernel-tun";
  readonly net: SutNetConfig;
  readonly notes: readonly string[];
  readonly host: SutHost;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;

  constructor(host: SutHost, ready: Extract<SutHostMessage, { type: "ready" }>) {
    this.host = host;
    this.net = ready.net;
    this.notes = ready.notes;
    host.onMessage((m) => this.#onMessage(m));
    void host.exited.then((exit) => this.#onExit(exit));
  }

  #onMessage(m: SutHostMessage): void {
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
      `SUT host ${this.host.pid} ended (${exit.reason}, code ${exit.code}, signal ${exit.signal})${exit.stderr ? `: ${exit.stderr.trim().slice(-500)}` : ""}`);
    for (const p of this.#pending.values()) p.reject(this.#dead);
    this.#pending.clear();
  }

  #call<K extends SutHostMethod>(method: K, args: SutHostMethods[K]["args"], settled?: Pending["settled"]): Promise<SutHostResult<K>> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<SutHostResult>((resolve, reject) => {
      this.#pending.set(id, settled ? { resolve, reject, settled } : { resolve, reject });
      // A mapped type's member cannot be built from a generic K without this assertion.
      if (!this.host.send({ type: "call", id, method, args } as SutHostRequest)) {
        this.#pending.delete(id);
        reject(new MptcpdrillError("MPD_ERR_CHILD", "SUT host channel is closed"));
      }
    // The reply to call `id` is the result of `method` (the host answers each id once, with it).
    }) as Promise<SutHostResult<K>>;
  }

  now(): MonoMicros {
    return monoNowUs();
  }

  sleepUntil(t: MonoMicros): Promise<void> {
    return sleepUntilUs(t);
  }

  inject(packet: Uint8Array, opts?: { readonly gsoSize?: number }): Promise<InjectOutcome> {
    return this.#call("inject", [packet, opts?.gsoSize === undefined ? undefined : { gsoSize: opts.gsoSize }]);
  }

  nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    return this.#call("nextOutbound", [deadlineUs]);
  }

  pendingOutbound(): Promise<number> {
    return this.#call("pendingOutbound", []);
  }

  syscall(request: SyscallRequest): SyscallHandle {
    let settle: (s: SettledState) => void = () => undefined;
    const settled = new Promise<SettledState>((r) => (settle = r));
    const result: Promise<SyscallOutcome> = this.#call("syscall", [request], (s) => settle(s)).finally(() => settle("returned"));
    return { settled, result };
  }

  runCommand(command: string): Promise<CommandResult> {
    return this.#call("runCommand", [command]);
  }

  runCode(program: string): Promise<CommandResult> {
    return this.#call("runCode", [program]);
  }

  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }> {
    return this.#call("snapshotTcpInfo", [fd]);
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
 * Start a SUT host (through `supervisor`, running sut-host-main.ts), open the kernel SUT in it and
 * resolve when tun0 is up. Rejects with the child's MptcpdrillError code (MPD_ERR_NOT_ROOT,
 * MPD_ERR_TUN_OPEN, MPD_ERR_NETNS, MPD_ERR_FFI), MPD_ERR_TIMEOUT when the host outlives
 * `hostOptions.timeoutMs` first, or MPD_ERR_CHILD when it dies first.
 */
export async function openRemoteKernelSut(
  config: KernelTunConfig,
  hostOptions: Omit<ScriptHostOptions, "entry">,
  supervisor: HostSupervisor,
): Promise<RemoteKernelSut> {
  const host = supervisor.spawn<SutHostRequest, SutHostMessage>({ ...hostOptions, entry: SUT_HOST_ENTRY });
  const ready = await new Promise<Extract<SutHostMessage, { type: "ready" }>>((resolve, reject) => {
    const off = host.onMessage((m) => {
      if (m.type === "ready") { off(); resolve(m); }
      if (m.type === "fatal") { off(); host.kill(); reject(new MptcpdrillError(m.code, m.message)); }
    });
    void host.exited.then((e) => reject(new MptcpdrillError(e.reason === "timeout" ? "MPD_ERR_TIMEOUT" : "MPD_ERR_CHILD",
      `SUT host ended before it was ready (code ${e.code}, signal ${e.signal}): ${e.stderr.trim().slice(-500)}`)));
    host.send({ type: "open", config });
  });
  return new RemoteKernelSut(host, ready);
}
