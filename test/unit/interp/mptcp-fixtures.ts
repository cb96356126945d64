/** Shared fixtures for the MPTCP interpreter tests: a connection with known keys and live packets. */
import { createHash } from "node:crypto";
import { ConnectionMapping } from "../../../src/interp/mapping.ts";
import type { MatchContext } from "../../../src/interp/matcher.ts";
import { mptcpContext } from "../../../src/interp/mptcp-complete.ts";
import { MptcpRunState, type MptcpEvalContext } from "../../../src/interp/mptcp-state.ts";
import type { ScriptTcpPacket } from "../../../src/interp/script-packet.ts";
import { SeededRng } from "../../../src/rng.ts";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { type PacketRepr, emitPacket, packet, parsePacket } from "../../../src/wire/packet.ts";
import { type SeqNum, seqNum } from "../../../src/wire/seq.ts";
import type { TcpRepr } from "../../../src/wire/tcp.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import { NET4 } from "./helpers.ts";

/** The kernel's key Kk and the script's key Kp (wire values). */
export const KK = 0x1e3fc10a3adcf59bn;
export const KP = 0x0200000000000000n;

/** A naive IDSN: the last 8 bytes of SHA-256 over the key's 8 big-endian bytes (RFC 8684 §3.1). */
export function naiveIdsn(key: bigint): bigint {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(key);
  return createHash("sha256").update(b).digest().readBigUInt64BE(24);
}

/** A naive token: the first 4 bytes of SHA-256 over the key (RFC 8684 §3.2). */
export function naiveToken(key: bigint): number {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(key);
  return createHash("sha256").update(b).digest().readUInt32BE(0);
}

/** An established passive subflow with both keys known, and its run state. */
export function established(withKeys = true): { c: ConnectionMapping; run: MptcpRunState } {
  const run = new MptcpRunState(new SeededRng(1));
  const c = new ConnectionMapping();
  c.liveLocal = { ip: NET4.localIp, port: 8080 };
  c.liveRemote = { ip: NET4.remoteIp, port: 40000 };
  c.kernelIsn = seqNum(5000);
  c.scriptLocalIsn = seqNum(0);
  c.remoteIsn = seqNum(0);
  c.mptcp = run.newConnection();
  if (withKeys) {
    c.mptcp.kernelKey = KK;
    c.mptcp.peerKey = KP;
    run.bindKey("skey", KK);
    run.bindKey("ckey", KP);
  }
  return { c, run };
}

/** The evaluation context of `sp` on `c`. */
export function evalCtx(sp: ScriptTcpPacket, c: ConnectionMapping, run: MptcpRunState): MptcpEvalContext {
  return mptcpContext(sp, c, run);
}

/** A matcher context on `c` (no TS checks). */
export function matchCtx(c: ConnectionMapping): MatchContext {
  return { conn: c, tsTickUsecs: 0, toleranceUsecs: 4000, eventTimeUsecs: 0 };
}

/** A live outbound packet (SUT → script side) through emit + parse, like a sniffed one. */
export function liveOut(tcp: Partial<TcpRepr> & { seq: SeqNum; ack: SeqNum; flags: number }, payloadLen: number, options: TcpOption[]): PacketRepr {
  const ip = {
    kind: "ipv4" as const, tos: 0, identification: 7, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6,
    src: parseIpAddress(NET4.localIp) as Uint8Array, dst: parseIpAddress(NET4.remoteIp) as Uint8Array, options: new Uint8Array(0),
  };
  const t: TcpRepr = { kind: "tcp", srcPort: 8080, dstPort: 40000, window: 257, urgent: 0, options, ...tcp };
  const r = parsePacket(emitPacket(packet(ip, t, new Uint8Array(payloadLen))));
  if (!r.ok) throw new Error("bad fixture");
  return r.value;
}
