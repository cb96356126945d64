/**
 * The TUN link of `interop --link tun`: the reference stack owns the fd of a TUN device in the
 * kernel's namespace (IFF_TUN | IFF_NO_PI, no virtio-net header, so one plain IP packet per read
 * or write). Opening the device reuses the kernel SUT's TUN opener and koffi binding
 * (src/sut/kernel-tun/tun-device.ts, libc.ts). Wake-ups come from `poll()` on a libuv worker
 * (koffi `.async`); packets are then drained on the main thread with non-blocking reads and
 * handed to a callback, the same shape as {@link PcapLink}.
 */
import { callAsync, type Libc, openLibc } from "../sut/kernel-tun/libc.ts";
import { type TunDevice, openTunDevice } from "../sut/kernel-tun/tun-device.ts";

const POLLIN = 1;
/** poll() timeout on the worker (ms): bounds how long {@link TunLink.close} waits. */
const POLL_MS = 50;

/** Counters of what crossed the link. */
export interface TunLinkStats {
  rxPackets: number; rxBytes: number; txPackets: number; txBytes: number; txErrors: number;
}

/** A live link over a TUN device. Inbound IP packets (copies) go to `onPacket`. */
export class TunLink {
  readonly stats: TunLinkStats = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, txErrors: 0 };
  private readonly libc: Libc;
  private readonly dev: TunDevice;
  private readonly pollfd = Buffer.alloc(8);
  private running = true;
  private readonly loop: Promise<void>;

  /** Attaches to (or creates) TUN device `name` in the current namespace; MPD_ERR_TUN_OPEN on failure. */
  constructor(name: string, private readonly onPacket: (ip: Uint8Array) => void) {
    this.libc = openLibc();
    this.dev = openTunDevice(this.libc, name, false);
    this.pollfd.writeInt32LE(this.dev.fd, 0);
    this.pollfd.writeInt16LE(POLLIN, 4);
    this.loop = this.run();
  }

  /** Reads every packet queued on the device now. */
  drain(): void {
    for (let p = this.dev.readFrame(); p !== null && this.running; p = this.dev.readFrame()) {
      this.stats.rxPackets++;
      this.stats.rxBytes += p.length;
      this.onPacket(p);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.drain();
      this.pollfd.writeInt16LE(0, 6);
      try {
        await callAsync(this.libc, this.libc.poll, [this.pollfd, 1, POLL_MS]);
      } catch {
        return;
      }
    }
  }

  /** Writes one IP packet into the device (the kernel receives it). */
  send(ip: Uint8Array): void {
    if (!this.running) return;
    if (this.dev.writePacket(ip) !== 0) {
      this.stats.txErrors++; // e.g. a full queue: a lost packet, which TCP recovers from
      return;
    }
    this.stats.txPackets++;
    this.stats.txBytes += ip.length;
  }

  /** Stops reading, waits for the worker's poll to return, then closes the fd (the device persists). */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    this.dev.close();
  }
}
