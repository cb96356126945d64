/**
 * The reference SUT: the sans-IO TCP/MPTCP stack of src/stack (RFC 9293, RFC 8684) behind the
 * {@link Sut} interface, in virtual time. `now()` is virtual; `sleepUntil(t)` runs the stack's
 * timers up to `t`; injected packets go to `receive` at the current instant; sent packets carry
 * the instant they were produced. Syscalls map onto the host's non-blocking socket calls; a call
 * on a blocking socket that is not ready either parks (`...` calls: reported `blocked`) or, for
 * a call the script wrote without `...`, advances virtual time until it can return, as the
 * interpreter would stall on a kernel (pkt-language.md §6.5). Everything is seeded: the same
 * seed and script give the same bytes. No I/O (house-style rules 3–5).
 */
import { parseIpAddress } from "../../wire/address.ts";
import { SocketHost } from "../../stack/host-sockets.ts";
import type { MptcpConfig } from "../../stack/mptcp/connection.ts";
import type { TcpConfig } from "../../stack/tcp/connection.ts";
import {
  type CommandResult, type InjectOutcome, type MonoMicros, type OutboundPacket, type Sut, type SutNetConfig,
  type SyscallHandle, type SyscallOutcome, type SyscallRequest, type TcpInfoSnapshot, errnoInfo, strerror,
} from "../sut.ts";
import { ArgProblem, type CallDone, type CallStep, invalid } from "./call-step.ts";
import { type HostCommand, parseHostCommand } from "./commands.ts";
import { IO_CALLS } from "./io-calls.ts";
import { EndpointTable } from "./pm-endpoints.ts";
import { type CallContext, type FdState, SOCKET_CALLS } from "./socket-calls.ts";
import { SOCKOPT_CALLS } from "./sockopt-calls.ts";
import { tcpInfoSnapshot } from "./tcp-info.ts";
import { VirtualDriver } from "./virtual-driver.ts";

/** How to open a reference SUT. */
export interface ReferenceSutConfig {
  readonly net: SutNetConfig;
  /** Seed of the stack's Rng (ISNs, keys, nonces, ports). */
  readonly seed: number;
  /** Virtual time at open (µs); default 0. */
  readonly startUs?: number;
  /** `OPT_*` and defines for `$NAME` in backtick commands. */
  readonly commandEnv?: Readonly<Record<string, string>>;
  readonly tcp?: Partial<TcpConfig>;
  readonly mptcp?: Partial<MptcpConfig>;
}

/**
 * TCP tunables of the reference SUT over the stack's defaults: ACK at once (Linux starts every
 * connection in quick-ack mode, so the short exchanges of a script are never delayed-ACKed there).
 */
const REFERENCE_TCP: Partial<TcpConfig> = { delayedAck: 0 };

/** Mutable view of the host's MPTCP tunables that commands change (sysctl, limits). */
type MutableMptcpConfig = { -readonly [K in keyof MptcpConfig]: MptcpConfig[K] };

function returned(done: CallDone, startUs: number, endUs: number): SyscallOutcome {
  const info = done.errno === 0 ? undefined : errnoInfo(done.errno);
  return {
    kind: "returned", ret: done.ret, errno: done.errno, errnoName: done.errno === 0 ? null : (info?.name ?? null),
    strerror: done.errno === 0 ? null : strerror(done.errno), out: done.out, startUs, endUs,
  };
}

/** The reference stack as a {@link Sut}. */
export class ReferenceSut implements Sut {
  readonly kind = "reference";
  readonly host: SocketHost;
  private readonly driver: VirtualDriver;
  private readonly fds = new Map<number, FdState>();
  private readonly endpoints = new EndpointTable();
  private closed = false;

  constructor(readonly net: SutNetConfig, private readonly cfg: ReferenceSutConfig) {
    this.host = new SocketHost({
      addresses: [net.localIp], seed: cfg.seed, tcp: { ...REFERENCE_TCP, mss: net.mtu - (net.wireFamily === 6 ? 60 : 40), ...cfg.tcp }, mptcp: cfg.mptcp ?? {},
    });
    this.driver = new VirtualDriver(this.host, cfg.startUs ?? 0, () => this.endpoints.apply(this.host));
  }

  now(): MonoMicros {
    return this.driver.now;
  }

  /** Runs timers up to `t`; with `until`, stops at the instant a parked blocking call returns. */
  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void> {
    if (until === undefined) this.driver.advanceTo(t);
    else {
      const before = this.driver.returned;
      if (!this.driver.advanceWhile(() => this.driver.returned === before, t) && this.driver.now < t) this.driver.advanceTo(t);
    }
    return Promise.resolve();
  }

  inject(packet: Uint8Array): Promise<InjectOutcome> {
    this.driver.receive(packet);
    return Promise.resolve({ ok: true, timestampUs: this.driver.now });
  }

  /** The oldest sent packet; when none is queued, runs timers up to `deadlineUs` for one. */
  nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    if (this.driver.pending === 0 && !this.driver.advanceWhile(() => this.driver.pending === 0, deadlineUs)) {
      this.driver.advanceTo(deadlineUs);
    }
    return Promise.resolve(this.driver.take() ?? null);
  }

  pendingOutbound(): Promise<number> {
    return Promise.resolve(this.driver.pending);
  }

  syscall(request: SyscallRequest): SyscallHandle {
    const startUs = this.driver.now;
    const step = this.start(request);
    this.driver.settle();
    if (step.kind === "invalid") return settledHandle({ kind: "invalid", message: step.message });
    if (step.kind === "done") return settledHandle(returned(step, startUs, this.driver.now));
    const now = step.poll();
    if (now) return settledHandle(returned(now, startUs, this.driver.now));
    if (request.blocking) {
      const result = new Promise<SyscallOutcome>((resolve) => this.driver.park(step, (d, endUs) => resolve(returned(d, startUs, endUs))));
      return { settled: Promise.resolve("blocked"), result };
    }
    // Without `...` the interpreter stalls in the call: virtual time runs until it can return.
    let done: SyscallOutcome | null = null;
    const parked = this.driver.park(step, (d, endUs) => (done = returned(d, startUs, endUs)));
    this.driver.advanceWhile(() => done === null, undefined);
    const finished = done as SyscallOutcome | null;
    if (finished !== null) return settledHandle(finished);
    this.driver.unpark(parked);
    const what = `${request.name} would block forever: only a packet can make it return, and the script sends none while it stalls (write it as a blocking call: +t...T ${request.name}(…))`;
    return settledHandle({ kind: "invalid", message: what });
  }

  private start(request: SyscallRequest): CallStep {
    const ctx: CallContext = { host: this.host, fds: this.fds };
    try {
      const sock = SOCKET_CALLS[request.name];
      if (sock) return sock(ctx, request.args);
      const io = IO_CALLS[request.name];
      if (io) return io(ctx, request.args, this.driver.now);
      const opt = SOCKOPT_CALLS[request.name];
      if (opt) return opt(ctx, request.args);
      return invalid(`${request.name} is not supported by the reference SUT`);
    } catch (e) {
      if (e instanceof ArgProblem) return invalid(e.message);
      throw e;
    }
  }

  runCommand(command: string): Promise<CommandResult> {
    const t = this.driver.now;
    const parsed = parseHostCommand(command, { ...this.commandEnv(), ...this.cfg.commandEnv });
    const base = { signal: null, timedOut: false, stdout: "", startUs: t, endUs: t };
    if (!parsed.ok) return Promise.resolve({ ...base, exitCode: 127, stderr: `${parsed.message}\n` });
    for (const s of parsed.steps) this.apply(s);
    this.driver.settle();
    return Promise.resolve({ ...base, exitCode: 0, stderr: "" });
  }

  private commandEnv(): Record<string, string> {
    const n = this.net;
    return {
      OPT_IP_VERSION: n.ipVersion, OPT_LOCAL_IP: n.localIp, OPT_REMOTE_IP: n.remoteIp, OPT_GATEWAY_IP: n.gatewayIp,
      OPT_NETMASK_IP: n.netmaskIp, OPT_MTU: String(n.mtu), OPT_LOCAL_DEV: n.device,
    };
  }

  private apply(c: HostCommand): void {
    const mp = this.host.mptcpConfig as MutableMptcpConfig;
    switch (c.kind) {
      case "noop": return;
      case "checksum": mp.checksum = c.enabled; return;
      case "limits": if (c.addAddrAccepted !== undefined) mp.joinAnnounced = c.addAddrAccepted > 0; return;
      case "address": this.addLocal(c.address); return;
      case "endpoint":
        this.addLocal(c.address);
        this.endpoints.add(c.address, c);
        return;
    }
  }

  private addLocal(address: string): void {
    const ip = parseIpAddress(address);
    if (ip && !this.host.isLocal(ip)) this.host.addresses.push(ip);
  }

  runCode(): Promise<CommandResult> {
    const t = this.driver.now;
    return Promise.resolve({
      exitCode: 127, signal: null, timedOut: false, stdout: "", startUs: t, endUs: t,
      stderr: "code blocks (%{ }%) are not run on the reference SUT: it has no Python and no kernel TCP_INFO\n",
    });
  }

  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }> {
    return Promise.resolve(tcpInfoSnapshot(this.host, fd));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const fd of [...this.fds.keys()]) this.host.close(fd);
    this.fds.clear();
    return Promise.resolve();
  }
}

function settledHandle(outcome: SyscallOutcome): SyscallHandle {
  return { settled: Promise.resolve("returned"), result: Promise.resolve(outcome) };
}

/** Opens a reference SUT. */
export function openReferenceSut(cfg: ReferenceSutConfig): ReferenceSut {
  return new ReferenceSut(cfg.net, cfg);
}
