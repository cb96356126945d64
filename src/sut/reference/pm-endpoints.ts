/**
 * The reference SUT's path-manager endpoints, as `ip mptcp endpoint add` configures Linux's
 * in-kernel path manager: a `signal` endpoint is announced with ADD_ADDR on every MPTCP
 * connection once it is fully established (RFC 8684 §3.4.1); a `subflow` endpoint opens an
 * MP_JOIN subflow from that address to the peer's initial address once the client is fully
 * established (§3.2, MPJ-06: joins need a fully established connection).
 */
import { parseIpAddress } from "../../wire/address.ts";
import type { SocketHost } from "../../stack/host-sockets.ts";
import type { MptcpConnection } from "../../stack/mptcp/connection.ts";

/** One configured endpoint. */
export interface Endpoint {
  readonly id: number;
  readonly address: Uint8Array;
  readonly port: number | undefined;
  readonly signal: boolean;
  readonly subflow: boolean;
  readonly backup: boolean;
}

/** Endpoints and which connections already used them. */
export class EndpointTable {
  private readonly endpoints: Endpoint[] = [];
  private readonly done = new WeakMap<MptcpConnection, Set<number>>();

  /** Adds an endpoint; its id is `id` or the next free one from 1 (as Linux assigns them). */
  add(address: string, opts: { id: number | undefined; port: number | undefined; signal: boolean; subflow: boolean; backup: boolean }): boolean {
    const ip = parseIpAddress(address);
    if (!ip) return false;
    const id = opts.id ?? this.endpoints.reduce((m, e) => Math.max(m, e.id), 0) + 1;
    this.endpoints.push({ id, address: ip, port: opts.port, signal: opts.signal, subflow: opts.subflow, backup: opts.backup });
    return true;
  }

  /** Applies the endpoints to every connection of `host` that reached the right state. */
  apply(host: SocketHost): void {
    if (this.endpoints.length === 0) return;
    for (const mp of host.mptcps) {
      if (mp.fallback || mp.remote === undefined || !mp.connected) continue;
      const used = this.done.get(mp) ?? new Set<number>();
      this.done.set(mp, used);
      for (const e of this.endpoints) {
        if (used.has(e.id)) continue;
        if (e.signal) {
          used.add(e.id);
          mp.pm.announce(e.id, e.address, e.port);
          const sf = mp.initial;
          if (sf) sf.tcp.ackNow = true;
        } else if (e.subflow && mp.role === "client" && mp.peerSpokeDss) {
          used.add(e.id);
          const init = mp.initial?.tcp;
          if (init) host.openJoin(mp, e.address, init.remote, e.backup, 0);
        }
      }
    }
  }
}
