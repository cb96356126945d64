// Parser: packet lines (§3) and TCP options (§4).
import { expect } from "chai";
import { STAR, action, id, int, packetBody, seq, tcpOptions } from "./parse-helpers.ts";

const TCP_DEFAULTS = { tuple: null, ack: null, win: null, urg: null, options: null };

describe("parse: packet lines", () => {
  it("parses a plain inbound SYN with every TCP field", () => {
    expect(action("+0 < S 0:0(0) ack 5 win 32792 urg 3 <mss 1460,sackOK,nop,wscale 7>")).to.deep.equal({
      kind: "packet", direction: "inbound", encaps: [], ipInfo: null, psp: null,
      body: {
        kind: "tcp", tuple: null, flags: { kind: "flags", text: "S" }, seq: seq("0", "0", "0"),
        ack: int("5"), win: int("32792"), urg: int("3"),
        options: { kind: "optionList", options: [
          { kind: "mss", value: int("1460") }, { kind: "sackOK" }, { kind: "nop" }, { kind: "wscale", value: int("7") },
        ] },
      },
    });
  });

  it("keeps every flags form as text", () => {
    const flags = ["S", "S.", "P.", ".", "-", "SEWA", "S.5", "FP.", ".5", "EAP."]
      .map((f) => (packetBody(`+0 > ${f} 1:1(0)`) as { flags: { text: string } }).flags.text);
    expect(flags).to.deep.equal(["S", "S.", "P.", ".", "-", "SEWA", "S.5", "FP.", ".5", "EAP."]);
  });

  it("keeps names where numbers may stand (defines)", () => {
    expect(packetBody("+0 < . START:END(LEN) ack ACK win WIN <mss MSS>")).to.deep.equal({
      ...TCP_DEFAULTS, kind: "tcp", flags: { kind: "flags", text: "." },
      seq: { kind: "seqRange", start: id("START"), end: id("END"), length: id("LEN") },
      ack: id("ACK"), win: id("WIN"), options: { kind: "optionList", options: [{ kind: "mss", value: id("MSS") }] },
    });
  });

  it("parses ip_info forms", () => {
    const info = (l: string): unknown => (action(l) as { ipInfo: unknown }).ipInfo;
    expect(info("+0 < [ect0] . 1:1(0) ack 1 win 5")).to.deep.equal({ kind: "ipInfo", bracket: "[", items: [{ kind: "ecn", codepoint: "ect0" }] });
    expect(info("+0 > [ect01] . 1:1(0) ack 1")).to.deep.equal({ kind: "ipInfo", bracket: "[", items: [{ kind: "ecn", codepoint: "ect01" }] });
    expect(info("+0 < (tos 0x4, flowlabel 0x12) . 1:1(0) ack 1 win 5")).to.deep.equal({
      kind: "ipInfo", bracket: "(", items: [{ kind: "tos", value: int("0x4") }, { kind: "flowlabel", value: int("0x12") }],
    });
    expect(info("+0 < (ttl 64) . 1:1(0) ack 1 win 5")).to.deep.equal({ kind: "ipInfo", bracket: "(", items: [{ kind: "ttl", value: int("64") }] });
    expect(info("+0 < [ce] . 1:1(0) ack 1 win 5")).to.deep.equal({ kind: "ipInfo", bracket: "[", items: [{ kind: "ecn", codepoint: "ce" }] });
  });

  it("parses encapsulations and PSP", () => {
    const a = action("+0 < ipv4 (tos 0x1) 10.0.0.1 > 10.0.0.2 : gre flags [key present, sequence# present], sum 0, off 0, key=7, seq 9 : mpls (label 10, tc 1, [S], ttl 64) : encap psp spi 0x11 . 1:1(0) ack 1 win 5") as { encaps: unknown; psp: unknown };
    expect(a.encaps).to.deep.equal([
      { kind: "ipEncap", version: "ipv4", ipInfo: { kind: "ipInfo", bracket: "(", items: [{ kind: "tos", value: int("0x1") }] },
        src: { kind: "ipv4", text: "10.0.0.1" }, dst: { kind: "ipv4", text: "10.0.0.2" } },
      { kind: "greEncap", keyword: "gre", header: { kind: "greHeader", flags: { kind: "flagList", flags: ["key", "sequence"] },
        sum: int("0"), off: int("0"), key: int("7"), seq: int("9") } },
      { kind: "mplsEncap", entries: [{ kind: "mplsEntry", label: int("10"), tc: int("1"), bottom: true, ttl: int("64") }] },
    ]);
    expect(a.psp).to.deep.equal({ kind: "psp", spi: int("0x11") });
    const b = action("+0 > ipv6 2001:db8::1 > 2001:db8::2 : GREv0 : . 1:1(0) ack 1") as { encaps: unknown };
    expect(b.encaps).to.deep.equal([
      { kind: "ipEncap", version: "ipv6", ipInfo: null, src: { kind: "ipv6", text: "2001:db8::1" }, dst: { kind: "ipv6", text: "2001:db8::2" } },
      { kind: "greEncap", keyword: "GREv0", header: null },
    ]);
  });

  it("parses G port tuples and F21 endpoint tuples", () => {
    const tuple = (l: string): unknown => (packetBody(l) as { tuple: unknown }).tuple;
    expect(tuple("+0 < 1234 > 8080 S 0:0(0) win 5")).to.deep.equal({
      kind: "tuple", src: { kind: "port", port: int("1234") }, dst: { kind: "port", port: int("8080") },
    });
    expect(tuple("+0 < > addr[s1] F. 1:1(0) ack 1 win 5")).to.deep.equal({
      kind: "tuple", src: null, dst: { kind: "addrRef", name: "s1", init: null },
    });
    expect(tuple("+0 > addr[c0] > 198.51.100.7:80 S 0:0(0)")).to.deep.equal({
      kind: "tuple", src: { kind: "addrRef", name: "c0", init: null },
      dst: { kind: "hostPort", address: { kind: "ipv4", text: "198.51.100.7" }, port: int("80") },
    });
    expect(tuple('+0 < addr[c2=inet_addr("198.51.100.9")] > fd00::5:443 S 0:0(0) win 5')).to.deep.equal({
      kind: "tuple",
      src: { kind: "addrRef", name: "c2", init: { kind: "addrInit", fn: "inet_addr", address: { kind: "string", parts: [{ kind: "stringPart", raw: "198.51.100.9" }], ellipsis: false } } },
      dst: { kind: "hostPort", address: { kind: "ipv6", text: "fd00::5" }, port: int("443") },
    });
    expect(tuple('+0 < addr[c3=inet6_addr("fd00::9")] > S 0:0(0) win 5')).to.deep.equal({
      kind: "tuple",
      src: { kind: "addrRef", name: "c3", init: { kind: "addrInit", fn: "inet6_addr", address: { kind: "string", parts: [{ kind: "stringPart", raw: "fd00::9" }], ellipsis: false } } },
      dst: null,
    });
  });

  it("parses UDP datagrams", () => {
    expect(packetBody("+0 < udp (100)")).to.deep.equal({ kind: "udp", tuple: null, length: int("100") });
    expect(packetBody("+0 > udp 53 > 5353 (8)")).to.deep.equal({
      kind: "udp", tuple: { kind: "tuple", src: { kind: "port", port: int("53") }, dst: { kind: "port", port: int("5353") } }, length: int("8"),
    });
  });

  it("parses ICMP messages with names, numbers, mtu, id and echoed headers", () => {
    expect(packetBody("+0 < icmp unreachable frag_needed mtu 800")).to.deep.equal({
      kind: "icmp", type: id("unreachable"), code: id("frag_needed"), mtu: int("800"), id: null, echoed: null,
    });
    expect(packetBody("+0 < icmp type_3 code_4 [10:20(10)]")).to.deep.equal({
      kind: "icmp", type: id("type_3"), code: id("code_4"), mtu: null, id: null, echoed: { kind: "echoedTcp", seq: seq("10", "20", "10") },
    });
    expect(packetBody("+0 > icmp echo_request id 7 [udp (30)]")).to.deep.equal({
      kind: "icmp", type: id("echo_request"), code: null, mtu: null, id: int("7"), echoed: { kind: "echoedUdp", length: int("30") },
    });
    expect(packetBody("+0 < icmp packet_too_big [raw (40)]")).to.deep.equal({
      kind: "icmp", type: id("packet_too_big"), code: null, mtu: null, id: null, echoed: { kind: "echoedRaw", length: int("40") },
    });
  });
});

describe("parse: TCP options", () => {
  it("parses the classic options", () => {
    expect(tcpOptions("nop,eol,mss 536,wscale 14,sackOK,sack 1:2 5:9,TS val 100 ecr 0")).to.deep.equal([
      { kind: "nop" }, { kind: "eol" }, { kind: "mss", value: int("536") }, { kind: "wscale", value: int("14") }, { kind: "sackOK" },
      { kind: "sack", blocks: [{ kind: "sackBlock", left: int("1"), right: int("2") }, { kind: "sackBlock", left: int("5"), right: int("9") }] },
      { kind: "timestamp", val: int("100"), ecr: int("0") },
    ]);
  });

  it("parses Fast Open, experimental Fast Open and MD5 with their cookies", () => {
    expect(tcpOptions("FO, FO 0badc0de, FO 12345678, FOEXP, FOEXP TFO_COOKIE, md5 00112233445566778899aabbccddeeff")).to.deep.equal([
      { kind: "fastOpen", cookie: null },
      { kind: "fastOpen", cookie: id("0badc0de") },
      { kind: "fastOpen", cookie: int("12345678") },
      { kind: "fastOpenExp", cookie: null },
      { kind: "fastOpenExp", cookie: id("TFO_COOKIE") },
      { kind: "md5", cookie: id("00112233445566778899aabbccddeeff") },
    ]);
  });

  it("parses AccECN options in both orders and truncated", () => {
    expect(tcpOptions("ECN e0b 1 ceb 0 e1b 1, ECN e1b 5 ceb 100, ECN e0b 2")).to.deep.equal([
      { kind: "accEcn", fields: [{ kind: "accEcnField", name: "e0b", value: int("1") }, { kind: "accEcnField", name: "ceb", value: int("0") }, { kind: "accEcnField", name: "e1b", value: int("1") }] },
      { kind: "accEcn", fields: [{ kind: "accEcnField", name: "e1b", value: int("5") }, { kind: "accEcnField", name: "ceb", value: int("100") }] },
      { kind: "accEcn", fields: [{ kind: "accEcnField", name: "e0b", value: int("2") }] },
    ]);
  });

  it("accepts '*' as any option field value", () => {
    expect(tcpOptions("mss *, wscale *, TS val * ecr *, sack *:*")).to.deep.equal([
      { kind: "mss", value: STAR }, { kind: "wscale", value: STAR }, { kind: "timestamp", val: STAR, ecr: STAR },
      { kind: "sack", blocks: [{ kind: "sackBlock", left: STAR, right: STAR }] },
    ]);
  });

  it("parses <...> as unchecked options", () => {
    expect((packetBody("+0 > . 1:1(0) ack 1 <...>") as { options: unknown }).options).to.deep.equal({ kind: "anyOptions" });
  });
});
