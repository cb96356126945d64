// fast-check arbitraries that generate valid, canonical wire reprs (what parse returns).
import fc from "fast-check";
import type { GreRepr } from "../../../src/wire/gre.ts";
import type { IcmpRepr } from "../../../src/wire/icmp.ts";
import type { Ipv4Repr } from "../../../src/wire/ipv4.ts";
import type { Ipv6Extension, Ipv6Repr } from "../../../src/wire/ipv6.ts";
import type { MplsRepr } from "../../../src/wire/mpls.ts";
import type { MptcpOption } from "../../../src/wire/mptcp-options.ts";
import type { PacketRepr } from "../../../src/wire/packet.ts";
import { type SeqNum, seqNum } from "../../../src/wire/seq.ts";
import { type TcpOption, tcpOptionLen } from "../../../src/wire/tcp-options.ts";
import type { TcpRepr } from "../../../src/wire/tcp.ts";
import type { UdpRepr } from "../../../src/wire/udp.ts";

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const seq: fc.Arbitrary<SeqNum> = u32.map(seqNum);
export const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });
const bool = fc.boolean();

/** Adds `reserved` only when non-zero (the canonical parse form). */
function withRsv<T extends object>(o: T, r: number): T {
  return r === 0 ? o : { ...o, reserved: r };
}

const mpCapable = fc.record({ version: fc.integer({ min: 0, max: 15 }), flags: u8, variant: fc.integer({ min: 0, max: 4 }), k1: u64, k2: u64, dll: u16, cs: u16 })
  .map(({ version, flags, variant, k1, k2, dll, cs }): MptcpOption => {
    let o: MptcpOption = { kind: "mptcp", subtype: "mpCapable", version, flags };
    if (variant >= 1) o = { ...o, sendersKey: k1 };
    if (variant >= 2) o = { ...o, receiversKey: k2 };
    if (variant >= 3) o = { ...o, dataLevelLength: dll };
    if (variant >= 4) o = { ...o, checksum: cs };
    return o;
  });

const mpJoin: fc.Arbitrary<MptcpOption> = fc.oneof(
  fc.record({ backup: bool, addressId: u8, receiversToken: u32, sendersRandom: u32, r: fc.integer({ min: 0, max: 7 }) })
    .map(({ r, ...o }) => withRsv({ kind: "mptcp", subtype: "mpJoinSyn", ...o } as MptcpOption, r)),
  fc.record({ backup: bool, addressId: u8, sendersHmac: u64, sendersRandom: u32, r: fc.integer({ min: 0, max: 7 }) })
    .map(({ r, ...o }) => withRsv({ kind: "mptcp", subtype: "mpJoinSynAck", ...o } as MptcpOption, r)),
  fc.record({ sendersHmac: bytes(20, 20), r: fc.integer({ min: 0, max: 0xfff }) })
    .map(({ r, ...o }) => withRsv({ kind: "mptcp", subtype: "mpJoinAck", ...o } as MptcpOption, r)),
);

const dss = fc.record({
  dataFin: bool, dataAck64: bool, dsn64: bool, hasAck: bool, hasMap: bool, hasCs: bool,
  ack: u64, dsn: u64, ssn: u32, dll: u16, cs: u16, r: fc.integer({ min: 0, max: 0x7f }),
}).map((a): MptcpOption => {
  let o: MptcpOption = { kind: "mptcp", subtype: "dss", dataFin: a.dataFin, dataAck64: a.dataAck64, dsn64: a.dsn64 };
  if (a.hasAck) o = { ...o, dataAck: a.dataAck64 ? a.ack : a.ack & 0xffffffffn };
  if (a.hasMap) {
    const m = { dsn: a.dsn64 ? a.dsn : a.dsn & 0xffffffffn, subflowSeq: a.ssn, dataLevelLength: a.dll };
    o = { ...o, mapping: a.hasCs ? { ...m, checksum: a.cs } : m };
  }
  return withRsv(o, a.r);
});

const addAddr = fc.record({ echo: bool, addressId: u8, v6: bool, a4: bytes(4, 4), a6: bytes(16, 16), port: fc.option(u16, { nil: undefined }),
  hmac: fc.option(u64, { nil: undefined }), r: fc.integer({ min: 0, max: 7 }) })
  .map((a): MptcpOption => {
    let o: MptcpOption = { kind: "mptcp", subtype: "addAddr", echo: a.echo, addressId: a.addressId, address: a.v6 ? a.a6 : a.a4 };
    if (a.port !== undefined) o = { ...o, port: a.port };
    if (a.hmac !== undefined) o = { ...o, hmac: a.hmac };
    return withRsv(o, a.r);
  });

/** Any MPTCP option, every subtype and length variant. */
export const mptcpOption: fc.Arbitrary<MptcpOption> = fc.oneof(
  mpCapable, mpJoin, dss, addAddr,
  fc.record({ ids: fc.array(u8, { maxLength: 10 }), r: fc.integer({ min: 0, max: 15 }) })
    .map(({ ids, r }) => withRsv({ kind: "mptcp", subtype: "removeAddr", addressIds: ids } as MptcpOption, r)),
  fc.record({ backup: bool, id: fc.option(u8, { nil: undefined }), r: fc.integer({ min: 0, max: 7 }) })
    .map(({ backup, id, r }) => withRsv((id === undefined ? { kind: "mptcp", subtype: "mpPrio", backup } : { kind: "mptcp", subtype: "mpPrio", backup, addressId: id }) as MptcpOption, r)),
  fc.record({ dsn: u64, r: fc.integer({ min: 0, max: 0xfff }) }).map(({ dsn, r }) => withRsv({ kind: "mptcp", subtype: "mpFail", dsn } as MptcpOption, r)),
  fc.record({ k: u64, r: fc.integer({ min: 0, max: 0xfff }) }).map(({ k, r }) => withRsv({ kind: "mptcp", subtype: "mpFastclose", receiversKey: k } as MptcpOption, r)),
  fc.record({ flags: fc.integer({ min: 0, max: 15 }), reason: u8 }).map((o): MptcpOption => ({ kind: "mptcp", subtype: "mpTcpRst", ...o })),
  fc.tuple(fc.integer({ min: 9, max: 15 }), bytes(0, 20)).map(([sub, rest]): MptcpOption => {
    const data = new Uint8Array(1 + rest.length);
    data[0] = (sub << 4) | ((rest[0] ?? 0) & 0xf);
    data.set(rest, 1);
    return { kind: "mptcp", subtype: "unknown", data };
  }),
);

const KNOWN_KINDS = new Set([0, 1, 2, 3, 4, 5, 8, 19, 30, 34, 172, 174, 254]);

/** Any TCP option other than EOL (which ends the list). */
export const tcpOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: "nop" }),
  u16.map((mss): TcpOption => ({ kind: "mss", mss })),
  u8.map((shift): TcpOption => ({ kind: "wscale", shift })),
  fc.constant<TcpOption>({ kind: "sackPermitted" }),
  fc.array(fc.record({ left: seq, right: seq }), { maxLength: 4 }).map((blocks): TcpOption => ({ kind: "sack", blocks })),
  fc.record({ tsVal: u32, tsEcr: u32 }).map((t): TcpOption => ({ kind: "timestamps", ...t })),
  bytes(16, 16).map((digest): TcpOption => ({ kind: "md5", digest })),
  bytes(0, 16).map((cookie): TcpOption => ({ kind: "fastOpen", cookie })),
  bytes(0, 16).map((cookie): TcpOption => ({ kind: "fastOpenExp", cookie })),
  fc.record({ order: fc.constantFrom<0 | 1>(0, 1), counters: fc.array(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 3 }) })
    .map((o): TcpOption => ({ kind: "accEcn", ...o })),
  mptcpOption,
  fc.record({ type: u8.filter((k) => !KNOWN_KINDS.has(k)), data: bytes(0, 12) }).map((o): TcpOption => ({ kind: "unknown", ...o })),
);

/** An option list of at most 40 bytes whose length is a multiple of 4 (padded with NOPs or an EOL). */
export const tcpOptions: fc.Arbitrary<readonly TcpOption[]> = fc.tuple(fc.array(tcpOption, { maxLength: 5 }), bool).map(([opts, eol]) => {
  const out: TcpOption[] = [];
  let n = 0;
  for (const o of opts) {
    const len = optLen(o);
    if (n + len > 36) continue;
    out.push(o);
    n += len;
  }
  const pad = (4 - (n % 4)) % 4;
  if (eol && pad > 0) out.push(pad === 1 ? { kind: "eol" } : { kind: "eol", trailing: new Uint8Array(pad - 1) });
  else for (let i = 0; i < pad; i++) out.push({ kind: "nop" });
  return out;
});

function optLen(o: TcpOption): number {
  return tcpOptionLen(o);
}

/** A TCP header with valid options (checksum set, as parse returns it). */
export const tcpRepr: fc.Arbitrary<TcpRepr> = fc.record({
  srcPort: u16, dstPort: u16, seq, ack: seq, flags: fc.integer({ min: 0, max: 0x1ff }), window: u16, urgent: u16,
  options: tcpOptions, checksum: u16, r: fc.integer({ min: 0, max: 7 }),
}).map(({ r, ...t }) => withRsv({ kind: "tcp", ...t } as TcpRepr, r));

export const ipv4Repr: fc.Arbitrary<Ipv4Repr> = fc.record({
  tos: u8, identification: u16, flags: fc.integer({ min: 0, max: 7 }), fragmentOffset: fc.integer({ min: 0, max: 0x1fff }),
  ttl: u8, protocol: u8, src: bytes(4, 4), dst: bytes(4, 4), words: fc.integer({ min: 0, max: 10 }), optSeed: bytes(40, 40),
}).map(({ words, optSeed, ...r }) => ({ kind: "ipv4", ...r, options: optSeed.subarray(0, 4 * words) }));

const ipv6Ext: fc.Arbitrary<Ipv6Extension> = fc.oneof(
  fc.record({ type: fc.constantFrom(0, 43, 60, 135), n: fc.integer({ min: 0, max: 3 }), seed: bytes(31, 31) }).map(({ type, n, seed }) => {
    const data = new Uint8Array((n + 1) * 8 - 1);
    data.set(seed.subarray(0, data.length));
    data[0] = n;
    return { type, data };
  }),
  bytes(7, 7).map((data) => ({ type: 44, data })),
);

export const ipv6Repr: fc.Arbitrary<Ipv6Repr> = fc.record({
  trafficClass: u8, flowLabel: fc.integer({ min: 0, max: 0xfffff }), hopLimit: u8,
  nextHeader: u8.filter((t) => ![0, 43, 44, 51, 60, 135].includes(t)), src: bytes(16, 16), dst: bytes(16, 16),
  extensions: fc.array(ipv6Ext, { maxLength: 3 }),
}).map((r) => ({ kind: "ipv6", ...r }));

export const udpRepr: fc.Arbitrary<UdpRepr> = fc.record({ srcPort: u16, dstPort: u16, checksum: u16 }).map((r) => ({ kind: "udp", ...r }));

export const icmpRepr: fc.Arbitrary<IcmpRepr> = fc.record({
  version: fc.constantFrom<4 | 6>(4, 6), type: u8, code: u8, rest: u32, data: bytes(0, 48), checksum: u16,
}).map(({ version, type, code, rest, data, checksum }): IcmpRepr => {
  const echo = version === 4 ? type === 0 || type === 8 : type === 128 || type === 129;
  const error = version === 4 ? [3, 4, 5, 11, 12].includes(type) : type < 128;
  const body = echo ? { kind: "echo" as const, identifier: rest >>> 16, sequence: rest & 0xffff, data }
    : error ? { kind: "error" as const, rest, invoking: data } : { kind: "other" as const, rest, data };
  return { kind: "icmp", version, type, code, body, checksum };
});

export const greRepr: fc.Arbitrary<GreRepr> = fc.record({
  flags: fc.integer({ min: 0, max: 0xffff }).map((f) => f & ~0xf000), protocol: u16, hasChecksum: bool,
  checksum: u16, offset: u16, key: fc.option(u32, { nil: undefined }), sequence: fc.option(u32, { nil: undefined }),
}).map(({ flags, protocol, hasChecksum, checksum, offset, key, sequence }) => {
  let g: GreRepr = { kind: "gre", flags, protocol, hasChecksum };
  if (hasChecksum || (flags & 0x4000) !== 0) g = { ...g, checksum, offset };
  if (key !== undefined) g = { ...g, key };
  if (sequence !== undefined) g = { ...g, sequence };
  return g;
});

export const mplsRepr: fc.Arbitrary<MplsRepr> = fc.array(
  fc.record({ label: fc.integer({ min: 0, max: 0xfffff }), tc: fc.integer({ min: 0, max: 7 }), ttl: u8 }), { minLength: 1, maxLength: 4 },
).map((es) => ({ kind: "mpls", entries: es.map((e, i) => ({ ...e, bottom: i === es.length - 1 })) }));

/** A plain TCP/IPv4 or TCP/IPv6 packet (no fragments, no encapsulation) with a small payload. */
export const tcpPacket: fc.Arbitrary<PacketRepr> = fc.record({
  v6: bool, v4: ipv4Repr, v6r: ipv6Repr, tcp: tcpRepr, payload: bytes(0, 64),
}).map(({ v6, v4, v6r, tcp, payload }) => ({
  encaps: [],
  ip: v6 ? { ...v6r, nextHeader: 6, extensions: v6r.extensions.filter((e) => e.type !== 44) } : { ...v4, protocol: 6, flags: v4.flags & 0x6, fragmentOffset: 0 },
  l4: tcp,
  payload,
}));
