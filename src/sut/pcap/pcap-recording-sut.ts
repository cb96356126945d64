/**
 * `--capture`: a {@link Sut} wrapper that writes every injected and every outbound packet of one
 * script run to a classic pcap file (LINKTYPE_RAW 101: records start with the IP header,
 * nanosecond timestamps). Times are the SUT's own timestamps (injection time, outbound capture
 * time) moved to the wall clock by a fixed realtime − monotonic offset taken at open, so the
 * file's gaps are exactly the gaps the interpreter judged. The kernel SUT dates its files on the
 * wall clock (kernel-tun/pcap-recorder.ts); the reference SUT keeps its virtual times (offset 0),
 * so the same script and seed give the same file, byte for byte.
 *
 * Records are written with one `writeSync` each (no user-space buffer), so a run that is killed
 * keeps every packet recorded so far. Outbound packets are recorded when the interpreter takes
 * them; after each injection the packets the stack has already sent are pulled in and written in
 * timestamp order with the injected one, so the file stays in time order around injections.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { LINKTYPE_RAW } from "../../wire/pcap/link-type.ts";
import { emitPcapFileHeader, emitPcapRecord, pcapRecordBufferLen, type PcapWriterOptions } from "../../wire/pcap/pcap-writer.ts";
import type {
  CommandResult, InjectOutcome, MonoMicros, OutboundPacket, Sut, SutNetConfig, SyscallHandle, SyscallRequest,
  TcpInfoSnapshot,
} from "../sut.ts";

const OPTIONS: PcapWriterOptions = { linkType: LINKTYPE_RAW, precision: "ns" };

/** An append-only pcap file on disk. */
class PcapFile {
  #fd: number | null;

  constructor(path: string, private readonly wallOffsetNs: bigint) {
    this.#fd = openSync(path, "w");
    writeSync(this.#fd, emitPcapFileHeader(OPTIONS));
  }

  /** Append one IP packet stamped `us` on the SUT clock. */
  write(bytes: Uint8Array, us: MonoMicros): void {
    if (this.#fd === null) return;
    const ns = BigInt(Math.round(us)) * 1000n + this.wallOffsetNs;
    const record = { tsSec: Number(ns / 1_000_000_000n), tsNsec: Number(ns % 1_000_000_000n), data: bytes };
    const out = new Uint8Array(pcapRecordBufferLen(record));
    emitPcapRecord(record, OPTIONS, out, 0);
    writeSync(this.#fd, out);
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/** A SUT that records its traffic; otherwise identical to the SUT it wraps. */
export class PcapRecordingSut implements Sut {
  readonly kind: string;
  readonly net: SutNetConfig;
  readonly #inner: Sut;
  readonly #file: PcapFile;
  /** Outbound packets already recorded (pulled in after an injection), not yet handed out. */
  readonly #ahead: OutboundPacket[] = [];

  /** `wallOffsetNs`: CLOCK_REALTIME − SUT clock in ns (see `realtimeOffsetNs`); 0 keeps SUT times. */
  constructor(inner: Sut, path: string, wallOffsetNs: bigint) {
    this.#inner = inner;
    this.kind = inner.kind;
    this.net = inner.net;
    this.#file = new PcapFile(path, wallOffsetNs);
  }

  now(): MonoMicros {
    return this.#inner.now();
  }

  sleepUntil(t: MonoMicros, until?: Promise<unknown>): Promise<void> {
    return this.#inner.sleepUntil(t, until);
  }

  /** Moves every packet the inner SUT has ready into {@link #ahead}; returns them. */
  async #pullReady(): Promise<OutboundPacket[]> {
    const pulled: OutboundPacket[] = [];
    for (let n = await this.#inner.pendingOutbound(); n > 0; n--) {
      const p = await this.#inner.nextOutbound(0);
      if (p === null) break;
      pulled.push(p);
    }
    this.#ahead.push(...pulled);
    return pulled;
  }

  async inject(packet: Uint8Array, opts?: { readonly gsoSize?: number }): Promise<InjectOutcome> {
    const outcome = await this.#inner.inject(packet, opts);
    if (!outcome.ok) return outcome;
    const batch = [{ bytes: packet, timestampUs: outcome.timestampUs }, ...await this.#pullReady()];
    batch.sort((a, b) => a.timestampUs - b.timestampUs);
    for (const p of batch) this.#file.write(p.bytes, p.timestampUs);
    return outcome;
  }

  async nextOutbound(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    const early = this.#ahead.shift();
    if (early !== undefined) return early;
    const p = await this.#inner.nextOutbound(deadlineUs);
    if (p !== null) this.#file.write(p.bytes, p.timestampUs);
    return p;
  }

  async pendingOutbound(): Promise<number> {
    return this.#ahead.length + await this.#inner.pendingOutbound();
  }

  syscall(request: SyscallRequest): SyscallHandle {
    return this.#inner.syscall(request);
  }

  runCommand(command: string): Promise<CommandResult> {
    return this.#inner.runCommand(command);
  }

  runCode(program: string): Promise<CommandResult> {
    return this.#inner.runCode(program);
  }

  snapshotTcpInfo(fd: number): Promise<TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string }> {
    return this.#inner.snapshotTcpInfo(fd);
  }

  /** Records what the stack sent and nobody read, closes the inner SUT, then the file. */
  async close(): Promise<void> {
    try {
      for (const p of await this.#pullReady()) this.#file.write(p.bytes, p.timestampUs);
      this.#ahead.length = 0;
      await this.#inner.close();
    } finally {
      this.#file.close();
    }
  }
}
