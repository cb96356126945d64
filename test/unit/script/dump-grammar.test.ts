// Every one-line dump src/wire prints is a script line: packets built with src/wire, sent through
// emit and parse (so they are what a capture decodes to), formatted with formatPacket with and
// without a direction and in each tuple style, must parse as `0 <dump>` and pass checkScript.
// Also the golden dump file, random packets (fast-check), and fmt printing the new forms back.
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stripSpans, type Packet, type TcpOption as AstOption } from "../../../src/script/ast.ts";
import { checkScript } from "../../../src/script/check-script.ts";
import type { Diagnostic } from "../../../src/script/diagnostic.ts";
import { formatSource } from "../../../src/script/fmt.ts";
import { parseScript } from "../../../src/script/parse.ts";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { fromHex } from "../../../src/wire/bytes.ts";
import { type FormatContext, formatPacket } from "../../../src/wire/dump.ts";
import type { Ipv4Repr } from "../../../src/wire/ipv4.ts";
import type { Ipv6Repr } from "../../../src/wire/ipv6.ts";
import type { MptcpOption } from "../../../src/wire/mptcp-options.ts";
import { type PacketRepr, emitPacket, packet, parsePacket } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import type { TcpRepr } from "../../../src/wire/tcp.ts";
import { greRepr, icmpRepr, ipv4Repr, ipv6Repr, mplsRepr, tcpPacket, u8, udpRepr } from "../wire/arbitraries.ts";

const GOLDEN = resolve(fileURLToPath(new URL("../../golden/dumps.txt", import.meta.url)));

const ip = (s: string): Uint8Array => parseIpAddress(s) as Uint8Array;
const b = (h: string): Uint8Array => fromHex(h) as Uint8Array;
const V4: Ipv4Repr = { kind: "ipv4", tos: 0, identification: 0, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src: ip("192.0.2.1"), dst: ip("192.168.0.2"), options: new Uint8Array(0) };
const V6: Ipv6Repr = { kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 6, src: ip("2001:db8::1"), dst: ip("2001:db8::2"), extensions: [] };
const tcp = (flags: number, options: TcpOption[] = []): TcpRepr =>
  ({ kind: "tcp", srcPort: 8080, dstPort: 40000, seq: seqNum(1), ack: seqNum(1), flags, window: 65535, urgent: 0, options });
/** An MPTCP option's fields without `kind` (distributed over the union, so each subtype keeps its own fields). */
type MptcpFields = MptcpOption extends infer O ? (O extends MptcpOption ? Omit<O, "kind"> : never) : never;
const mp = (o: MptcpFields): TcpOption => ({ kind: "mptcp", ...o }) as TcpOption;
const ACK = 0x10;
const NOP: TcpOption = { kind: "nop" };
const KEY = 0x0102030405060708n;

/** Name and packet: every option form and every non-TCP body the dump prints. */
const CASES: Array<[string, PacketRepr]> = [
  ["unknown option kind with data", packet(V4, tcp(ACK, [{ kind: "unknown", type: 99, data: b("00dead") }, NOP]))],
  ["unknown option kind without data", packet(V4, tcp(ACK, [{ kind: "unknown", type: 253, data: b("") }, NOP, NOP]))],
  ["known kind with a bad length", packet(V4, tcp(ACK, [{ kind: "unknown", type: 2, data: b("05") }, NOP]))],
  ["md5, FO and FOEXP cookies that are keywords", packet(V4, tcp(0x02, [{ kind: "md5", digest: b("ab".repeat(16)) }, { kind: "fastOpen", cookie: b("ce") }, { kind: "fastOpenExp", cookie: b("fd") }]))],
  ["empty SACK and AccECN", packet(V4, tcp(ACK, [{ kind: "sack", blocks: [] }, { kind: "accEcn", order: 0, counters: [] }]))],
  ["MP_CAPABLE v2 with checksum", packet(V4, tcp(0x18, [mp({ subtype: "mpCapable", version: 2, flags: 0x81, sendersKey: KEY, receiversKey: KEY + 1n, dataLevelLength: 10, checksum: 0xbeef })]), b("00".repeat(10)))],
  ["MP_CAPABLE v15, no key", packet(V4, tcp(0x02, [mp({ subtype: "mpCapable", version: 15, flags: 0 })]))],
  ["MP_JOIN SYN with reserved bits", packet(V4, tcp(0x02, [mp({ subtype: "mpJoinSyn", backup: false, addressId: 2, receiversToken: 7, sendersRandom: 9, reserved: 7 })]))],
  ["MP_JOIN SYN/ACK with reserved bits", packet(V4, tcp(0x12, [mp({ subtype: "mpJoinSynAck", backup: true, addressId: 0, sendersHmac: 5n, sendersRandom: 6, reserved: 3 })]))],
  ["MP_JOIN ACK with reserved bits", packet(V4, tcp(ACK, [mp({ subtype: "mpJoinAck", sendersHmac: b("11".repeat(20)), reserved: 0xfff })]))],
  ["DSS with reserved bits and checksum", packet(V4, tcp(ACK, [mp({ subtype: "dss", dataFin: true, dataAck64: true, dsn64: false, dataAck: 9n, mapping: { dsn: 3n, subflowSeq: 1, dataLevelLength: 1, checksum: 0 }, reserved: 0x7f })]))],
  ["ADD_ADDR with echo and HMAC", packet(V4, tcp(ACK, [mp({ subtype: "addAddr", echo: true, addressId: 1, address: ip("10.0.0.1"), hmac: 1n }), NOP, NOP]))],
  ["ADD_ADDR with neither echo nor HMAC, reserved bits", packet(V6, tcp(ACK, [mp({ subtype: "addAddr", echo: false, addressId: 3, address: ip("2001:db8::7"), port: 1, reserved: 5 }), NOP, NOP]))],
  ["REMOVE_ADDR with no IDs, reserved bits", packet(V4, tcp(ACK, [mp({ subtype: "removeAddr", addressIds: [], reserved: 15 }), NOP]))],
  ["MP_PRIO, MP_FAIL, MP_FASTCLOSE with reserved bits", packet(V4, tcp(0x14, [mp({ subtype: "mpPrio", backup: true, addressId: 4, reserved: 1 }), mp({ subtype: "mpFail", dsn: 1n, reserved: 0x800 }), mp({ subtype: "mpFastclose", receiversKey: KEY, reserved: 2 })]))],
  ["MP_TCPRST with unnamed flags", packet(V4, tcp(0x14, [mp({ subtype: "mpTcpRst", flags: 0xe, reason: 255 })]))],
  ["unknown MPTCP subtype", packet(V4, tcp(ACK, [mp({ subtype: "unknown", data: b("f0a1b2") }), NOP]))],
  ["IPv6 encapsulation", { encaps: [{ ...V6, nextHeader: 4 }], ip: V4, l4: tcp(ACK), payload: b("") }],
  ["IPv4-mapped IPv6 encapsulation", { encaps: [{ ...V6, nextHeader: 41, src: ip("::ffff:192.0.2.9"), dst: ip("::") }], ip: V6, l4: tcp(ACK), payload: b("") }],
  ["other upper layer (SCTP)", packet({ ...V4, protocol: 132 }, { kind: "other", protocol: 132 }, b("00".repeat(16)))],
  ["other upper layer in IPv6", packet({ ...V6, nextHeader: 254 }, { kind: "other", protocol: 254 }, b(""))],
  ["UDP over IPv6", packet({ ...V6, nextHeader: 17 }, { kind: "udp", srcPort: 53, dstPort: 1 }, b("0102"))],
];

/** Emits and re-parses a packet: what a capture decodes to. */
function wireRoundTrip(p: PacketRepr): PacketRepr {
  const r = parsePacket(emitPacket(p));
  if (!r.ok) throw new Error(`does not parse back: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Dumps of one packet: with and without a direction, in each tuple style. */
function dumps(p: PacketRepr): string[] {
  const out: string[] = [];
  for (const tuple of ["none", "ports", "addresses"] as const) {
    out.push(`> ${formatPacket(p, { tuple })}`, `< ${formatPacket(p, { tuple })}`);
    for (const direction of ["<", ">"] as const) out.push(formatPacket(p, { tuple, direction }));
  }
  return out;
}

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);

/** Parses `0 <line>` and returns its packet; fails the test on any diagnostic. */
function acceptedPacket(line: string): Packet {
  const source = `0 ${line}\n`;
  expect(show(checkScript(source, "dump.pkt")), line).to.deep.equal([]);
  const action = parseScript(source, "dump.pkt").script?.events[0]?.action;
  if (action?.kind !== "packet") throw new Error(`not a packet: ${line}`);
  return action;
}

/** The option nodes of a parsed TCP packet (empty when it has none). */
function astOptions(p: Packet): readonly AstOption[] {
  return p.body.kind === "tcp" && p.body.options?.kind === "optionList" ? p.body.options.options : [];
}

/** `parse(fmt(s))` equals `parse(s)` without spans. */
function expectFmtRoundTrip(line: string): void {
  const source = `0 ${line}\n`;
  const formatted = formatSource(source, "dump.pkt");
  if (!formatted.ok) throw new Error(`fmt failed on ${line}`);
  expect(stripSpans(parseScript(formatted.text, "dump.pkt").script?.events), formatted.text).to.deep.equal(stripSpans(parseScript(source, "dump.pkt").script?.events));
}

describe("script grammar: every src/wire dump parses", () => {
  it("accepts every line of test/golden/dumps.txt, undirected lines with either direction", () => {
    const lines = readFileSync(GOLDEN, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(lines.length).to.be.at.least(30);
    for (const line of lines) {
      if (/^[<>] /.test(line)) acceptedPacket(line);
      else {
        acceptedPacket(`> ${line}`);
        // An injected TCP packet needs `win`; the IPv6 tuple line is dumped without it.
        const tcpWithoutWin = /(^|\s)[FSRPUEWA.-]+ \d+:\d+\(\d+\)/.test(line) && !/ win \d+/.test(line);
        if (!tcpWithoutWin) acceptedPacket(`< ${line}`);
      }
    }
  });

  for (const [name, p] of CASES) {
    it(`${name}: all tuple styles, with and without direction, and fmt prints it back`, () => {
      const decoded = wireRoundTrip(p);
      const tcpOptions = decoded.l4.kind === "tcp" ? decoded.l4.options : [];
      for (const line of dumps(decoded)) {
        const parsed = acceptedPacket(line);
        expect(parsed.body.kind, line).to.equal(decoded.l4.kind === "other" ? "ipproto" : decoded.l4.kind);
        expect(astOptions(parsed), line).to.have.length(tcpOptions.length);
        expect(parsed.encaps, line).to.have.length(decoded.encaps.length);
        expectFmtRoundTrip(line);
      }
    });
  }

  it("reads the new forms into their AST nodes", () => {
    const [unknown, mptcpUnknown] = [CASES[0], CASES[16]].map((c) => astOptions(acceptedPacket(formatPacket(wireRoundTrip((c as [string, PacketRepr])[1]), { direction: ">" }))));
    expect(stripSpans(unknown?.[0])).to.deep.equal({ kind: "unknownOption", type: { kind: "int", text: "99", value: 99n }, data: { kind: "hexBytes", text: "00dead" } });
    expect(stripSpans(mptcpUnknown?.[0])).to.deep.equal({ kind: "mptcpUnknown", data: { kind: "hexBytes", text: "f0a1b2" } });
    const body = acceptedPacket(formatPacket(wireRoundTrip((CASES[19] as [string, PacketRepr])[1]), { direction: "<" })).body;
    expect(stripSpans(body)).to.deep.equal({ kind: "ipproto", protocol: { kind: "int", text: "132", value: 132n }, length: { kind: "int", text: "16", value: 16n } });
  });

  it("reads an IPv6 encapsulation whose destination touches the colon, and keeps 1:1001(1000) and IPv4 forms", () => {
    const spaced = acceptedPacket("< ipv6 2001:db8::1 > 2001:db8::2 : P. 1:1001(1000) ack 1 win 5");
    const touching = acceptedPacket("< ipv6 2001:db8::1 > 2001:db8::2: P. 1:1001(1000) ack 1 win 5");
    expect(stripSpans(touching)).to.deep.equal(stripSpans(spaced));
    expect(touching.encaps[0]).to.deep.include({ kind: "ipEncap", version: "ipv6" });
    expect(stripSpans(touching.encaps[0])).to.deep.include({ dst: { kind: "ipv6", text: "2001:db8::2" } });
    const ends = acceptedPacket("> ipv6 ::1 > fe80:::gre: . 1:1(0) ack 1").encaps;
    expect(stripSpans(ends)).to.deep.equal([
      { kind: "ipEncap", version: "ipv6", ipInfo: null, src: { kind: "ipv6", text: "::1" }, dst: { kind: "ipv6", text: "fe80::" } },
      { kind: "greEncap", keyword: "gre", header: null },
    ]);
    const v4 = acceptedPacket("< ipv4 10.0.0.1 > 10.0.0.2: 1.2.3.4:5 > 6.7.8.9:10 . 1:1001(1000) ack 1 win 5");
    expect(stripSpans(v4.body)).to.deep.include({ seq: { kind: "seqRange", start: { kind: "int", text: "1", value: 1n }, end: { kind: "int", text: "1001", value: 1001n }, length: { kind: "int", text: "1000", value: 1000n } } });
  });

  it("parses DSS forms without a Data ACK, which the mptcp-forms check then rejects (scripts cannot use them)", () => {
    for (const o of [{ dataFin: true }, { dataFin: false, mapping: { dsn: 1n, subflowSeq: 1, dataLevelLength: 1 } }]) {
      const line = formatPacket(wireRoundTrip(packet(V4, tcp(ACK, [mp({ subtype: "dss", dataAck64: false, dsn64: false, ...o }), NOP, NOP]))), { direction: ">" });
      expect(parseScript(`0 ${line}\n`, "dump.pkt").diagnostics, line).to.deep.equal([]);
      expect(checkScript(`0 ${line}\n`, "dump.pkt").map((d) => d.code), line).to.deep.equal(["mptcp-unsupported"]);
    }
  });
});

/** Diagnostics a valid dump may still get: warnings about legal values, and the DSS forms above. */
function unexpected(ds: readonly Diagnostic[]): string[] {
  const allowed = new Set(["value-suspicious", "duplicate-option", "mptcp-unsupported"]);
  // quirk-* warnings (checks/quirks-*.ts) flag packetdrill behaviours, legal for any dump.
  return show(ds.filter((d) => !d.code.startsWith("quirk-") && (!allowed.has(d.code) || (d.code === "mptcp-unsupported" && !d.message.startsWith("'dss'")))));
}

const ctx: fc.Arbitrary<FormatContext> = fc.record({
  direction: fc.constantFrom<"<" | ">">("<", ">"),
  tuple: fc.constantFrom<"none" | "ports" | "addresses">("none", "ports", "addresses"),
});

/** Any non-TCP packet: UDP, ICMP or another protocol, under up to two encapsulations. */
const otherPacket: fc.Arbitrary<PacketRepr> = fc.record({
  v6: fc.boolean(), v4: ipv4Repr, v6r: ipv6Repr, l4: fc.oneof(udpRepr, icmpRepr, u8.filter((p) => ![0, 1, 4, 6, 17, 41, 43, 44, 47, 51, 58, 60, 135, 137].includes(p)).map((protocol) => ({ kind: "other" as const, protocol }))),
  encaps: fc.array(fc.oneof(greRepr, mplsRepr), { maxLength: 1 }), outer: ipv4Repr, payload: fc.uint8Array({ maxLength: 24 }),
}).map(({ v6, v4, v6r, l4, encaps, outer, payload }): PacketRepr => {
  const protocol = l4.kind === "udp" ? 17 : l4.kind === "icmp" ? (l4.version === 6 ? 58 : 1) : l4.protocol;
  const inner = l4.kind === "icmp" ? (l4.version === 6) : v6;
  const ipr = inner ? { ...v6r, nextHeader: protocol, extensions: [] } : { ...v4, protocol, flags: v4.flags & 0x6, fragmentOffset: 0 };
  const outerIp: Ipv4Repr = { ...outer, protocol: encaps[0]?.kind === "mpls" ? 137 : 47, flags: 2, fragmentOffset: 0 };
  const chain = encaps.length === 0 ? [] : [outerIp, ...encaps];
  return { encaps: chain, ip: ipr, l4, payload: l4.kind === "icmp" ? new Uint8Array(0) : payload };
});

describe("script grammar: random packets (fast-check)", () => {
  it("parses the dump of any TCP packet, one AST option per wire option, and only legal-value warnings", () => {
    fc.assert(fc.property(tcpPacket, ctx, (p, c) => {
      const decoded = wireRoundTrip(p);
      const line = formatPacket(decoded, c);
      const parsed = parseScript(`0 ${line}\n`, "dump.pkt");
      expect(show(parsed.diagnostics), line).to.deep.equal([]);
      const action = parsed.script?.events[0]?.action;
      expect(action?.kind === "packet" ? astOptions(action).length : -1, line).to.equal(decoded.l4.kind === "tcp" ? decoded.l4.options.length : 0);
      expect(unexpected(checkScript(`0 ${line}\n`, "dump.pkt")), line).to.deep.equal([]);
    }), { numRuns: 400 });
  });

  it("parses the dump of any UDP, ICMP or other-protocol packet, also under GRE or MPLS", () => {
    fc.assert(fc.property(otherPacket, ctx, (p, c) => {
      const r = parsePacket(emitPacket(p));
      fc.pre(r.ok);
      if (!r.ok) return;
      const line = formatPacket(r.value, c);
      expect(show(checkScript(`0 ${line}\n`, "dump.pkt")), line).to.deep.equal([]);
    }), { numRuns: 400 });
  });
});
