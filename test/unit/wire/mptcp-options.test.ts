// MPTCP option fixtures (rfc8684.md §4.0): every subtype and length variant as bytes, parsed
// to the expected repr (deconstruct), emitted back byte-exact (construct), plus odd lengths.
import { expect } from "chai";
import { fromHex, toHex } from "../../../src/wire/bytes.ts";
import { type MptcpOption, emitMptcpOption, mptcpOptionLen, parseMptcpOption } from "../../../src/wire/mptcp-options.ts";

const K1 = "0102030405060708";
const K2 = "1112131415161718";
const b = (h: string): Uint8Array => fromHex(h.replace(/ /g, "")) as Uint8Array;

const FIXTURES: Array<[string, string, MptcpOption]> = [
  ["MP_CAPABLE SYN v1 (4)", "1e04 0101", { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01 }],
  ["MP_CAPABLE SYN/ACK (12)", `1e0c 0101 ${K1}`, { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: 0x0102030405060708n }],
  ["MP_CAPABLE third ACK (20)", `1e14 0101 ${K1} ${K2}`,
    { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: 0x0102030405060708n, receiversKey: 0x1112131415161718n }],
  ["MP_CAPABLE ACK+data (22)", `1e16 0101 ${K1} ${K2} 000c`,
    { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, sendersKey: 0x0102030405060708n, receiversKey: 0x1112131415161718n, dataLevelLength: 12 }],
  ["MP_CAPABLE ACK+data+checksum (24)", `1e18 0181 ${K1} ${K2} 000c 6e01`,
    { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: 0x0102030405060708n, receiversKey: 0x1112131415161718n, dataLevelLength: 12, checksum: 0x6e01 }],
  ["MP_JOIN SYN (12), backup, id 5", "1e0c 1105 cd04a475 a1a2a3a4",
    { kind: "mptcp", subtype: "mpJoinSyn", backup: true, addressId: 5, receiversToken: 0xcd04a475, sendersRandom: 0xa1a2a3a4 }],
  ["MP_JOIN SYN/ACK (16)", "1e10 1002 864b40428762fd06 b1b2b3b4",
    { kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 2, sendersHmac: 0x864b40428762fd06n, sendersRandom: 0xb1b2b3b4 }],
  ["MP_JOIN ACK (24)", "1e18 1000 53037f2899475529844115fd07e665d23d3554fb",
    { kind: "mptcp", subtype: "mpJoinAck", sendersHmac: b("53037f2899475529844115fd07e665d23d3554fb") }],
  ["DSS Data ACK 32 (8)", "1e08 2001 00000065",
    { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: false, dsn64: false, dataAck: 101n }],
  ["DSS Data ACK 64 (12)", "1e0c 2003 0000000100000001",
    { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: 0x100000001n }],
  ["DSS ack64 + map64 (26)", "1e1a 200f 0000000000000001 0000000100000001 00000001 000c",
    { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: true, dataAck: 1n, mapping: { dsn: 0x100000001n, subflowSeq: 1, dataLevelLength: 12 } }],
  ["DSS ack64 + map64 + checksum (28)", "1e1c 200f 0000000000000001 0000000100000001 00000001 000c 6e01",
    { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: true, dsn64: true, dataAck: 1n, mapping: { dsn: 0x100000001n, subflowSeq: 1, dataLevelLength: 12, checksum: 0x6e01 } }],
  ["DSS ack32 + map64 + DATA_FIN (22)", "1e16 201d 00000001 0000000000000065 00000000 0001",
    { kind: "mptcp", subtype: "dss", dataFin: true, dataAck64: false, dsn64: true, dataAck: 1n, mapping: { dsn: 101n, subflowSeq: 0, dataLevelLength: 1 } }],
  ["DSS map32 only (14)", "1e0e 2004 00000010 00000002 0064",
    { kind: "mptcp", subtype: "dss", dataFin: false, dataAck64: false, dsn64: false, mapping: { dsn: 16n, subflowSeq: 2, dataLevelLength: 100 } }],
  ["DSS no fields, DATA_FIN flag only (4)", "1e04 2010", { kind: "mptcp", subtype: "dss", dataFin: true, dataAck64: false, dsn64: false }],
  ["ADD_ADDR v4 echo (8)", "1e08 3101 c0a80003",
    { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 1, address: b("c0a80003") }],
  ["ADD_ADDR v4 echo + port (10)", "1e0a 3101 c0a80003 1f90",
    { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 1, address: b("c0a80003"), port: 8080 }],
  ["ADD_ADDR v4 HMAC (16)", "1e10 3001 c0a80003 2aa9f86fca966bfb",
    { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address: b("c0a80003"), hmac: 0x2aa9f86fca966bfbn }],
  ["ADD_ADDR v4 port + HMAC (18)", "1e12 3001 c0a80003 1f90 2aa9f86fca966bfb",
    { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address: b("c0a80003"), port: 8080, hmac: 0x2aa9f86fca966bfbn }],
  ["ADD_ADDR v6 echo (20)", "1e14 3102 20010db8000000000000000000000001",
    { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 2, address: b("20010db8000000000000000000000001") }],
  ["ADD_ADDR v6 echo + port (22)", "1e16 3102 20010db8000000000000000000000001 1f90",
    { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 2, address: b("20010db8000000000000000000000001"), port: 8080 }],
  ["ADD_ADDR v6 HMAC (28)", "1e1c 3002 20010db8000000000000000000000001 ca9116e30554f73f",
    { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 2, address: b("20010db8000000000000000000000001"), hmac: 0xca9116e30554f73fn }],
  ["ADD_ADDR v6 port + HMAC (30)", "1e1e 3002 20010db8000000000000000000000001 1f90 ca9116e30554f73f",
    { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 2, address: b("20010db8000000000000000000000001"), port: 8080, hmac: 0xca9116e30554f73fn }],
  ["REMOVE_ADDR two IDs (5)", "1e05 40 0102", { kind: "mptcp", subtype: "removeAddr", addressIds: [1, 2] }],
  ["MP_PRIO backup (3)", "1e03 51", { kind: "mptcp", subtype: "mpPrio", backup: true }],
  ["MP_PRIO RFC 6824 form with address ID (4)", "1e04 50 07", { kind: "mptcp", subtype: "mpPrio", backup: false, addressId: 7 }],
  ["MP_FAIL (12)", "1e0c 6000 0000000100000001", { kind: "mptcp", subtype: "mpFail", dsn: 0x100000001n }],
  ["MP_FASTCLOSE (12)", `1e0c 7000 ${K2}`, { kind: "mptcp", subtype: "mpFastclose", receiversKey: 0x1112131415161718n }],
  ["MP_TCPRST transient, middlebox interference (4)", "1e04 8106", { kind: "mptcp", subtype: "mpTcpRst", flags: 1, reason: 6 }],
  ["unknown subtype 0xf kept byte-exact", "1e06 f0 00abcd", { kind: "mptcp", subtype: "unknown", data: b("f000abcd") }],
  ["MP_JOIN with an unexpected length kept as unknown", "1e0d 1000 000000000000000000", { kind: "mptcp", subtype: "unknown", data: b("1000000000000000000000") }],
  ["DSS whose length disagrees with its flags kept as unknown", "1e0a 2001 000000010000", { kind: "mptcp", subtype: "unknown", data: b("2001000000010000") }],
  ["reserved bits kept: MP_FAIL with 0x123 reserved", "1e0c 6123 0000000000000007", { kind: "mptcp", subtype: "mpFail", dsn: 7n, reserved: 0x123 }],
];

describe("wire: MPTCP option fixtures", () => {
  for (const [name, hex, repr] of FIXTURES) {
    it(`${name}: parse, emit, length`, () => {
      const bytes = b(hex);
      expect(parseMptcpOption(bytes), "parse").to.deep.equal(repr);
      expect(mptcpOptionLen(repr), "length").to.equal(bytes.length);
      const out = new Uint8Array(bytes.length);
      expect(emitMptcpOption(repr, out, 0)).to.equal(bytes.length);
      expect(toHex(out), "emit").to.equal(toHex(bytes));
    });
  }

  it("a too-short option (length 2) is unknown, not an error", () => {
    expect(parseMptcpOption(b("1e02"))).to.deep.equal({ kind: "mptcp", subtype: "unknown", data: new Uint8Array(0) });
  });

  it("emits missing fields of a length variant as zero (checksum without DLL gives length 24)", () => {
    const o: MptcpOption = { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: 1n, receiversKey: 2n, checksum: 5 };
    const out = new Uint8Array(mptcpOptionLen(o));
    emitMptcpOption(o, out, 0);
    expect(toHex(out)).to.equal("1e180181" + "0000000000000001" + "0000000000000002" + "0000" + "0005");
  });
});
