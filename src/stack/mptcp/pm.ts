/**
 * The path manager of one connection: announcing local addresses with ADD_ADDR and retransmitting
 * them until echoed (RFC 8684 §3.4.1, AA-01, AA-02), checking and echoing the peer's
 * announcements, REMOVE_ADDR in both directions (§3.4.2, RA-01..RA-03), MP_PRIO (§3.3.8), and
 * opening joins to announced addresses when configured.
 */
import { addAddrHmac } from "../../wire/mptcp-crypto.ts";
import type { AddAddrOption } from "../../wire/mptcp-options.ts";
import { bytesEqual } from "../../wire/bytes.ts";
import { type Instant, minInstant } from "../instant.ts";
import type { MptcpConnection } from "./connection.ts";
import type { Subflow } from "./subflow.ts";
import { hookDisabled } from "./test-hooks.ts";

/** One address we announced. */
interface Announcement {
  readonly id: number;
  readonly address: Uint8Array;
  readonly port: number | undefined;
  echoed: boolean;
  sent: number;
  nextAt: Instant | undefined;
}

/** An address the peer announced (HMAC checked). */
export interface RemoteAddress {
  readonly id: number;
  readonly address: Uint8Array;
  readonly port: number | undefined;
}

/** Address bookkeeping of one MPTCP connection. */
export class PathManager {
  private readonly announced = new Map<number, Announcement>();
  /** Addresses the peer announced, by address ID. */
  readonly remoteAddrs = new Map<number, RemoteAddress>();

  constructor(private readonly mp: MptcpConnection) {}

  /** Announces a local address (ADD_ADDR with HMAC), retransmitted until the peer echoes it (AA-02). */
  announce(id: number, address: Uint8Array, port?: number): void {
    this.announced.set(id, { id, address, port, echoed: false, sent: 0, nextAt: undefined });
  }

  /** True once the announcement of `id` was echoed. */
  isEchoed(id: number): boolean {
    return this.announced.get(id)?.echoed ?? false;
  }

  /** Withdraws local address IDs (REMOVE_ADDR) and closes our subflows that use them. */
  remove(ids: number[]): void {
    for (const id of ids) this.announced.delete(id);
    const carrier = this.mp.subflows.find((sf) => sf.usable && !ids.includes(sf.localId));
    if (carrier) {
      carrier.pendingRemove = [...carrier.pendingRemove, ...ids];
      carrier.tcp.ackNow = true;
    }
    for (const sf of this.mp.subflows) if (ids.includes(sf.localId) && sf.tcp.state !== "Closed") sf.reset(0, false);
  }

  /** Asks the peer to treat `sf` as backup or not (MP_PRIO on that subflow, RFC 8684 §3.3.8). */
  setBackup(sf: Subflow, backup: boolean): void {
    sf.backup = backup;
    sf.pendingPrio = backup;
    sf.tcp.ackNow = true;
  }

  /** An ADD_ADDR arrived on `sf`. */
  onAddAddr(sf: Subflow, o: AddAddrOption): void {
    if (o.echo) {
      const a = this.announced.get(o.addressId);
      if (a && bytesEqual(a.address, o.address)) {
        a.echoed = true;
        a.nextAt = undefined;
        this.mp.counters.addAddrEchoRx++;
      }
      return;
    }
    const remote = this.mp.remote;
    // AA-01: "The receiver MUST check the HMAC; a bad HMAC means the option is ignored".
    const check = !hookDisabled(this.mp.host.mptcpConfig.disabled, "addAddrHmacCheck");
    if (!remote || o.hmac === undefined || (check && o.hmac !== addAddrHmac(remote.key, this.mp.local.key, o.addressId, o.address, o.port ?? 0))) {
      this.mp.counters.addAddrRejected++;
      return;
    }
    const known = this.remoteAddrs.has(o.addressId);
    this.remoteAddrs.set(o.addressId, { id: o.addressId, address: o.address.slice(), port: o.port });
    // AA-02: "the receiver MUST acknowledge by echoing the option with E=1 and no HMAC".
    const echo: AddAddrOption = { kind: "mptcp", subtype: "addAddr", echo: true, addressId: o.addressId, address: o.address.slice(), ...(o.port !== undefined ? { port: o.port } : {}) };
    if (!hookDisabled(this.mp.host.mptcpConfig.disabled, "addAddrEcho")) sf.pendingAddAddr.push(echo);
    sf.tcp.ackNow = true;
    if (!known && this.mp.host.mptcpConfig.joinAnnounced) this.joinTo(sf, o);
  }

  private joinTo(sf: Subflow, o: AddAddrOption): void {
    // AA-03: "Without [the port], the peer SHOULD connect to the same port as the subflow on which the ADD_ADDR arrived".
    const port = o.port ?? sf.tcp.remote.port;
    this.mp.host.openJoin(this.mp, sf.tcp.local.addr, { addr: o.address.slice(), port }, false, o.addressId);
  }

  /** REMOVE_ADDR: reset subflows to those peer addresses and forget them (RA-01); unknown IDs are a no-op (RA-03). */
  onRemoveAddr(ids: readonly number[]): void {
    for (const id of ids) {
      this.remoteAddrs.delete(id);
      for (const sf of this.mp.subflows) if (sf.remoteId === id && sf.tcp.state !== "Closed" && sf.tcp.state !== "TimeWait") sf.reset(0, false);
    }
  }

  /** A subflow closed (nothing to do yet: no automatic re-join). */
  onSubflowClosed(_sf: Subflow): void {}

  /** Sends due announcements. */
  poll(now: Instant): void {
    if (!this.mp.remote || this.mp.fallback) return;
    for (const a of this.announced.values()) {
      if (a.echoed) continue;
      if (a.nextAt !== undefined && a.nextAt > now) continue;
      if (a.sent > this.mp.host.mptcpConfig.addAddrRetries) {
        a.nextAt = undefined;
        a.echoed = true; // gave up
        continue;
      }
      const carrier = this.mp.subflows.find((sf) => sf.usable);
      if (!carrier) continue;
      const hmac = addAddrHmac(this.mp.local.key, this.mp.remote.key, a.id, a.address, a.port ?? 0);
      carrier.pendingAddAddr.push({ kind: "mptcp", subtype: "addAddr", echo: false, addressId: a.id, address: a.address, ...(a.port !== undefined ? { port: a.port } : {}), hmac });
      carrier.tcp.ackNow = true;
      a.sent++;
      this.mp.counters.addAddrTx++;
      a.nextAt = now + this.mp.host.mptcpConfig.addAddrTimeout;
    }
  }

  /** When an announcement is next due. */
  pollAt(): Instant | undefined {
    if (!this.mp.remote || this.mp.fallback || !this.mp.subflows.some((sf) => sf.usable)) return undefined;
    let t: Instant | undefined;
    for (const a of this.announced.values()) if (!a.echoed) t = minInstant(t, a.nextAt ?? 0);
    return t;
  }
}
