/**
 * The kernel SUT: the live Linux stack behind a TUN device in this process's private network
 * namespace. Implements {@link Sut}; runs inside a script host (src/runner/host-main.ts),
 * or in any process already under `unshare -n`.
 */
import type {
  CommandResult, InjectOutcome, MonoMicros, OutboundPacket, Sut, SutNetConfig, SyscallHandle,
  SyscallRequest, TcpInfoSnapshot,
} from "../sut.ts";
import { errnoInfo } from "../linux-abi.ts";
import { monoNowUs, sleepUntilUs } from "./clock.ts";
import { runCodeProgram, runShellCommand, type CommandOptions } from "./commands.ts";
import { openLibc, type Libc } from "./libc.ts";
import { setUpNamespace } from "./netns-setup.ts";
import { PacketPump } from "./packet-pump.ts";
import { blockingThread } from "./blocking-thread.ts";
import { SyscallRunner } from "./syscall-runner.ts";
import { decodeCcInfo, decodeMemInfo, decodeMptcpInfo, decodeTcpInfo } from "./tcp-info.ts";
import { readNetstatMib } from "./netstat-mib.ts";
import type { TunDevice } from "./tun-device.ts";
import { openTxTap, type TxTap } from "./tx-tap.ts";

/** Everything the kernel SUT needs to come up. */
export interface KernelTunConfig {
  readonly net: SutNetConfig;
  /** virtio-net header + CSUM/TSO offloads on the device (default true, like packetdrill). */
  readonly offloads?: boolean;
  /** `pfifo` replaces the device's root qdisc at set-up; `default` leaves it to the script. */
  readonly qdisc?: "default" | "pfifo";
  /** The script's folder: cwd of commands and code. */
  readonly scriptDir: string;
  /** packetdrill's command environment (see `packetdrillEnv`). */
  readonly commandEnv?: Readonly<Record<string, string>>;
  readonly codeCommand?: readonly string[];
  readonly commandTimeoutMs?: number;
  /**
   * How outbound packets are stamped: `kernel` (default) = the kernel's hand-over time to tun0
   * from a packet socket (tx-tap.ts), `read` = when this process reads the frame.
   */
  readonly outboundStamps?: "kernel" | "read";
  /**
   * Run blocking calls on the process's blocking-call thread (default true; blocking-thread.ts),
   * which takes a few hundred ms of CPU to start; false runs them on libuv's pool instead.
   */
  readonly blockingThread?: boolean;
  /** packetdrill's `--send_omit_free`: keep every send buffer until close (syscall-runner.ts). */
  readonly sendOmitFree?: boolean;
}

const SOL_SOCKET = 1;
const SOL_TCP = 6;
const SOL_MPTCP = 284;
const TCP_INFO = 11;
const TCP_CONGESTION = 13;
const TCP_CC_INFO = 26;
const SO_MEMINFO = 55;
const MPTCP_INFO = 1;

/** The live kernel behind tun0. Create with {@link openKernelTunSut}. */
export class KernelTunSut implements Sut {
  readonly kind = "kernel-tun";
  readonly net: SutNetConfig;
  /** Non-fatal set-up deviations. */
  readonly notes: readonly string[];
  readonly #libc: Libc;
  readonly #tun: TunDevice;
  readonly #pump: PacketPump;
  readonly #tap: TxTap | null;
  readonly #runner: SyscallRunner;
  readonly #cmd: CommandOptions;
  #closed = false;

  constructor(libc: Libc, tun: TunDevice, config: KernelTunConfig, notes: readonly string[], tap: TxTap | null = null) {
    this.#libc = libc;
    this.#tun = tun;
    this.net = config.net;
    this.notes = notes;
    this.#tap = tap;
    this.#pump = new PacketPump(libc, tun, tap);
    this.#runner = new SyscallRunner(libc, (config.blockingThread ?? true) ? blockingThread() : null, config.sendOmitFree ?? false);
    this.#cmd = {
      cwd: config.scriptDir, env: config.commandEnv ?? {}, timeoutMs: config.commandTimeoutMs ?? 60_000,
      codeCommand: config.codeCommand ?? ["python3"],
    };
  }

  now(): MonoMicros {
    return monoNowUs();
  }

  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void> {
    return sleepUntilUs(t, () => this.#libc.sched_yield(), until);
  }

  inject(packet: Uint8Array, opts?: { readonly gsoSize?: number }): Promise<InjectOutcome> {
    // Stamped before the write: the stack handles the packet inside write(), and its replies
    // (kernel-stamped by the tap) must not look older than the packet that caused them.
    const timestampUs = monoNowUs();
    const errno = this.#tun.writePacket(packet, opts?.gsoSize);
    if (errno === 0) return Promise.resolve({ ok: true, timestampUs });
    const info = errnoInfo(errno);
    return Promise.resolve({ ok: false, errno, message: `write ${this.#tun.name}: ${info?.name ?? errno} (${info?.text ?? "unknown"})` });
  }

  nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    return this.#pump.next(deadlineUs);
  }

  pendingOutbound(): Promise<number> {
    this.#pump.drain();
    return Promise.resolve(this.#pump.pending());
  }

  syscall(request: SyscallRequest): SyscallHandle {
    return this.#runner.run(request);
  }

  /** Send buffers held by `--send_omit_free` (0 without it). */
  retainedSendBuffers(): number {
    return this.#runner.retainedSendBuffers();
  }

  runCommand(command: string): Promise<CommandResult> {
    return runShellCommand(command, this.#cmd);
  }

  runCode(program: string): Promise<CommandResult> {
    return runCodeProgram(program, this.#cmd);
  }

  #getsockopt(fd: number, level: number, name: number, size: number): { bytes: Buffer; len: number } | { errno: number } {
    const bytes = Buffer.alloc(size);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(size);
    if (this.#libc.getsockopt(fd, level, name, bytes, len) < 0) return { errno: this.#libc.errno() };
    return { bytes, len: len.readUInt32LE(0) };
  }

  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }> {
    const ti = this.#getsockopt(fd, SOL_TCP, TCP_INFO, 512);
    if ("errno" in ti) return Promise.resolve({ errno: ti.errno, errnoName: errnoInfo(ti.errno)?.name ?? `E${ti.errno}` });
    const mi = this.#getsockopt(fd, SOL_MPTCP, MPTCP_INFO, 256);
    const cc = this.#getsockopt(fd, SOL_TCP, TCP_CONGESTION, 16);
    const ccName = "errno" in cc ? "" : cc.bytes.toString("latin1", 0, cc.len).replace(/\0.*$/s, "");
    const cci = this.#getsockopt(fd, SOL_TCP, TCP_CC_INFO, 64);
    const mem = this.#getsockopt(fd, SOL_SOCKET, SO_MEMINFO, 64);
    return Promise.resolve({
      tcpInfo: decodeTcpInfo(ti.bytes, ti.len),
      mptcpInfo: "errno" in mi ? {} : decodeMptcpInfo(mi.bytes, mi.len),
      ccInfo: "errno" in cci ? {} : decodeCcInfo(ccName, cci.bytes, cci.len),
      memInfo: "errno" in mem ? {} : decodeMemInfo(mem.bytes, mem.len),
      mib: readNetstatMib(),
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pump.stop();
    for (const fd of this.#runner.openFds()) this.#libc.close(fd);
    this.#tap?.close();
    this.#tun.close();
  }
}

/**
 * Set up the namespace (which must be private to this process) and return the SUT. Throws
 * MptcpdrillError MPD_ERR_NOT_ROOT / MPD_ERR_NETNS / MPD_ERR_TUN_OPEN / MPD_ERR_FFI.
 */
export function openKernelTunSut(config: KernelTunConfig): KernelTunSut {
  const libc = openLibc();
  const { tun, notes: setUpNotes } = setUpNamespace(libc, config.net, { offloads: config.offloads ?? true, qdisc: config.qdisc ?? "default" });
  const notes = [...setUpNotes];
  let tap: TxTap | null = null;
  if ((config.outboundStamps ?? "kernel") === "kernel") {
    try {
      tap = openTxTap(libc, tun.name);
    } catch (e) {
      notes.push(`outbound packets are stamped when read, not by the kernel: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return new KernelTunSut(libc, tun, config, notes, tap);
}
