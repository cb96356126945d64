/**
 * `mptcpdrill decode` on synthetic captures written with our pcap / pcapng writers: link types
 * (Ethernet + VLAN, cooked v1 and v2, raw), pcapng with several interfaces in both byte orders,
 * nanosecond pcap, direction rules, relative and absolute numbers, comments for packets the
 * language cannot express, per-packet decode errors, and output that `check` accepts.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { checkScript } from "../../src/script/check-script.ts";
import { parseIpAddress } from "../../src/wire/address.ts";
import { mptcpIdsn } from "../../src/wire/mptcp-crypto.ts";
import { emitPacket, type PacketRepr } from "../../src/wire/packet.ts";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";
import { emitPcapngFile } from "../../src/wire/pcap/pcapng-writer.ts";
import { seqNum } from "../../src/wire/seq.ts";
import type { TcpOption } from "../../src/wire/tcp-options.ts";

const ip = (s: string): Uint8Array => parseIpAddress(s) as Uint8Array;
const A = ip("192.0.2.1");
const B = ip("192.0.2.2");
const KEY_A = 0x1111111111111111n;
const KEY_B = 0x2222222222222222n;

function tcp(fromA: boolean, flags: number, seq: number, ack: number, options: TcpOption[] = [], payload = 0): Uint8Array {
  const repr: PacketRepr = {
    encaps: [],
    ip: { kind: "ipv4", tos: 0, identification: 0, flags: 2, fragmentOffset: 0, ttl: 64, protocol: 6, src: fromA ? A : B, dst: fromA ? B : A, options: new Uint8Array(0) },
    l4: { kind: "tcp", srcPort: fromA ? 40000 : 8080, dstPort: fromA ? 8080 : 40000, seq: seqNum(seq), ack: seqNum(ack), flags, window: 1000, urgent: 0, options },
    payload: new Uint8Array(payload),
  };
  return emitPacket(repr);
}
const mp = (o: object): TcpOption => ({ kind: "mptcp", ...o }) as unknown as TcpOption;

/** A handshake started by A, one data segment with a DSS mapping, its ack. */
function conversation(): Uint8Array[] {
  return [
    tcp(true, 0x02, 1000, 0, [{ kind: "mss", mss: 1460 }, mp({ subtype: "mpCapable", version: 1, flags: 0x81 })]),
    tcp(false, 0x12, 5000, 1001, [{ kind: "mss", mss: 1400 }, mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_B })]),
    tcp(true, 0x10, 1001, 5001, [mp({ subtype: "mpCapable", version: 1, flags: 0x81, sendersKey: KEY_A, receiversKey: KEY_B })]),
    tcp(true, 0x18, 1001, 5001, [{ kind: "nop" }, { kind: "nop" }, mp({ subtype: "dss", dataFin: false, dataAck64: false, dsn64: true, dataAck: (mptcpIdsn(KEY_B) + 1n) & 0xffffffffn, mapping: { dsn: mptcpIdsn(KEY_A) + 1n, subflowSeq: 1, dataLevelLength: 10 } })], 10),
    tcp(false, 0x10, 5001, 1011, [mp({ subtype: "dss", dataFin: false, dataAck64: true, dsn64: false, dataAck: mptcpIdsn(KEY_A) + 11n })]),
  ];
}

const ETH = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const eth = (type: number, body: Uint8Array, vlan?: number): Uint8Array =>
  cat(ETH, vlan === undefined ? new Uint8Array(0) : Uint8Array.of(0x81, 0, vlan >> 8, vlan & 0xff), Uint8Array.of(type >> 8, type & 0xff), body);
const sll = (body: Uint8Array): Uint8Array => cat(Uint8Array.of(0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0), body);
const sll2 = (body: Uint8Array): Uint8Array => cat(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0), body);
const ARP = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2]);

describe("mptcpdrill decode", () => {
  const dir = mkdtempSync(join(tmpdir(), "mpd-decode-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const decode = async (...argv: string[]): Promise<{ code: number; out: string; lines: string[] }> => {
    const io = memoryIo();
    const code = await runCli(["decode", ...argv], io);
    return { code, out: io.out(), lines: io.out().trimEnd().split("\n") };
  };
  const records = (frames: Uint8Array[], stepUs = 100) => frames.map((data, i) => ({ tsSec: 1000, tsNsec: i * stepUs * 1000, data }));

  it("prints a raw-IP pcap with relative times, ISN- and IDSN-relative numbers, and a summary", async () => {
    const file = write("raw.pcap", emitPcapFile({ linkType: 101 }, records(conversation())));
    const { code, lines, out } = await decode(file);
    expect(code).to.equal(0);
    expect(lines).to.deep.equal([
      "0.000000 > S 0:0(0) win 1000 <mss 1460,mpcapable v1 flags[flag_a, flag_h] nokey>",
      "+0.000100 < S. 0:0(0) ack 1 win 1000 <mss 1400,mpcapable v1 flags[flag_a, flag_h] key[skey=0x2222222222222222]>",
      "+0.000100 > . 1:1(0) ack 1 win 1000 <mpcapable v1 flags[flag_a, flag_h] key[ckey=0x1111111111111111, skey=0x2222222222222222]>",
      "+0.000100 > P. 1:11(10) ack 1 win 1000 <nop,nop,dss dack4=1 dsn8=1 ssn=1 dll=10 nocs>",
      "+0.000100 < . 1:1(0) ack 11 win 1000 <dss dack8=11>",
      `// ${file}: pcap, 5 packets (5 TCP, 0 as comments), 0 not decoded`,
    ]);
    expect(checkScript(out, "raw.pkt").filter((d) => d.severity === "error")).to.deep.equal([]);
  });

  it("--runnable: the responder of the first SYN is the SUT, with its syscalls, variables and auto values", async () => {
    const file = write("run.pcap", emitPcapFile({ linkType: 101 }, records(conversation())));
    const { code, out } = await decode("--runnable", file);
    expect(code).to.equal(0);
    const body = out.split("\n").filter((l) => /^\s+(0|\+)/.test(l)).map((l) => l.trim().replace(/^\S+ /, ""));
    expect(body).to.deep.equal([
      "socket(..., SOCK_STREAM, IPPROTO_MPTCP) = 3",
      "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
      "bind(3, ..., ...) = 0",
      "listen(3, 1) = 0",
      "< S 0:0(0) win 1000 <mss 1460, mpcapable v1 flags[flag_a, flag_h] nokey>",
      "> S. 0:0(0) ack 1 <mss *, mpcapable v1 flags[flag_a, flag_h] key[skey]>",
      "< . 1:1(0) ack 1 win 1000 <mpcapable v1 flags[flag_a, flag_h] key[ckey=0x1111111111111111, skey]>",
      "accept(3, ..., ...) = 4",
      "< P. 1:11(10) ack 1 win 1000 <nop, nop, dss dack4=1 dsn8=1 ssn=1 dll=10>",
      "> . 1:1(0) ack 11 <dss dack8=11 nocs>",
      "read(4, ..., 10) = 10",
    ]);
    expect(out).to.match(/^--tolerance_usecs=100000$/m).and.match(/checksum_enabled=1/).and.match(/^\/\/ SUT: 192\.0\.2\.2 \(passive open, MPTCP\)/m);
    expect(checkScript(out, "run.pkt").filter((d) => d.severity === "error")).to.deep.equal([]);
    // The SYN's sender as SUT: a non-blocking connect, its key bound, the peer's assigned.
    const client = await decode("--runnable", "--sut-ip", "192.0.2.1", file);
    expect(client.out).to.match(/connect\(3, \.\.\., \.\.\.\) = -1 EINPROGRESS/).and.match(/< S\. 0:0\(0\) ack 1 win 1000 <mss 1400, mpcapable v1 flags\[flag_a, flag_h\] key\[skey=0x2222222222222222\]>/);
    expect(client.out).to.match(/write\(3, \.\.\., 10\) = 10\n\s+\+0\.000000 > P\. 1:11\(10\) ack 1 <nop, nop, dss dack4=1 dsn8=1 ssn=1 dll=10>/);
    expect(checkScript(client.out, "client.pkt").filter((d) => d.severity === "error")).to.deep.equal([]);
  });

  it("--runnable refuses what does not apply: no SYN, an --sut-ip that is not an end, --abs; --sut-ip alone", async () => {
    const noSyn = write("nosyn.pcap", emitPcapFile({ linkType: 101 }, records(conversation().slice(3))));
    const io = memoryIo();
    expect(await runCli(["decode", "--runnable", noSyn], io)).to.equal(1);
    expect(io.err()).to.match(/^error\[MPD_ERR_PCAP\]: .*no SYN/);
    const file = write("run2.pcap", emitPcapFile({ linkType: 101 }, records(conversation())));
    const io2 = memoryIo();
    expect(await runCli(["decode", "--runnable", "--sut-ip", "10.9.9.9", file], io2)).to.equal(1);
    expect(io2.err()).to.match(/--sut-ip 10\.9\.9\.9 is not an end of the first SYN \(192\.0\.2\.1 > 192\.0\.2\.2, frame 1\)/);
    for (const argv of [["--runnable", "--abs", file], ["--sut-ip", "192.0.2.1", file], ["--runnable", "--sut-ip", "nope", file]]) {
      const u = memoryIo();
      expect(await runCli(["decode", ...argv], u), argv.join(" ")).to.equal(2);
      expect(u.err()).to.match(/^error\[MPD_ERR_USAGE\]/);
    }
  });

  it("--abs prints absolute numbers and --local flips the direction", async () => {
    const file = write("abs.pcap", emitPcapFile({ linkType: 101 }, records(conversation())));
    const { lines } = await decode("--abs", "--local", "192.0.2.2", file);
    expect(lines[0]).to.equal("0.000000 < S 1000:1000(0) win 1000 <mss 1460,mpcapable v1 flags[flag_a, flag_h] nokey>");
    expect(lines[3]).to.equal(`+0.000100 < P. 1001:1011(10) ack 5001 win 1000 <nop,nop,dss dack4=${(mptcpIdsn(KEY_B) + 1n) & 0xffffffffn} dsn8=${mptcpIdsn(KEY_A) + 1n} ssn=1 dll=10 nocs>`);
  });

  it("reads Ethernet with VLAN tags, cooked v1 and v2 alike, with ARP and other ethertypes as comments", async () => {
    const frames = conversation();
    const expected = (await decode(write("plain.pcap", emitPcapFile({ linkType: 101 }, records(frames))))).lines.slice(0, 5);
    const ethFile = write("eth.pcap", emitPcapFile({ linkType: 1 }, records([eth(0x0806, ARP), ...frames.map((f, i) => eth(0x0800, f, i % 2 ? 7 : undefined)), eth(0x88cc, new Uint8Array(10))])));
    const e = await decode(ethFile);
    expect(e.lines[0]).to.equal("// packet 1: arp who-has 192.0.2.2 tell 192.0.2.1");
    expect(e.lines.slice(1, 6).map((l) => l.replace(/^\S+/, ""))).to.deep.equal(expected.map((l) => l.replace(/^\S+/, "")));
    expect(e.lines[6]).to.equal("// packet 7: ethertype 0x88cc, 10 bytes");
    for (const [lt, wrap] of [[113, sll], [276, sll2]] as const) {
      const c = await decode(write(`cooked${lt}.pcap`, emitPcapFile({ linkType: lt }, records(frames.map(wrap)))));
      expect(c.lines.slice(0, 5)).to.deep.equal(expected);
    }
  });

  it("reads nanosecond pcap and pcapng with two interfaces in either byte order", async () => {
    const frames = conversation();
    const ns = await decode(write("ns.pcap", emitPcapFile({ linkType: 101, precision: "ns" }, frames.map((data, i) => ({ tsSec: 5, tsNsec: i * 1500, data })))));
    expect(ns.lines.slice(0, 2).map((l) => l.split(" ")[0])).to.deep.equal(["0.000000", "+0.000002"]);
    for (const le of [true, false]) {
      const pkts = frames.map((f, i) => (i % 2 ? { interfaceId: 1, timestamp: BigInt(1_000_000_000 + i * 100_000), data: f } : { interfaceId: 0, timestamp: BigInt(1_000_000 + i * 100), data: eth(0x0800, f) }));
      const file = write(`two-${le}.pcapng`, emitPcapngFile([{ linkType: 1, name: "veth0" }, { linkType: 101, name: "veth1", tsResol: 9 }], pkts, le));
      const d = await decode(file);
      expect(d.code).to.equal(0);
      expect(d.lines.slice(0, 5).map((l) => l.split(" ")[0])).to.deep.equal(["0.000000", "+0.000100", "+0.000100", "+0.000100", "+0.000100"]);
      expect(d.lines[1]).to.match(/^\+0\.000100 < S\. 0:0\(0\) ack 1 /);
    }
  });

  it("prints UDP and ICMP as packet lines and ICMPv6 neighbour discovery as a comment", async () => {
    const udp: PacketRepr = { encaps: [], ip: { kind: "ipv4", tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 17, src: A, dst: B, options: new Uint8Array(0) }, l4: { kind: "udp", srcPort: 53, dstPort: 53 }, payload: new Uint8Array(12) } as PacketRepr;
    const icmp: PacketRepr = { encaps: [], ip: { kind: "ipv4", tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 1, src: B, dst: A, options: new Uint8Array(0) }, l4: { kind: "icmp", version: 4, type: 8, code: 0, body: { kind: "echo", identifier: 7, sequence: 1, data: new Uint8Array(0) } }, payload: new Uint8Array(0) } as PacketRepr;
    const ns: PacketRepr = { encaps: [], ip: { kind: "ipv6", trafficClass: 0, flowLabel: 0, hopLimit: 255, nextHeader: 58, src: ip("fe80::1"), dst: ip("ff02::1:ff00:2"), extensions: [] }, l4: { kind: "icmp", version: 6, type: 135, code: 0, body: { kind: "other", rest: 0, data: new Uint8Array(16) } }, payload: new Uint8Array(0) } as PacketRepr;
    const file = write("mixed.pcap", emitPcapFile({ linkType: 101 }, records([conversation()[0] as Uint8Array, emitPacket(udp), emitPacket(icmp), emitPacket(ns)])));
    const { lines, out } = await decode(file);
    expect(lines.slice(1, 4)).to.deep.equal(["+0.000100 > udp (12)", "+0.000100 < icmp echo_request id 7", "// packet 4: icmpv6 neighbor solicitation fe80::1 > ff02::1:ff00:2"]);
    expect(checkScript(out, "mixed.pkt").filter((d) => d.severity === "error")).to.deep.equal([]);
  });

  it("reports a packet it cannot decode and goes on; a cut file ends with an error line and exit 1", async () => {
    const frames = conversation();
    const bad = (frames[1] as Uint8Array).slice(0, 30);
    const file = write("bad.pcap", emitPcapFile({ linkType: 101 }, records([frames[0] as Uint8Array, bad, frames[2] as Uint8Array, Uint8Array.of(0x20, 1, 2)])));
    const whole = await decode(file);
    expect(whole.code).to.equal(1);
    expect(whole.lines[1]).to.match(/^\/\/ packet 2: cannot decode: \S+ at offset \d+/);
    expect(whole.lines[2]).to.match(/^\+0\.000200 > \. /);
    expect(whole.lines[3]).to.match(/^\/\/ packet 4: cannot decode: (link-unsupported|bad-version) at offset 0/);
    const cut = write("cut.pcap", emitPcapFile({ linkType: 101 }, records(frames)).slice(0, -7));
    const c = await decode(cut);
    expect(c.code).to.equal(1);
    expect(c.lines.filter((l) => !l.startsWith("//"))).to.have.length(4);
    expect(c.out).to.match(/\/\/ cannot decode: pcap-truncated-record at offset \d+/);
    const junk = await decode(write("junk.pcap", new Uint8Array(40).fill(7)));
    expect(junk.code).to.equal(1);
    expect(junk.lines[0]).to.match(/^\/\/ cannot decode: pcap-bad-magic at offset 0/);
  });

  it("rejects bad arguments with a usage error", async () => {
    expect((await decode()).code).to.equal(2);
    expect((await decode("--local", "nope", "x.pcap")).code).to.equal(2);
    expect((await decode("--tuple", "sideways", "x.pcap")).code).to.equal(2);
    const io = memoryIo();
    expect(await runCli(["decode", "--help"], io)).to.equal(0);
    expect(io.out()).to.contain("'>' is a packet sent by\nthe local host");
  });
});
