/**
 * The connection model of `verify`: TCP subflows grouped into MPTCP connections by their keys
 * and tokens (RFC 8684 §3.1 MP_CAPABLE keys, §3.2 MP_JOIN tokens), with each side's key and
 * IDSN, each subflow's ISNs and nonces, and each direction's data-level state (mappings, Data
 * ACKs, DATA_FIN, fallback; §3.3, §3.7). Plain data owned by one verify run; no module state.
 */
import { mptcpIdsn, mptcpToken, type MptcpVersion } from "../wire/mptcp-crypto.ts";
import type { DataSeq, SeqNum } from "../wire/seq.ts";
import type { Dir, FlowBase } from "../capture/flow-table.ts";
import { MappingBook } from "./mapping-book.ts";

/** A side of an MPTCP connection: the host that sent the MP_CAPABLE SYN, or the one that answered it. */
export type Side = "initiator" | "listener";

export { type Dir, otherDir } from "../capture/flow-table.ts";

/** The other side. */
export function otherSide(s: Side): Side {
  return s === "initiator" ? "listener" : "initiator";
}

/** Data-level state of the data one side sends (RFC 8684 §3.3). */
export interface DataLevel {
  /** One past the highest DSN mapped so far (DATA_FIN included); starts at IDSN + 1. */
  sentEnd?: DataSeq;
  /** The last mapped DSN, for expanding 32-bit DSNs (§3.3, DSS-04). */
  lastDsn?: DataSeq;
  /** DSN of this side's DATA_FIN and the frame that first carried it. */
  dataFin?: { readonly dsn: DataSeq; readonly frame: number };
  /** Frame after which this side sends no MPTCP option (fallback, §3.7), and why. */
  fallbackFrom?: FallbackMark;
  /** ADD_ADDR announcements this side made, by `id|address|port`. */
  readonly announced: Set<string>;
  /** The highest data-level right edge (Data ACK + scaled window) the peer gave this side (DSS-06). */
  windowEdge?: DataSeq;
  /** Address IDs this side announced or used on a subflow (0: the initial subflow's, §3.4.2). */
  readonly addressIds: Set<number>;
}

/** Where a side fell back: segments after `order` (time order) carry no MPTCP option (§3.7). */
export interface FallbackMark {
  /** Frame number of the segment that caused it, for messages. */
  readonly frame: number;
  readonly order: number;
  readonly reason: string;
  readonly id: "FB-06" | "MPC-06";
}

/** Fallback of a connection waiting for a side to see it: the peer's TCP ack must pass `ackPast`. */
export interface PendingFallback {
  readonly side: Side;
  readonly subflow: Subflow;
  /** Subflow direction whose sequence numbers `ackPast` counts in. */
  readonly dir: Dir;
  readonly ackPast: SeqNum;
  readonly reason: string;
  /** Frame of the segment that caused the fallback. */
  readonly frame: number;
}

/** One MPTCP connection: found from an MP_CAPABLE handshake. */
export interface MptcpConnection {
  /** 1-based, in order of discovery. */
  readonly id: number;
  readonly version: MptcpVersion;
  readonly keys: Partial<Record<Side, bigint>>;
  /** MP_CAPABLE flags of the SYN and of the SYN/ACK. */
  readonly flags: { syn: number; synAck?: number };
  /** True when either side set A: DSS checksums are used (§3.1, CS-01). */
  checksums: boolean;
  readonly subflows: Subflow[];
  readonly data: Record<Side, DataLevel>;
  /** Whether each side has sent a DSS yet (the connection is fully established once it has, §3.1). */
  readonly dssSent: Record<Side, boolean>;
  readonly pendingFallback: PendingFallback[];
  /** The IDSN of each side's key, computed once (SHA-256 per Data ACK was a fifth of verify's time). */
  readonly idsnMemo: Partial<Record<Side, { readonly key: bigint; readonly idsn: DataSeq }>>;
}

/** A Data ACK below the highest one, waiting for the next to tell which of the two is wrong. */
export interface DataAckDip {
  readonly ack: DataSeq;
  readonly frame: number;
  readonly flow: string;
}

/** The highest Data ACK of a subflow direction, its frame, the one before it, and a pending dip (DSS-05). */
export interface DataAckHistory {
  readonly ack: DataSeq;
  readonly frame: number;
  readonly before?: DataSeq;
  readonly dip?: DataAckDip;
}

/** What a TCP flow turned out to be. */
export type SubflowKind = "initial" | "join" | "plain" | "unknown";

/** One TCP flow: the initial subflow of an MPTCP connection, a joined subflow, or plain TCP. */
export interface Subflow extends FlowBase {
  /** 1-based, in order of discovery. */
  readonly id: number;
  kind: SubflowKind;
  /** `addr:port` of the SYN sender (`fwd` source) and of the responder. */
  readonly endpoints: Record<Dir, string>;
  conn?: MptcpConnection;
  /** Connection side of the SYN sender (the `fwd` direction). */
  initiatorSide?: Side;
  /** ISN of each direction (the SYN's sequence number). */
  readonly isn: Partial<Record<Dir, SeqNum>>;
  /** MP_JOIN nonces (R-A from the SYN, R-B from the SYN/ACK) and the SYN's token. */
  readonly nonce: Partial<Record<Dir, number>>;
  joinToken?: number;
  /** Window Scale shift each direction's SYN offered (RFC 7323 §2.3). */
  readonly wscale: Partial<Record<Dir, number>>;
  /** Frame of the MP_JOIN SYN. */
  joinSynFrame?: number;
  /** MP_CAPABLE was in the SYN (initial subflows) — to judge the SYN/ACK. */
  synHadMpCapable?: boolean;
  /** Mappings and checksum assembly per direction. */
  readonly books: Record<Dir, MappingBook>;
  /** Highest good Data ACK sent in each direction, with its history (DSS-05). */
  readonly lastDataAck: Partial<Record<Dir, DataAckHistory>>;
  /** Some segment of the flow carried an MPTCP option (a flow without handshake that did is an MPTCP subflow left unchecked). */
  mptcpSeen?: boolean;
}

/** A new subflow record for a flow first seen from `src` to `dst`. */
export function newSubflow(id: number, src: string, dst: string, kind: SubflowKind): Subflow {
  return {
    id, kind, endpoints: { fwd: src, rev: dst }, isn: {}, nonce: {},
    books: { fwd: new MappingBook(), rev: new MappingBook() }, lastDataAck: {}, wscale: {},
  };
}

/** A new connection from an MP_CAPABLE SYN. */
export function newConnection(id: number, version: MptcpVersion, synFlags: number): MptcpConnection {
  const level = (): DataLevel => ({ announced: new Set(), addressIds: new Set([0]) });
  return {
    id, version, keys: {}, flags: { syn: synFlags }, checksums: false, subflows: [],
    data: { initiator: level(), listener: level() },
    dssSent: { initiator: false, listener: false }, pendingFallback: [], idsnMemo: {},
  };
}

/** The connection side that sends in direction `dir` of `sf` (undefined before the side is known). */
export function sideOf(sf: Subflow, dir: Dir): Side | undefined {
  if (sf.initiatorSide === undefined) return undefined;
  return dir === "fwd" ? sf.initiatorSide : otherSide(sf.initiatorSide);
}

/** IDSN of a side's key (RFC 8684 §3.1), when the key is known; hashed once per key. */
export function idsnOf(conn: MptcpConnection, side: Side): DataSeq | undefined {
  const key = conn.keys[side];
  if (key === undefined) return undefined;
  const memo = conn.idsnMemo[side];
  if (memo?.key === key) return memo.idsn;
  const idsn = mptcpIdsn(key, conn.version);
  conn.idsnMemo[side] = { key, idsn };
  return idsn;
}

/** Token of a side's key (RFC 8684 §3.2), when the key is known. */
export function tokenOf(conn: MptcpConnection, side: Side): number | undefined {
  const key = conn.keys[side];
  return key === undefined ? undefined : mptcpToken(key, conn.version);
}
