/**
 * A deterministic two-host network in virtual time (smoltcp netsim style): packets travel with a
 * fixed one-way delay; the loop jumps to the next arrival or the next `pollAt` of either host.
 */
import { createHash } from "node:crypto";
import type { SocketHost } from "../../../src/stack/host-sockets.ts";

/** A packet on the wire. */
interface InFlight {
  readonly at: number;
  readonly to: SocketHost;
  readonly bytes: Uint8Array;
}

/** Two hosts joined by a link. */
export class Sim {
  now = 0;
  private wire: InFlight[] = [];
  private readonly hash = createHash("sha256");
  packets = 0;
  bytes = 0;
  /** Drops packets for which this returns true. */
  drop: (bytes: Uint8Array, n: number) => boolean = () => false;
  /** Rewrites packets in flight (the fuzz suite damages them here); identity by default. */
  mangle: (bytes: Uint8Array, n: number) => Uint8Array = (b) => b;

  constructor(readonly a: SocketHost, readonly b: SocketHost, readonly delay = 5_000) {}

  /** SHA-256 of every packet emitted so far, in order. */
  digest(): string {
    return this.hash.copy().digest("hex");
  }

  private emitFrom(from: SocketHost): (bytes: Uint8Array) => void {
    const to = from === this.a ? this.b : this.a;
    return (bytes) => {
      this.packets++;
      this.bytes += bytes.length;
      this.hash.update(bytes);
      if (this.drop(bytes, this.packets)) return;
      this.wire.push({ at: this.now + this.delay, to, bytes: this.mangle(bytes, this.packets) });
    };
  }

  /** Advances to the next event and processes it; false when nothing is left to happen. */
  step(): boolean {
    const next = this.nextEvent();
    if (next === undefined) return false;
    this.now = Math.max(this.now, next);
    const due = this.wire.filter((p) => p.at <= this.now);
    this.wire = this.wire.filter((p) => p.at > this.now);
    for (const p of due) p.to.receive(this.now, p.bytes);
    this.a.poll(this.now, this.emitFrom(this.a));
    this.b.poll(this.now, this.emitFrom(this.b));
    return true;
  }

  private nextEvent(): number | undefined {
    let t: number | undefined;
    for (const p of this.wire) t = t === undefined ? p.at : Math.min(t, p.at);
    for (const h of [this.a, this.b]) {
      const at = h.pollAt();
      if (at === "now") return this.now;
      if (at !== "ingress") t = t === undefined ? at : Math.min(t, at);
    }
    return t;
  }

  /** Runs until `done()` or virtual time passes `limit` µs; `tick` runs the applications after each step. */
  run(limit: number, tick: () => boolean): void {
    for (let guard = 0; guard < 2_000_000; guard++) {
      if (tick()) return;
      if (this.now > limit || !this.step()) return;
    }
  }
}
