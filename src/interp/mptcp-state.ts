/**
 * Per-run MPTCP state (pkt-language.md §8.1–§8.2, RFC 8684 §3.1–§3.3): the script's variables
 * (keys, addresses), and per connection the two keys, the version, checksum negotiation and the
 * subflows with their address ids and MP_JOIN randoms. Kept apart from the option codecs
 * (house-style rule 14): one {@link MptcpRunState} per run, never module-level.
 *
 * Keys are held as the 64-bit value of their 8 wire bytes read big-endian (what
 * `src/wire/mptcp-crypto.ts` hashes). A script-assigned `key[ckey=2]` is a host-order (x86:
 * little-endian) u64 copied raw, so its wire value is the byte swap of 2 (§8.1).
 */
import type { Rng } from "../rng.ts";
import { type MptcpVersion, mptcpIdsn, mptcpToken } from "../wire/mptcp-crypto.ts";
import type { ConnectionMapping, LiveEndpoint } from "./mapping.ts";
import type { ValueEnv } from "./values.ts";

/** The subflow-level MPTCP values of one TCP connection (RFC 8684 §3.2). */
export interface MptcpSubflow {
  /** The address id the script side used for its address on this subflow. */
  peerAddressId: number | null;
  /** The address id the kernel sent (MP_JOIN SYN or SYN/ACK). */
  kernelAddressId: number | null;
  /** R-A / R-B of MP_JOIN: the script side's and the kernel's random. */
  peerRandom: number | null;
  kernelRandom: number | null;
}

/** One MPTCP connection: Kk = kernel's key, Kp = packetdrill's (script side) key. */
export class MptcpConnState {
  /** @param run The run this connection belongs to (its variables and other connections). */
  constructor(readonly run: MptcpRunState) {}
  kernelKey: bigint | null = null;
  peerKey: bigint | null = null;
  /** 1 (SHA-256) unless an MP_CAPABLE said v0. */
  version: MptcpVersion = 1;
  /** RFC 8684 §3.1: "If either host requires the use of checksums, checksums MUST be used." */
  checksums = false;
  /** The DSN after the last data the script side injected (absolute), for omitted DSNs. */
  peerDataNext: bigint | null = null;
  /** The DSN after the kernel's last mapped data (absolute), for omitted Data ACKs. */
  kernelDataEnd: bigint | null = null;
  private readonly subflows = new Map<ConnectionMapping, MptcpSubflow>();

  /** The subflow state of `conn`, created on first use. */
  subflow(conn: ConnectionMapping): MptcpSubflow {
    let s = this.subflows.get(conn);
    if (s === undefined) {
      s = { peerAddressId: null, kernelAddressId: null, peerRandom: null, kernelRandom: null };
      this.subflows.set(conn, s);
    }
    return s;
  }

  /** IDSN(Kk), or null while the kernel's key is unknown. */
  kernelIdsn(): bigint | null {
    return this.kernelKey === null ? null : mptcpIdsn(this.kernelKey, this.version);
  }

  /** IDSN(Kp), or null while the script side's key is unknown. */
  peerIdsn(): bigint | null {
    return this.peerKey === null ? null : mptcpIdsn(this.peerKey, this.version);
  }

  /** token(Kk): what an MP_JOIN SYN to the kernel carries. */
  kernelToken(): number | null {
    return this.kernelKey === null ? null : mptcpToken(this.kernelKey, this.version);
  }
}

/** A packetdrill-side address (§8.1): the first remote address has id 0, new ones max id + 1. */
export interface PeerAddress {
  readonly ip: string;
  readonly id: number;
}

/** The MPTCP state of one run. */
export class MptcpRunState {
  /**
   * @param rng The run's seeded generator: the values a script leaves to the runner (its key,
   *   MP_JOIN randoms) come from it, so a seed replays them (house-style rule 4).
   */
  constructor(private readonly rng: Rng) {}
  private readonly keys = new Map<string, bigint>();
  private readonly addrs = new Map<string, LiveEndpoint>();
  private readonly conns: MptcpConnState[] = [];
  /** Packetdrill-side addresses in allocation order. */
  readonly peerAddresses: PeerAddress[] = [];

  /** A fresh connection state, remembered for MP_JOIN token lookups. */
  newConnection(): MptcpConnState {
    const c = new MptcpConnState(this);
    this.conns.push(c);
    return c;
  }

  /** The connection whose token(Kk) is `token` (an MP_JOIN SYN's target). */
  byKernelToken(token: number): MptcpConnState | undefined {
    return this.conns.find((c) => c.kernelToken() === token);
  }

  /** The wire value of key variable `name`, or `undefined` when unbound. */
  key(name: string): bigint | undefined {
    return this.keys.get(name);
  }

  /** Binds or re-binds `name` (a later assignment shadows the old value, §8.2). */
  bindKey(name: string, wireValue: bigint): void {
    this.keys.set(name, BigInt.asUintN(64, wireValue));
  }

  /** The endpoint of `addr[name]`, or `undefined` when unbound. */
  addr(name: string): LiveEndpoint | undefined {
    return this.addrs.get(name);
  }

  /** Binds `addr[name]`. */
  bindAddr(name: string, ep: LiveEndpoint): void {
    this.addrs.set(name, ep);
  }

  /** A random 64-bit key from the run's generator (Kp when the script leaves it unassigned). */
  randomKey(): bigint {
    return this.rng.nextU64();
  }

  /** A random 32-bit MP_JOIN nonce (R-A / R-B, RFC 8684 §3.2) from the run's generator. */
  randomNonce(): number {
    return this.rng.nextU32();
  }

  /** The id of a packetdrill-side address, registering it (max id + 1, or 0 first) when new. */
  peerAddressId(ip: string): number {
    const known = this.peerAddresses.find((a) => a.ip === ip);
    if (known) return known.id;
    const id = this.peerAddresses.length === 0 ? 0 : Math.max(...this.peerAddresses.map((a) => a.id)) + 1;
    this.peerAddresses.push({ ip, id });
    return id;
  }
}


/** §8.1: a script-assigned key (`ckey=2`) is a host-order u64 copied raw: its wire value is the byte swap. */
export function hostOrderKey(value: bigint): bigint {
  let v = BigInt.asUintN(64, value);
  let out = 0n;
  for (let i = 0; i < 8; i++) {
    out = (out << 8n) | (v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** What evaluating one MPTCP option of one packet line needs. */
export interface MptcpEvalContext {
  readonly run: MptcpRunState;
  readonly conn: MptcpConnState;
  /** The TCP connection (subflow) the line maps to. */
  readonly mapping: ConnectionMapping;
  readonly env: ValueEnv;
  /** The line's payload length and whether it has FIN (for DSS defaults). */
  readonly payloadLen: number;
  /** The line's relative TCP seq (the default subflow sequence number of a mapping). */
  readonly seq: number;
}
