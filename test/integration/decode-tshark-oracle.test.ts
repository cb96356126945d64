/**
 * Independent oracle: a pcap holding every MPTCP option subtype in every length variant (built
 * with src/wire's emitPacket and our pcap writer) plus the common TCP options goes through
 * tshark with MPTCP analysis on. Every field tshark decodes must equal ours, and tshark's
 * `mptcp.expected_token` / `mptcp.expected_idsn` must equal our crypto. Without tshark the test
 * fails: there is no silent skip.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIpAddress } from "../../src/wire/address.ts";
import { dssChecksum } from "../../src/wire/checksum.ts";
import { mptcpIdsn, mptcpToken, mpJoinAckHmac, mpJoinSynAckHmac, addAddrHmac } from "../../src/wire/mptcp-crypto.ts";
import type { MptcpOption } from "../../src/wire/mptcp-options.ts";
import { emitPacket, type PacketRepr } from "../../src/wire/packet.ts";
import { readPcap } from "../../src/wire/pcap/pcap-reader.ts";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";
import { seqNum } from "../../src/wire/seq.ts";
import type { TcpOption } from "../../src/wire/tcp-options.ts";
import { compareWithTshark, decodeTcpFrame } from "../support/capture-compare.ts";
import { requireTshark, tsharkTcpPackets } from "../support/tshark.ts";

const ip = (s: string): Uint8Array => parseIpAddress(s) as Uint8Array;
const C = ip("192.0.2.1");
const S = ip("198.51.100.2");
const C6 = ip("2001:db8::1");
const S6 = ip("2001:db8::2");
const KEY_C = 0x0123456789abcdefn;
const KEY_S = 0xfedcba9876543210n;
const R_C = 0x11223344;
const R_S = 0x55667788;

/** An MPTCP option body of any subtype (Omit distributed over the union). */
type MptcpBody = MptcpOption extends infer O ? (O extends MptcpOption ? Omit<O, "kind"> : never) : never;
const mp = (o: MptcpBody): TcpOption => ({ kind: "mptcp", ...o }) as TcpOption;
const TS: TcpOption = { kind: "timestamps", tsVal: 1000, tsEcr: 2000 };
const NOP: TcpOption = { kind: "nop" };

interface Seg {
  readonly from: "c" | "s";
  readonly sport?: number;
  readonly flags: number;
  readonly seq: number;
  readonly ack?: number;
  readonly options: readonly TcpOption[];
  readonly payload?: number;
  readonly v6?: boolean;
}

function packet(seg: Seg): PacketRepr {
  const cPort = seg.sport ?? 40000;
  const [src, dst] = seg.from === "c" ? [seg.v6 ? C6 : C, seg.v6 ? S6 : S] : [seg.v6 ? S6 : S, seg.v6 ? C6 : C];
  const [srcPort, dstPort] = seg.from === "c" ? [cPort, 80] : [80, cPort];
  const l4 = { kind: "tcp", srcPort, dstPort, seq: seqNum(seg.seq), ack: seqNum(seg.ack ?? 0), flags: seg.flags, window: 502, urgent: 0, options: seg.options } as const;
  const ipRepr = seg.v6
    ? ({ kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 6, src, dst, extensions: [] } as const)
    : ({ kind: "ipv4", tos: 0, identification: 1, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src, dst, options: new Uint8Array(0) } as const);
  return { encaps: [], ip: ipRepr, l4, payload: new Uint8Array(seg.payload ?? 0).fill(0x61) };
}

const SYN = 0x02, ACK = 0x10, PSH = 0x08, RST = 0x04, FIN = 0x01;

/** Every MPTCP option variant, on a plausible connection so that tshark's analysis has keys. */
function segments(): Seg[] {
  const dss = (o: Partial<Extract<MptcpOption, { subtype: "dss" }>>): TcpOption => mp({ subtype: "dss", dataFin: false, dataAck64: false, dsn64: false, ...o } as MptcpOption);
  const idsnC = mptcpIdsn(KEY_C);
  // RFC 8684 §3.3.1: the checksum covers a pseudo-header (DSN, SSN, DLL) and the payload (5 bytes of 'a').
  const cs = (dsn: bigint, ssn: number): number => dssChecksum(dsn, ssn, 5, new Uint8Array(5).fill(0x61));
  return [
    { from: "c", flags: SYN, seq: 100, options: [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, TS, NOP, { kind: "wscale", shift: 7 }, mp({ subtype: "mpCapable", version: 1, flags: 0x81 })] },
    { from: "s", flags: SYN | ACK, seq: 900, ack: 101, options: [{ kind: "mss", mss: 1400 }, NOP, NOP, TS, mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_S })] },
    { from: "c", flags: ACK, seq: 101, ack: 901, options: [TS, mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_C, receiversKey: KEY_S })] },
    { from: "c", flags: ACK | PSH, seq: 101, ack: 901, payload: 10, options: [mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 10 })] },
    { from: "c", flags: ACK | PSH, seq: 111, ack: 901, payload: 10, options: [mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 10, checksum: 0x1234 })] },
    { from: "s", flags: ACK, seq: 901, ack: 121, options: [TS, dss({ dataAck: 21n + idsnC })] },
    { from: "s", flags: ACK, seq: 901, ack: 121, options: [TS, dss({ dataAck: 21n + idsnC, dataAck64: true })] },
    { from: "c", flags: ACK | PSH, seq: 121, ack: 901, payload: 5, options: [dss({ dataAck: 1n, mapping: { dsn: 21n, subflowSeq: 21, dataLevelLength: 5 } })] },
    { from: "c", flags: ACK | PSH, seq: 126, ack: 901, payload: 5, options: [dss({ dataAck: 1n, mapping: { dsn: 26n, subflowSeq: 26, dataLevelLength: 5, checksum: cs(26n, 26) } })] },
    { from: "c", flags: ACK | PSH, seq: 131, ack: 901, payload: 5, options: [dss({ dataAck: 1n, dsn64: true, mapping: { dsn: idsnC + 31n, subflowSeq: 31, dataLevelLength: 5 } })] },
    { from: "c", flags: ACK | PSH, seq: 136, ack: 901, payload: 5, options: [dss({ dataAck: mptcpIdsn(KEY_S) + 1n, dataAck64: true, mapping: { dsn: 36n, subflowSeq: 36, dataLevelLength: 5, checksum: cs(36n, 36) } })] },
    { from: "c", flags: ACK | PSH, seq: 141, ack: 901, payload: 5, options: [dss({ dataAck: mptcpIdsn(KEY_S) + 1n, dataAck64: true, dsn64: true, mapping: { dsn: idsnC + 41n, subflowSeq: 41, dataLevelLength: 5, checksum: cs(idsnC + 41n, 41) } })] },
    { from: "c", flags: ACK | PSH, seq: 141, ack: 901, payload: 5, options: [dss({ dataAck: mptcpIdsn(KEY_S) + 1n, dataAck64: true, dsn64: true, mapping: { dsn: idsnC + 41n, subflowSeq: 41, dataLevelLength: 5 } })] },
    { from: "c", flags: ACK | PSH, seq: 146, ack: 901, payload: 5, options: [dss({ mapping: { dsn: 46n, subflowSeq: 46, dataLevelLength: 5 } })] },
    { from: "c", flags: ACK | PSH, seq: 151, ack: 901, payload: 5, options: [dss({ dsn64: true, mapping: { dsn: idsnC + 51n, subflowSeq: 51, dataLevelLength: 5, checksum: cs(idsnC + 51n, 51) } })] },
    { from: "c", flags: ACK | FIN, seq: 156, ack: 901, options: [dss({ dataFin: true, dataAck: 1n, mapping: { dsn: 56n, subflowSeq: 0, dataLevelLength: 1 } })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: true, addressId: 3, address: ip("203.0.113.9") })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: true, addressId: 4, address: ip("203.0.113.9"), port: 8080 })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: false, addressId: 5, address: ip("203.0.113.9"), hmac: addAddrHmac(KEY_S, KEY_C, 5, ip("203.0.113.9")) })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: false, addressId: 6, address: ip("203.0.113.9"), port: 443, hmac: addAddrHmac(KEY_S, KEY_C, 6, ip("203.0.113.9"), 443) })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: true, addressId: 7, address: ip("2001:db8::77") })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: true, addressId: 8, address: ip("2001:db8::77"), port: 8080 })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: false, addressId: 9, address: ip("2001:db8::77"), hmac: 0x0102030405060708n })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "addAddr", echo: false, addressId: 10, address: ip("2001:db8::77"), port: 443, hmac: 0x1112131415161718n })] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "removeAddr", addressIds: [3] }), NOP] },
    { from: "s", flags: ACK, seq: 901, ack: 157, options: [mp({ subtype: "removeAddr", addressIds: [4, 5, 6] }), NOP, NOP] },
    { from: "c", flags: ACK, seq: 157, ack: 901, options: [mp({ subtype: "mpPrio", backup: true }), NOP] },
    { from: "c", flags: ACK, seq: 157, ack: 901, options: [mp({ subtype: "mpPrio", backup: false, addressId: 2 })] },
    { from: "c", flags: ACK, seq: 157, ack: 901, options: [mp({ subtype: "mpFail", dsn: idsnC + 99n })] },
    { from: "c", flags: ACK, seq: 157, ack: 901, options: [mp({ subtype: "mpFastclose", receiversKey: KEY_S })] },
    { from: "c", flags: RST | ACK, seq: 157, ack: 901, options: [mp({ subtype: "mpTcpRst", flags: 1, reason: 5 })] },
    { from: "s", flags: RST, seq: 901, options: [mp({ subtype: "mpTcpRst", flags: 0xe, reason: 0 })] },
    // Second subflow, IPv6, with MP_JOIN in its three lengths and both backup values.
    { from: "c", v6: true, sport: 40001, flags: SYN, seq: 5000, options: [TS, mp({ subtype: "mpJoinSyn", backup: true, addressId: 2, receiversToken: mptcpToken(KEY_S), sendersRandom: R_C })] },
    { from: "s", v6: true, sport: 40001, flags: SYN | ACK, seq: 7000, ack: 5001, options: [TS, mp({ subtype: "mpJoinSynAck", backup: false, addressId: 0, sendersHmac: mpJoinSynAckHmac(KEY_S, KEY_C, R_S, R_C), sendersRandom: R_S })] },
    { from: "c", v6: true, sport: 40001, flags: ACK, seq: 5001, ack: 7001, options: [mp({ subtype: "mpJoinAck", sendersHmac: mpJoinAckHmac(KEY_C, KEY_S, R_C, R_S) }), { kind: "sack", blocks: [{ left: seqNum(7010), right: seqNum(7020) }] }] },
  ];
}

describe("decode oracle: every MPTCP option variant vs tshark", function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), "mpd-oracle-"));
  const file = join(dir, "variants.pcap");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("has tshark (required, not skipped)", () => {
    expect(requireTshark()).to.match(/TShark/);
  });

  it("agrees with tshark on every field of every packet", () => {
    const segs = segments();
    const records = segs.map((s, i) => ({ tsSec: 1_700_000_000, tsNsec: i * 1000, data: emitPacket(packet(s)) }));
    writeFileSync(file, emitPcapFile({ linkType: 101 }, records));
    const theirs = tsharkTcpPackets(file);
    expect(theirs).to.have.length(segs.length);
    const frames = [...readPcap(new Uint8Array(readFileSync(file)))].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
    const problems = theirs.flatMap((t) => compareWithTshark(decodeTcpFrame(frames[t.frame - 1] as (typeof frames)[number]), t).map((d) => `frame ${t.frame}: ${d}`));
    expect(problems.join("\n")).to.equal("");
    const seen = new Set(theirs.flatMap((t) => t.mptcp.map((o) => `${o["tcp.options.mptcp.subtype"]}/${o["tcp.option_len"]}`)));
    const want = ["0/4", "0/12", "0/20", "0/22", "0/24", "1/12", "1/16", "1/24", "2/8", "2/12", "2/18", "2/20", "2/22", "2/24", "2/26", "2/28", "2/14", "3/8", "3/10", "3/16", "3/18", "3/20", "3/22", "3/28", "3/30", "4/4", "4/6", "5/3", "5/4", "6/12", "7/12", "8/4"];
    expect([...seen].sort()).to.include.members(want);
  });

  it("matches tshark's expected token and IDSN with our crypto", () => {
    const theirs = tsharkTcpPackets(file);
    const checked: string[] = [];
    for (const t of theirs) {
      for (const o of t.mptcp) {
        const key = o["tcp.options.mptcp.sendkey"];
        if (key === undefined || o["mptcp.expected_token"] === undefined) continue;
        expect(o["mptcp.expected_token"], `token of ${key}`).to.equal(String(mptcpToken(BigInt(key))));
        expect(o["mptcp.expected_idsn"], `idsn of ${key}`).to.equal(String(mptcpIdsn(BigInt(key))));
        checked.push(key);
      }
    }
    expect(new Set(checked)).to.deep.equal(new Set([String(KEY_C), String(KEY_S)]));
  });
});

