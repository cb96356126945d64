/**
 * Virtual time over a sans-IO host (house-style rules 5 and 6): the driver owns "now", runs the
 * host at an instant until it has nothing more to send (`poll`/`pollAt`), jumps from one due
 * timer to the next, and keeps the sent packets with their virtual timestamps. Blocked syscalls
 * wait here as {@link CallWait}s and are asked again after every change, so a call returns at
 * the exact virtual instant its socket became ready.
 */
import type { Instant } from "../../stack/instant.ts";
import type { SocketHost } from "../../stack/host-sockets.ts";
import type { OutboundPacket } from "../sut.ts";
import type { CallDone, CallWait } from "./call-step.ts";

/** A blocked call and who learns its end. */
interface Waiter {
  readonly wait: CallWait;
  readonly resolve: (done: CallDone, endUs: Instant) => void;
}

/** Steps at one instant before the driver assumes a livelock in the host. */
const MAX_STEPS_PER_INSTANT = 10_000;
/** Timer jumps in one advance before the driver gives up (a runaway timer). */
const MAX_JUMPS = 1_000_000;

/** Drives `host` over virtual time. */
export class VirtualDriver {
  private t: Instant;
  private readonly queue: OutboundPacket[] = [];
  private readonly waiters: Waiter[] = [];
  /** Parked calls that returned so far (a count: a sleep can stop at the next one). */
  private returnCount = 0;

  /** `beforePoll` runs ahead of every host poll (path-manager endpoints). */
  constructor(readonly host: SocketHost, start: Instant, private readonly beforePoll: () => void = () => {}) {
    this.t = start;
  }

  /** The current virtual instant. */
  get now(): Instant {
    return this.t;
  }

  /** Packets sent and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  /** Takes the oldest sent packet. */
  take(): OutboundPacket | undefined {
    return this.queue.shift();
  }

  /** Runs the host at the current instant until it has nothing more to send now; wakes ready calls. */
  settle(): void {
    for (let i = 0; i < MAX_STEPS_PER_INSTANT; i++) {
      this.beforePoll();
      const at = this.t;
      this.host.poll(at, (bytes) => this.queue.push({ bytes, timestampUs: at, gso: null, checksumCompleted: false }));
      this.wake();
      const next = this.host.pollAt();
      if (next !== "now" && (next === "ingress" || next > this.t)) return;
    }
  }

  /** The next instant something is due (a host timer or a call's deadline), or undefined. */
  nextDue(): Instant | undefined {
    const p = this.host.pollAt();
    let due: Instant | undefined = p === "ingress" ? undefined : p === "now" ? this.t : Math.max(p, this.t);
    for (const w of this.waiters) {
      const d = w.wait.deadlineUs;
      if (d !== undefined && (due === undefined || d < due)) due = Math.max(d, this.t);
    }
    return due;
  }

  /** Advances to `t`, delivering every timer on the way (never moves backward). */
  advanceTo(t: Instant): void {
    this.advanceWhile(() => true, t);
    if (t > this.t) this.t = t;
    this.settle();
  }

  /**
   * Advances timer by timer while `keepGoing()` holds and the next event is not after `deadline`
   * (`undefined`: no deadline). Returns true when `keepGoing()` stopped holding.
   */
  advanceWhile(keepGoing: () => boolean, deadline: Instant | undefined): boolean {
    this.settle();
    for (let i = 0; i < MAX_JUMPS && keepGoing(); i++) {
      const due = this.nextDue();
      if (due === undefined || (deadline !== undefined && due > deadline)) return false;
      this.t = Math.max(this.t, due);
      this.settle();
      this.expire();
    }
    return !keepGoing();
  }

  /** Hands `bytes` to the host at the current instant and runs it. */
  receive(bytes: Uint8Array): void {
    this.host.receive(this.t, bytes);
    this.settle();
  }

  /** Parks a blocked call until its socket is ready (or its deadline); returns a handle for {@link unpark}. */
  park(wait: CallWait, resolve: (done: CallDone, endUs: Instant) => void): object {
    const w: Waiter = { wait, resolve };
    this.waiters.push(w);
    return w;
  }

  /** Forgets a parked call that will never return. */
  unpark(handle: object): void {
    const i = this.waiters.indexOf(handle as Waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** How many parked calls have returned (or expired) since the driver started. */
  get returned(): number {
    return this.returnCount;
  }

  /** Blocked calls still parked. */
  get parked(): number {
    return this.waiters.length;
  }

  private wake(): void {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i] as Waiter;
      const done = w.wait.poll();
      if (done) {
        this.waiters.splice(i--, 1);
        this.returnCount++;
        w.resolve(done, this.t);
      }
    }
  }

  private expire(): void {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i] as Waiter;
      if (w.wait.deadlineUs !== undefined && w.wait.deadlineUs <= this.t && w.wait.expire) {
        this.waiters.splice(i--, 1);
        this.returnCount++;
        w.resolve(w.wait.expire(), this.t);
      }
    }
  }
}
