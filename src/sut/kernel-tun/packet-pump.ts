/**
 * Outbound packet pump: reads every frame the kernel sends to the TUN device, stamps it on the
 * monotonic clock and queues it for {@link PacketPump.next} (pkt-language.md §2.3, §10.1). The
 * stamp is the kernel's hand-over time from the {@link TxTap} when one is given (independent of
 * when this loop gets to read), else the read time.
 *
 * Wake-ups come from a `poll()` on the TUN fd running on a libuv worker (koffi `.async`); the
 * frames are then drained on the main thread with non-blocking reads. `next()` also drains
 * synchronously before it waits, so a packet already in the device queue is seen at once.
 */
import type { MonoMicros, OutboundPacket } from "../sut.ts";
import { monoNowUs } from "./clock.ts";
import { callAsync, type Libc } from "./libc.ts";
import type { TunDevice } from "./tun-device.ts";
import type { TxTap } from "./tx-tap.ts";
import { VNET_HDR_LEN, decodeOutboundFrame } from "./vnet-header.ts";

const POLLIN = 1;
/** poll() timeout on the worker (ms): bounds how long a closed pump keeps a worker. */
const POLL_MS = 100;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

interface Waiter {
  resolve(p: OutboundPacket | null): void;
  timer: NodeJS.Timeout | undefined;
}

/** Queue of outbound packets fed from a TUN device. */
export class PacketPump {
  readonly #libc: Libc;
  readonly #dev: TunDevice;
  readonly #tap: TxTap | null;
  readonly #queue: OutboundPacket[] = [];
  readonly #waiters: Waiter[] = [];
  /** Two pollfds: the TUN device, and an eventfd that `stop()` writes to wake the poll at once. */
  readonly #pollfd = Buffer.alloc(16);
  readonly #wake: number;
  #running = true;
  #loop: Promise<void>;

  constructor(libc: Libc, dev: TunDevice, tap: TxTap | null = null) {
    this.#libc = libc;
    this.#dev = dev;
    this.#tap = tap;
    this.#pollfd.writeInt32LE(dev.fd, 0);
    this.#pollfd.writeInt16LE(POLLIN, 4);
    this.#wake = Number(libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    this.#pollfd.writeInt32LE(this.#wake, 8);
    this.#pollfd.writeInt16LE(POLLIN, 12);
    this.#loop = this.#run();
  }

  /** Read everything queued on the device now; returns how many frames were read. */
  drain(): number {
    let n = 0;
    this.#tap?.drain();
    for (let frame = this.#dev.readFrame(); frame !== null; frame = this.#dev.readFrame()) {
      const readUs = monoNowUs();
      const us = this.#tap?.stampFor(this.#dev.vnetHdr ? frame.subarray(VNET_HDR_LEN) : frame) ?? readUs;
      const p = this.#dev.vnetHdr
        ? decodeOutboundFrame(frame, us)
        : { bytes: frame, timestampUs: us, gso: null, checksumCompleted: false };
      if (p !== null) this.#deliver(p);
      n++;
    }
    return n;
  }

  #deliver(p: OutboundPacket): void {
    const w = this.#waiters.shift();
    if (w === undefined) {
      this.#queue.push(p);
      return;
    }
    clearTimeout(w.timer);
    w.resolve(p);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.drain();
      this.#pollfd.writeInt16LE(0, 6);
      this.#pollfd.writeInt16LE(0, 14);
      try {
        await callAsync(this.#libc, this.#libc.poll, [this.#pollfd, this.#wake >= 0 ? 2 : 1, POLL_MS]);
      } catch {
        return;
      }
    }
  }

  /** The oldest packet, waiting until `deadlineUs` (null at the deadline or when stopped). */
  next(deadlineUs: MonoMicros): Promise<OutboundPacket | null> {
    if (this.#queue.length === 0 && this.#running) this.drain();
    const head = this.#queue.shift();
    if (head !== undefined) return Promise.resolve(head);
    if (!this.#running) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = { resolve, timer: undefined };
      const wait = Math.max(0, deadlineUs - monoNowUs());
      w.timer = setTimeout(() => {
        const i = this.#waiters.indexOf(w);
        if (i >= 0) this.#waiters.splice(i, 1);
        this.drain();
        resolve(this.#queue.shift() ?? null);
      }, Math.ceil(wait / 1000));
      this.#waiters.push(w);
    });
  }

  /** Packets read and not yet taken. */
  pending(): number {
    return this.#queue.length;
  }

  /**
   * Stop reading; pending waiters get null. Wakes the worker's poll through the eventfd and
   * resolves once that poll has returned (at the latest after its 100 ms timeout).
   */
  async stop(): Promise<void> {
    this.#running = false;
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    if (this.#wake >= 0) {
      const one = Buffer.alloc(8);
      one.writeBigUInt64LE(1n);
      this.#libc.write(this.#wake, one, 8);
    }
    await this.#loop;
    if (this.#wake >= 0) this.#libc.close(this.#wake);
  }
}
