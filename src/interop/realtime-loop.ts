/**
 * The real-time drive of a sans-IO {@link SocketHost} over a live link: inbound packets are queued
 * by the link callback and fed to `host.receive(now, …)` in one batch per event-loop turn, then the
 * application tick runs and `host.poll(now, emit)` sends; the loop sleeps until `host.pollAt()`
 * or the next packet (house-style rule 5, with the real clock in place of virtual time).
 * Optional mangle hooks let a scenario play middlebox on either direction.
 */
import { performance } from "node:perf_hooks";
import type { SocketHost } from "../stack/host-sockets.ts";
import type { Instant } from "../stack/instant.ts";

/** Rewrites or drops (returns undefined) a packet on its way in or out. */
export type Mangle = (ip: Uint8Array) => Uint8Array | undefined;

/** Where packets go out. */
export interface PacketSink {
  send(ip: Uint8Array): void;
}

/** How the loop went. */
export interface LoopStats {
  turns: number; packetsIn: number; packetsOut: number; cpuUserMicros: number; cpuSystemMicros: number; wallMicros: number;
}

/** A real-time loop around one host. Call {@link RealtimeLoop.deliver} from the link's packet callback. */
export class RealtimeLoop {
  readonly stats: LoopStats = { turns: 0, packetsIn: 0, packetsOut: 0, cpuUserMicros: 0, cpuSystemMicros: 0, wallMicros: 0 };
  private readonly origin = performance.now();
  private inbound: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  mangleIn: Mangle | undefined;
  mangleOut: Mangle | undefined;
  /** Sees every packet in and out (debugging). */
  trace: ((dir: "in" | "out", now: Instant, ip: Uint8Array) => void) | undefined;

  constructor(readonly host: SocketHost, private readonly link: PacketSink) {}

  /** The current instant (integer microseconds since the loop was made). */
  now(): Instant {
    return Math.floor((performance.now() - this.origin) * 1000);
  }

  /** Queues an inbound IP packet (from the link) and wakes the loop. */
  deliver(ip: Uint8Array): void {
    this.inbound.push(ip);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private turn(tick: () => boolean): boolean {
    this.stats.turns++;
    let now = this.now();
    const batch = this.inbound;
    this.inbound = [];
    for (const p of batch) {
      const b = this.mangleIn ? this.mangleIn(p) : p;
      this.stats.packetsIn++;
      if (b) this.host.receive(now, b);
      this.trace?.("in", now, p);
    }
    const done = tick();
    now = this.now();
    this.host.poll(now, (out) => {
      const b = this.mangleOut ? this.mangleOut(out) : out;
      this.stats.packetsOut++;
      if (b) this.link.send(b);
      this.trace?.("out", now, out);
    });
    return done || tick();
  }

  private sleep(): Promise<void> {
    const at = this.host.pollAt();
    return new Promise((resolve) => {
      if (at === "now" || this.inbound.length > 0) return void setImmediate(resolve);
      let timer: NodeJS.Timeout | undefined;
      const wake = (): void => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = wake;
      // Even with nothing due, look again now and then: the application may be waiting on itself.
      const ms = at === "ingress" ? 50 : Math.max(0, (at - this.now()) / 1000);
      timer = setTimeout(wake, Math.min(ms, 50));
    });
  }

  /**
   * Runs until `tick` (the application: socket calls) returns true or `timeoutMs` passes;
   * resolves true when `tick` finished, false on timeout.
   */
  async run(tick: () => boolean, timeoutMs: number): Promise<boolean> {
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      for (;;) {
        if (this.turn(tick)) return true;
        if (performance.now() - start > timeoutMs) return false;
        await this.sleep();
      }
    } finally {
      const cpu = process.cpuUsage(cpu0);
      this.stats.cpuUserMicros += cpu.user;
      this.stats.cpuSystemMicros += cpu.system;
      this.stats.wallMicros += Math.round((performance.now() - start) * 1000);
    }
  }
}
