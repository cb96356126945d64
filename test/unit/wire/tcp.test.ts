// TCP header and TCP option fixtures: deconstruct (view), construct (emit), parse, truncated, malformed.
import { expect } from "chai";
import { fromHex, toHex } from "../../../src/wire/bytes.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { type TcpOption, emitTcpOptions, findTcpOption, parseTcpOptions, tcpOptionsLen } from "../../../src/wire/tcp-options.ts";
import { TCP_FLAG, type TcpRepr, TcpView, emitTcp, formatTcpFlags, parseTcp, tcpBufferLen } from "../../../src/wire/tcp.ts";

const b = (h: string): Uint8Array => fromHex(h.replace(/ /g, "")) as Uint8Array;

// SYN/ACK 40000 > 8080, seq 0 ack 1, win 65535, <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,mpcapable v1 key>.
const SYNACK = b("9c40 1f90 00000000 00000001 d0 12 ffff 1c33 0000"
  + " 020405b4 0402 080a0000000100000000 01 030307 1e0c0101 0123456789abcdef");
const SYNACK_REPR: TcpRepr = {
  kind: "tcp", srcPort: 40000, dstPort: 8080, seq: seqNum(0), ack: seqNum(1), flags: TCP_FLAG.SYN | TCP_FLAG.ACK,
  window: 65535, urgent: 0, checksum: 0x1c33,
  options: [
    { kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 1, tsEcr: 0 }, { kind: "nop" },
    { kind: "wscale", shift: 7 }, { kind: "mptcp", subtype: "mpCapable", version: 1, flags: 1, sendersKey: 0x0123456789abcdefn },
  ],
};

describe("wire: TCP header", () => {
  it("deconstructs the fixture through the checked view", () => {
    const v = TcpView.checked(SYNACK);
    if (!v.ok) throw new Error("view");
    expect([v.value.srcPort, v.value.dstPort, v.value.seq, v.value.ack]).to.deep.equal([40000, 8080, 0, 1]);
    expect(v.value.headerLen).to.equal(52);
    expect(v.value.flags).to.equal(0x12);
    expect([v.value.window, v.value.checksum, v.value.urgent]).to.deep.equal([65535, 0x1c33, 0]);
    expect(v.value.payload.length).to.equal(0);
  });

  it("parses the fixture to its repr", () => {
    expect(parseTcp(SYNACK)).to.deep.equal({ ok: true, value: SYNACK_REPR });
  });

  it("constructs the fixture bytes from the repr", () => {
    const out = new Uint8Array(tcpBufferLen(SYNACK_REPR));
    expect(emitTcp(SYNACK_REPR, out)).to.equal(52);
    expect(toHex(out)).to.equal(toHex(SYNACK));
  });

  it("AE and the reserved bits live in byte 12", () => {
    const r: TcpRepr = { ...SYNACK_REPR, options: [], flags: TCP_FLAG.AE | TCP_FLAG.CWR | TCP_FLAG.ECE | TCP_FLAG.SYN, reserved: 5 };
    const out = new Uint8Array(20);
    emitTcp(r, out);
    expect(out[12]).to.equal(0x5b);
    expect(out[13]).to.equal(0xc2);
    expect(parseTcp(out)).to.deep.equal({ ok: true, value: r });
  });

  it("pads options to a multiple of 4 with zero bytes", () => {
    const r: TcpRepr = { ...SYNACK_REPR, options: [{ kind: "wscale", shift: 7 }] };
    const out = new Uint8Array(tcpBufferLen(r));
    expect(out.length).to.equal(24);
    emitTcp(r, out);
    expect(toHex(out.subarray(20))).to.equal("03030700");
  });

  it("truncated: shorter than 20 bytes, or than the data offset", () => {
    expect(parseTcp(SYNACK.subarray(0, 19))).to.deep.equal({ ok: false, error: { code: "truncated", offset: 0, field: "tcp.header" } });
    expect(parseTcp(SYNACK.subarray(0, 51))).to.deep.equal({ ok: false, error: { code: "truncated", offset: 12, field: "tcp.dataOffset" } });
  });

  it("malformed: a data offset below 5 words, an option length of 0 or past the area", () => {
    const bad = SYNACK.slice();
    bad[12] = 0x40;
    expect(parseTcp(bad)).to.deep.equal({ ok: false, error: { code: "bad-length", offset: 12, field: "tcp.dataOffset" } });
    const zeroLen = SYNACK.slice();
    zeroLen[21] = 0;
    expect(parseTcp(zeroLen)).to.deep.equal({ ok: false, error: { code: "bad-option", offset: 21, field: "tcp.option.length" } });
    const long = SYNACK.slice();
    long[41] = 13;
    expect(parseTcp(long)).to.deep.equal({ ok: false, error: { code: "bad-option", offset: 41, field: "tcp.option.length" } });
  });

  it("flags in .pkt spelling with the ACK dot last", () => {
    expect(formatTcpFlags(0x12)).to.equal("S.");
    expect(formatTcpFlags(0x11)).to.equal("F.");
    expect(formatTcpFlags(0x18)).to.equal("P.");
    expect(formatTcpFlags(TCP_FLAG.SYN | TCP_FLAG.ECE | TCP_FLAG.CWR)).to.equal("SEW");
    expect(formatTcpFlags(TCP_FLAG.URG | TCP_FLAG.ACK)).to.equal("U.");
    expect(formatTcpFlags(0)).to.equal("-");
  });
});

describe("wire: TCP options", () => {
  const FIXTURES: Array<[string, string, TcpOption[]]> = [
    ["EOL with trailing padding", "00 0000", [{ kind: "eol", trailing: b("0000") }]],
    ["NOP, EOL at the end", "01 00", [{ kind: "nop" }, { kind: "eol" }]],
    ["SACK two blocks", "0512 00000001 00000010 00000020 00000030 0101",
      [{ kind: "sack", blocks: [{ left: seqNum(1), right: seqNum(16) }, { left: seqNum(32), right: seqNum(48) }] }, { kind: "nop" }, { kind: "nop" }]],
    ["MD5 kind 19", "1312 000102030405060708090a0b0c0d0e0f", [{ kind: "md5", digest: b("000102030405060708090a0b0c0d0e0f") }]],
    ["TFO kind 34 cookie request", "2202", [{ kind: "fastOpen", cookie: new Uint8Array(0) }]],
    ["TFO kind 34 with cookie", "220a 0011223344556677", [{ kind: "fastOpen", cookie: b("0011223344556677") }]],
    ["TFO experimental 254 magic 0xF989", "fe08 f989 aabbccdd", [{ kind: "fastOpenExp", cookie: b("aabbccdd") }]],
    ["kind 254 with another magic is unknown", "fe06 1234 abcd", [{ kind: "unknown", type: 254, data: b("1234abcd") }]],
    ["AccECN 172, three counters", "ac0b 000001 000002 000003", [{ kind: "accEcn", order: 0, counters: [1, 2, 3] }]],
    ["AccECN 174, one counter", "ae05 00000a", [{ kind: "accEcn", order: 1, counters: [10] }]],
    ["unknown kind 99 kept byte-exact", "6304 dead", [{ kind: "unknown", type: 99, data: b("dead") }]],
    ["MSS with a wrong length is unknown", "0203 05", [{ kind: "unknown", type: 2, data: b("05") }]],
  ];
  for (const [name, hex, opts] of FIXTURES) {
    it(`${name}: parse and emit`, () => {
      const bytes = b(hex);
      expect(parseTcpOptions(bytes)).to.deep.equal({ ok: true, value: opts });
      const out = new Uint8Array(tcpOptionsLen(opts));
      emitTcpOptions(opts, out, 0);
      expect(toHex(out)).to.equal(toHex(bytes));
    });
  }

  it("a lone kind byte with no length is malformed", () => {
    expect(parseTcpOptions(b("0101 02"))).to.deep.equal({ ok: false, error: { code: "bad-option", offset: 2, field: "tcp.option.length" } });
  });

  it("findTcpOption narrows by kind", () => {
    expect(findTcpOption(SYNACK_REPR.options, "timestamps")?.tsVal).to.equal(1);
    expect(findTcpOption(SYNACK_REPR.options, "sack")).to.equal(undefined);
  });
});
