/**
 * Test support for verify: a synthetic MPTCP capture built packet by packet with src/wire's
 * emitPacket (raw IPv4 frames, link type 228), with helpers for the handshake, MP_JOIN, DSS
 * mappings with correct checksums, ADD_ADDR with correct HMACs, and DATA_FIN.
 */
import { parseIpv4Address } from "../../../src/wire/address.ts";
import { dssChecksum } from "../../../src/wire/checksum.ts";
import { addAddrHmac, mpJoinAckHmac, mpJoinSynAckHmac, mptcpIdsn, mptcpToken } from "../../../src/wire/mptcp-crypto.ts";
import { MPC_FLAG, type DssOption, type MptcpOption } from "../../../src/wire/mptcp-options.ts";
import { emitPacket, packet } from "../../../src/wire/packet.ts";
import type { CaptureItem } from "../../../src/wire/pcap/captured-packet.ts";
import { LINKTYPE_IPV4 } from "../../../src/wire/pcap/link-type.ts";
import { type SeqNum, seqAdd } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";

export const KEY_C = 0x0102030405060708n;
export const KEY_S = 0x1112131415161718n;
export const IDSN_C = mptcpIdsn(KEY_C);
export const IDSN_S = mptcpIdsn(KEY_S);
export const ISN_C = 1000 as SeqNum;
export const ISN_S = 5000 as SeqNum;

/** An endpoint `addr:port`. */
export interface Endpoint {
  readonly addr: string;
  readonly port: number;
}
export const C1: Endpoint = { addr: "10.0.0.1", port: 40000 };
export const S1: Endpoint = { addr: "10.0.0.2", port: 80 };
export const C2: Endpoint = { addr: "10.0.1.1", port: 40001 };
export const S2: Endpoint = { addr: "10.0.1.2", port: 80 };

const { SYN, ACK, FIN } = TCP_FLAG;
export { SYN, ACK, FIN };

/** A frame to add: endpoints, flags, sequence numbers, options, payload. */
export interface SegmentSpec {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly flags: number;
  readonly seq: number;
  readonly ack?: number;
  readonly options?: readonly TcpOption[];
  readonly payload?: Uint8Array;
  /** Captured bytes kept (the rest is cut as by a snap length). */
  readonly snap?: number;
}

/** A capture under construction. */
export class Synth {
  readonly items: CaptureItem[] = [];
  private usec = 0;

  /** Appends a frame; returns its frame number. */
  add(s: SegmentSpec, at?: number): number {
    const tcp: TcpRepr = {
      kind: "tcp", srcPort: s.from.port, dstPort: s.to.port, seq: (s.seq >>> 0) as SeqNum, ack: ((s.ack ?? 0) >>> 0) as SeqNum,
      flags: s.flags, window: 1000, urgent: 0, options: s.options ?? [],
    };
    const ip = {
      kind: "ipv4", tos: 0, identification: 0, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6,
      src: parseIpv4Address(s.from.addr) as Uint8Array, dst: parseIpv4Address(s.to.addr) as Uint8Array, options: new Uint8Array(0),
    } as const;
    const bytes = emitPacket(packet(ip, tcp, s.payload ?? new Uint8Array(0)));
    const number = this.items.length + 1;
    this.usec = at ?? this.usec + 10;
    const data = s.snap === undefined ? bytes : bytes.subarray(0, s.snap);
    this.items.push({
      kind: "packet",
      packet: {
        number, fileOffset: 0, dataOffset: 0, linkType: LINKTYPE_IPV4, interfaceId: 0, tsSec: 1, tsNsec: this.usec * 1000,
        hasTimestamp: true, originalLength: bytes.length, data,
      },
    });
    return number;
  }
}

/** MP_CAPABLE option shorthand. */
export function mpc(o: Omit<Extract<MptcpOption, { subtype: "mpCapable" }>, "kind" | "subtype">): MptcpOption {
  return { kind: "mptcp", subtype: "mpCapable", ...o };
}

/** Flags of the MP_CAPABLE options: A (checksums) when asked, H always. */
export function mpcFlags(checksums: boolean): number {
  return (checksums ? MPC_FLAG.A : 0) | MPC_FLAG.H;
}

/** SYN, SYN/ACK and third ACK of an MPTCP v1 connection on C1 ↔ S1; returns the frame numbers. */
export function handshake(cap: Synth, checksums = true): number[] {
  const f = mpcFlags(checksums);
  return [
    cap.add({ from: C1, to: S1, flags: SYN, seq: ISN_C, options: [mpc({ version: 1, flags: f })] }),
    cap.add({ from: S1, to: C1, flags: SYN | ACK, seq: ISN_S, ack: ISN_C + 1, options: [mpc({ version: 1, flags: f, sendersKey: KEY_S })] }),
    cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [mpc({ version: 1, flags: f, sendersKey: KEY_C, receiversKey: KEY_S })] }),
  ];
}

/** A DSS option with a 64-bit Data ACK and a 64-bit mapping, checksum computed over `payload` unless given. */
export function dss(m: { ack?: bigint; dsn?: bigint; ssn?: number; dll?: number; payload?: Uint8Array; checksum?: number | null; fin?: boolean; reserved?: number }): DssOption {
  let o: DssOption = { kind: "mptcp", subtype: "dss", dataFin: m.fin ?? false, dataAck64: true, dsn64: true };
  if (m.ack !== undefined) o = { ...o, dataAck: m.ack };
  if (m.reserved !== undefined) o = { ...o, reserved: m.reserved };
  if (m.dsn === undefined) return o;
  const dll = m.dll ?? (m.payload?.length ?? 0) + (m.fin ? 1 : 0);
  const ssn = m.ssn ?? 1;
  const mapping = { dsn: m.dsn, subflowSeq: ssn, dataLevelLength: dll };
  if (m.checksum === null) return { ...o, mapping };
  return { ...o, mapping: { ...mapping, checksum: m.checksum ?? dssChecksum(m.dsn, ssn, dll, m.payload ?? new Uint8Array(0)) } };
}

/** `n` bytes of a repeating pattern. */
export function bytes(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

/** MP_JOIN on C2 ↔ S2 from the client with correct HMACs; returns [syn, synAck, ack] frame numbers. */
export function join(cap: Synth, over: { token?: number; synAckHmac?: bigint; ackHmac?: Uint8Array } = {}): number[] {
  const [ra, rb] = [0xa1a2a3a4, 0xb1b2b3b4];
  const token = over.token ?? mptcpToken(KEY_S);
  return [
    cap.add({ from: C2, to: S2, flags: SYN, seq: 7000, options: [{ kind: "mptcp", subtype: "mpJoinSyn", backup: false, addressId: 1, receiversToken: token, sendersRandom: ra }] }),
    cap.add({ from: S2, to: C2, flags: SYN | ACK, seq: 9000, ack: 7001, options: [{ kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 1, sendersHmac: over.synAckHmac ?? mpJoinSynAckHmac(KEY_S, KEY_C, rb, ra), sendersRandom: rb }] }),
    cap.add({ from: C2, to: S2, flags: ACK, seq: 7001, ack: 9001, options: [{ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: over.ackHmac ?? mpJoinAckHmac(KEY_C, KEY_S, ra, rb) }] }),
  ];
}

/** ADD_ADDR from the server announcing 10.0.1.2 as id 1, HMAC correct unless given. */
export function addAddr(hmac?: bigint): MptcpOption {
  const address = parseIpv4Address("10.0.1.2") as Uint8Array;
  return { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address, hmac: hmac ?? addAddrHmac(KEY_S, KEY_C, 1, address) };
}

/** The echo of {@link addAddr} (or of another address). */
export function addAddrEcho(addr = "10.0.1.2"): MptcpOption {
  return { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 1, address: parseIpv4Address(addr) as Uint8Array };
}

/** `seq + n` as a number. */
export function after(seq: number, n: number): number {
  return seqAdd(seq as SeqNum, n);
}
