/**
 * The MPTCP options a subflow writes on its segments and the options it reads that are not part
 * of a handshake: MP_CAPABLE on SYN, SYN/ACK, third ACK and first data (RFC 8684 §3.1, MPC-01,
 * MPC-07), MP_JOIN on SYN and SYN/ACK (§3.2), DSS with Data ACK, mappings, DATA_FIN and the
 * infinite mapping (§3.3, §3.7), ADD_ADDR / REMOVE_ADDR / MP_PRIO / MP_FAIL / MP_FASTCLOSE /
 * MP_TCPRST (§3.4–§3.7), kept within the 40 bytes of option space (DSS-09).
 */
import { dssChecksum } from "../../wire/checksum.ts";
import { mpJoinSynAckHmac } from "../../wire/mptcp-crypto.ts";
import { type DssMapping, type DssOption, MPC_FLAG, type MptcpOption, mptcpOptionLen } from "../../wire/mptcp-options.ts";
import { expandDataSeq32, seqAdd, seqDiff } from "../../wire/seq.ts";
import type { TcpOption } from "../../wire/tcp-options.ts";
import type { Segment } from "../segment.ts";
import type { ExtVerdict, OutgoingInfo, TcpConnection } from "../tcp/connection.ts";
import type { Subflow } from "./subflow.ts";
import { hookDisabled } from "./test-hooks.ts";

/** Option bytes left after the 12 bytes of NOP,NOP,TS. */
const ROOM = 40 - 12;

/** The MPTCP options of a segment. */
export function mptcpOptions(seg: Segment): MptcpOption[] {
  return seg.tcp.options.filter((o): o is MptcpOption => o.kind === "mptcp");
}

function mpcFlags(sf: Subflow): number {
  // RFC 8684 §3.1: H "MUST be set" (HMAC-SHA256); A when checksums are wanted or in use.
  return MPC_FLAG.H | (sf.mp.checksum ? MPC_FLAG.A : 0);
}

/** MP_CAPABLE or MP_JOIN for a SYN (`ack` false) or SYN/ACK. */
export function synOptions(sf: Subflow, ack: boolean): TcpOption[] {
  const mp = sf.mp;
  if (sf.kind === "initial") {
    if (mp.fallback) return [];
    // MPC-01: "the v1 SYN carries MP_CAPABLE, length 4 ... and no key"; the SYN/ACK carries the responder's key.
    return [ack ? { kind: "mptcp", subtype: "mpCapable", version: 1, flags: mpcFlags(sf), sendersKey: mp.local.key }
      : { kind: "mptcp", subtype: "mpCapable", version: 1, flags: mpcFlags(sf) }];
  }
  const remote = mp.remote;
  if (!remote) return [];
  if (!ack) return [{ kind: "mptcp", subtype: "mpJoinSyn", backup: sf.backup, addressId: sf.localId, receiversToken: remote.token, sendersRandom: sf.localNonce }];
  const hmac = mpJoinSynAckHmac(mp.local.key, remote.key, sf.localNonce, sf.remoteNonce ?? 0);
  return [{ kind: "mptcp", subtype: "mpJoinSynAck", backup: sf.backup, addressId: sf.localId, sendersHmac: hmac, sendersRandom: sf.localNonce }];
}

/** MP_TCPRST (TR-01, TR-02) and, for a fast close, MP_FASTCLOSE with the peer's key (FC-02). */
export function rstOptions(sf: Subflow): TcpOption[] {
  if (sf.mp.fallback && sf.kind === "initial") return [];
  const out: TcpOption[] = [{ kind: "mptcp", subtype: "mpTcpRst", flags: 0, reason: sf.rstReason }];
  const remote = sf.mp.remote;
  if (sf.rstFastclose && remote) out.push({ kind: "mptcp", subtype: "mpFastclose", receiversKey: remote.key });
  return out;
}

/** Options of a non-SYN, non-RST segment on an MPTCP subflow. */
export function dataOptions(sf: Subflow, c: TcpConnection, out: OutgoingInfo): TcpOption[] {
  const mp = sf.mp;
  const remote = mp.remote;
  if (!remote) return [];
  if (sf.kind === "initial" && sf.role === "client" && !sf.thirdAckSent) {
    sf.thirdAckSent = true;
    // MPC-01: "The third ACK carries both keys, initiator's first (length 20)".
    if (out.payload.length === 0) return [{ kind: "mptcp", subtype: "mpCapable", version: 1, flags: mpcFlags(sf), sendersKey: mp.local.key, receiversKey: remote.key }];
  }
  if (out.payload.length > 0) {
    // DSS-09 / AA-05: an address option does not fit beside a data mapping; it waits for a pure
    // ACK, so ask for one after this burst (finish() cleared ackNow), or a continuous sender
    // would hold an ADD_ADDR (or echo) back until its last byte.
    if (nextExtra(sf) !== undefined) c.ackNow = true;
    const m = sf.tx.find(out.seq);
    if (!m) return [];
    if (sf.kind === "initial" && sf.role === "client" && !mp.peerSpokeDss && m.dsn === mp.local.idsn + 1n) {
      // MPC-07: the first data carries MP_CAPABLE with both keys and the Data-Level Length until the peer sends a DSS.
      const mpc: MptcpOption = { kind: "mptcp", subtype: "mpCapable", version: 1, flags: mpcFlags(sf), sendersKey: mp.local.key, receiversKey: remote.key, dataLevelLength: m.len };
      return [m.checksum !== undefined ? { ...mpc, checksum: m.checksum } : mpc];
    }
    if (sf.pendingInfiniteMap !== undefined && !out.retransmit) return infiniteMapping(sf, c, out, m.dsn + BigInt(seqDiff(out.seq, m.ssn)));
    const mapping: DssMapping = { dsn: m.dsn, subflowSeq: seqDiff(m.ssn, c.iss) >>> 0, dataLevelLength: m.len };
    return [dss(mp.dataRcvNxt, m.checksum !== undefined ? { ...mapping, checksum: m.checksum } : mapping, false)];
  }
  return controlOptions(sf, c);
}

function dss(dataAck: bigint, mapping: DssMapping | undefined, dataFin: boolean): DssOption {
  // The m flag says how wide the DSN is; without a mapping there is none, and Linux leaves m clear.
  const base: DssOption = { kind: "mptcp", subtype: "dss", dataFin, dataAck64: true, dsn64: mapping !== undefined, dataAck };
  return mapping ? { ...base, mapping } : base;
}

/**
 * RFC 8684 §3.7: the infinite mapping goes on "the first new packet" (CS-05: DLL 0, checksum 0);
 * the peer's receive path only reads mappings on segments that carry data. Afterwards the
 * connection is plain TCP (FB-06).
 */
function infiniteMapping(sf: Subflow, c: TcpConnection, out: OutgoingInfo, dsn: bigint): TcpOption[] {
  const mp = sf.mp;
  const mapping: DssMapping = { dsn, subflowSeq: seqDiff(out.seq, c.iss) >>> 0, dataLevelLength: 0, ...(mp.checksum ? { checksum: 0 } : {}) };
  sf.pendingInfiniteMap = undefined;
  mp.counters.infiniteMapTx++;
  mp.enterFallback();
  return [dss(mp.dataRcvNxt, mapping, false)];
}

/** After fallback, a pending MP_FAIL response still goes out once, alone, on a pure ACK (RFC 8684 §3.7). */
export function mpFailResponse(sf: Subflow, out: OutgoingInfo): TcpOption[] {
  if (sf.pendingMpFail === undefined || out.payload.length > 0) return [];
  const dsn = sf.pendingMpFail;
  sf.pendingMpFail = undefined;
  return [{ kind: "mptcp", subtype: "mpFail", dsn }];
}

/** True when the subflow has queued bytes it has not sent yet. */
function hasUnsent(c: TcpConnection): boolean {
  return seqDiff(c.finSeq, c.sndNxt) > 0;
}

/** A pure ACK: Data ACK plus any DATA_FIN, infinite mapping, MP_FAIL and address options waiting. */
function controlOptions(sf: Subflow, c: TcpConnection): TcpOption[] {
  const mp = sf.mp;
  let mapping: DssMapping | undefined;
  let fin = false;
  // The MP_FAIL response goes first (it and an infinite mapping do not fit together, DSS-09); the
  // infinite mapping waits for new data, or for this ACK when nothing else is left to send.
  if (sf.pendingInfiniteMap !== undefined && sf.pendingMpFail === undefined && !hasUnsent(c)) {
    // CS-05: the infinite mapping is a DSS with DLL = 0 (SSN 0, checksum 0).
    mapping = { dsn: sf.pendingInfiniteMap, subflowSeq: 0, dataLevelLength: 0, ...(mp.checksum ? { checksum: 0 } : {}) };
    sf.pendingInfiniteMap = undefined;
    mp.counters.infiniteMapTx++;
    mp.enterFallback();
  } else if (sf.sendDataFin && mp.dataFinDsn !== undefined) {
    // DSS-07: "A DATA_FIN without data has SSN = 0 and DLL = 1".
    const cs = mp.checksum ? { checksum: dssChecksum(mp.dataFinDsn, 0, 1, new Uint8Array(0)) } : {};
    mapping = { dsn: mp.dataFinDsn, subflowSeq: 0, dataLevelLength: 1, ...cs };
    fin = true;
    sf.sendDataFin = false;
  }
  const out: MptcpOption[] = [dss(mp.dataRcvNxt, mapping, fin)];
  if (sf.pendingMpFail !== undefined) out.push({ kind: "mptcp", subtype: "mpFail", dsn: sf.pendingMpFail });
  const fits = (o: MptcpOption): boolean => out.reduce((n, x) => n + mptcpOptionLen(x), 0) + mptcpOptionLen(o) <= ROOM;
  if (sf.pendingMpFail !== undefined) {
    sf.pendingMpFail = undefined;
    if (sf.pendingInfiniteMap !== undefined) sf.tcp.ackNow = true;
  }
  const extra = nextExtra(sf);
  if (extra && fits(extra)) {
    out.push(extra);
    takeExtra(sf);
  } else if (extra && mapping === undefined && out.length === 1) {
    out.splice(0, 1, extra); // DSS-09 / AA-05: an option that does not fit beside the DSS goes alone
    takeExtra(sf);
  }
  return out;
}

function nextExtra(sf: Subflow): MptcpOption | undefined {
  if (sf.pendingAddAddr[0]) return sf.pendingAddAddr[0];
  if (sf.pendingRemove.length > 0) return { kind: "mptcp", subtype: "removeAddr", addressIds: sf.pendingRemove };
  if (sf.pendingPrio !== undefined) return { kind: "mptcp", subtype: "mpPrio", backup: sf.pendingPrio };
  return undefined;
}

function takeExtra(sf: Subflow): void {
  if (sf.pendingAddAddr.length > 0) sf.pendingAddAddr.shift();
  else if (sf.pendingRemove.length > 0) sf.pendingRemove = [];
  else sf.pendingPrio = undefined;
  if (sf.pendingAddAddr.length > 0 || sf.pendingRemove.length > 0 || sf.pendingPrio !== undefined) sf.tcp.ackNow = true;
}

/** Reads the options of an established subflow's segment: DSS, addresses, priority, MP_FAIL, MP_FASTCLOSE. */
export function handleCommonOptions(sf: Subflow, seg: Segment): ExtVerdict {
  const mp = sf.mp;
  const scale = 2 ** (sf.tcp.neg?.sndWscale ?? 0);
  for (const o of mptcpOptions(seg)) {
    switch (o.subtype) {
      case "dss": onDss(sf, o, seg.tcp.window * scale); break;
      case "mpCapable":
        // MPC-07/MPC-08: MP_CAPABLE with data after the handshake still maps DSN = IDSN+1 to SSN 1.
        if (o.dataLevelLength !== undefined && mp.remote) {
          sf.rx.add({ ssn: seqAdd(sf.tcp.irs, 1), dsn: mp.remote.idsn + 1n, len: o.dataLevelLength, dataFin: false }, 1, o.checksum);
        }
        break;
      case "addAddr": mp.pm.onAddAddr(sf, o); break;
      case "removeAddr": mp.pm.onRemoveAddr(o.addressIds); break;
      case "mpPrio": sf.peerBackup = o.backup; break; // PR-01
      case "mpFail": mp.onMpFail(sf, o.dsn); break;
      case "mpFastclose":
        if (o.receiversKey === mp.local.key || hookDisabled(mp.host.mptcpConfig.disabled, "fastcloseKeyCheck")) {
          mp.onFastClose();
          return "drop";
        }
        break;
      default:
    }
  }
  return "continue";
}

function onDss(sf: Subflow, o: DssOption, window: number): void {
  const mp = sf.mp;
  mp.peerSpokeDss = true;
  if (o.dataAck !== undefined) {
    // DSS-04: with a 32-bit Data ACK the receiver infers the upper 32 bits.
    const ack = o.dataAck64 ? o.dataAck : expandDataSeq32(Number(o.dataAck), mp.dataUna);
    mp.onDataAck(ack, window);
  }
  const m = o.mapping;
  if (!m) return;
  if (m.dataLevelLength === 0) {
    mp.onInfiniteMapping(); // CS-05: after the infinite mapping, no more mappings; the subflow carries the data stream
    return;
  }
  const dsn = o.dsn64 ? m.dsn : expandDataSeq32(Number(m.dsn), mp.dataRcvNxt);
  if (o.dataFin && m.subflowSeq === 0 && m.dataLevelLength === 1) return mp.onDataFin(dsn);
  const len = m.dataLevelLength - (o.dataFin ? 1 : 0);
  sf.rx.add({ ssn: seqAdd(sf.tcp.irs, m.subflowSeq), dsn, len, dataFin: o.dataFin }, m.subflowSeq, m.checksum);
}
