import { expect } from "chai";
import type * as ast from "../../../src/script/ast.ts";
import { buildInboundIcmp, checkIcmpNames, icmpTypeCode } from "../../../src/interp/icmp-packet.ts";
import { ConnectionMapping } from "../../../src/interp/mapping.ts";
import { ValueEnv } from "../../../src/interp/values.ts";
import { parseIcmpInvoking } from "../../../src/wire/icmp.ts";
import { parsePacket, verifyChecksums } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { parse } from "./helpers.ts";

function icmpLine(line: string): { node: ast.Packet; msg: ast.IcmpMessage } {
  const a = (parse(`${line}\n`).events[0] as ast.Event).action;
  if (a.kind !== "packet" || a.body.kind !== "icmp") throw new Error("not an ICMP line");
  return { node: a, msg: a.body };
}

function conn(local: string, remote: string): ConnectionMapping {
  const c = new ConnectionMapping();
  c.liveLocal = { ip: local, port: 8080 };
  c.liveRemote = { ip: remote, port: 40000 };
  c.kernelIsn = seqNum(1_000_000);
  return c;
}

const env = new ValueEnv(new Map([["CODE", "host_unreachable"]]));

describe("interp inbound ICMP", () => {
  it("names types and codes per wire family, with type_N/code_N and defines", () => {
    expect(icmpTypeCode(icmpLine("+0 < icmp unreachable frag_needed mtu 800").msg, env, 4)).to.deep.equal({ type: 3, code: 4 });
    expect(icmpTypeCode(icmpLine("+0 < icmp unreachable CODE").msg, env, 4)).to.deep.equal({ type: 3, code: 1 });
    expect(icmpTypeCode(icmpLine("+0 < icmp packet_too_big mtu 1400").msg, env, 6)).to.deep.equal({ type: 2, code: 0 });
    expect(icmpTypeCode(icmpLine("+0 < icmp type_42 code_7").msg, env, 4)).to.deep.equal({ type: 42, code: 7 });
    expect(icmpTypeCode(icmpLine("+0 < icmp unreachable frag_needed mtu 800").msg, env, 6)).to.equal("bad ICMP code frag_needed");
    expect(icmpTypeCode(icmpLine("+0 < icmp packet_too_big mtu 1400").msg, env, 4)).to.equal("bad ICMP type packet_too_big");
  });

  it("the static check reports the first bad name as packetdrill's semantic error", () => {
    const script = parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < icmp unreachable CODE\n");
    expect(checkIcmpNames(script, env, 4)).to.equal(null);
    expect(checkIcmpNames(script, new ValueEnv(new Map()), 6)).to.deep.equal({ line: 2, message: "t.pkt:2: semantic error: bad ICMP code CODE" });
  });

  it("an IPv4 frag_needed embeds the connection's outgoing header and seq relative to the kernel ISN", () => {
    const { node, msg } = icmpLine("+0 < icmp unreachable frag_needed mtu 840 [0:1000(1000)]");
    const { bytes } = buildInboundIcmp(node, msg, conn("192.168.0.1", "192.0.2.1"), 4, env);
    const p = parsePacket(bytes);
    if (!p.ok) throw new Error("unparsable");
    const { ip, l4 } = p.value;
    expect(ip.kind === "ipv4" && ip.protocol).to.equal(1);
    if (l4.kind !== "icmp" || l4.body.kind !== "error") throw new Error("not an ICMP error");
    expect([l4.type, l4.code, l4.body.rest]).to.deep.equal([3, 4, 840]);
    expect(l4.body.invoking.length).to.equal(28);
    const inv = parseIcmpInvoking(l4.body.invoking);
    if (!inv.ok) throw new Error("bad invoking packet");
    expect(inv.value.protocol).to.equal(6);
    expect([inv.value.srcPort, inv.value.dstPort, inv.value.tcpSeq]).to.deep.equal([8080, 40000, 1_000_000]);
    // The echoed IPv4 total length claims the whole original segment (20 + 20 + 1000).
    expect((l4.body.invoking[2]! << 8) | l4.body.invoking[3]!).to.equal(1040);
    expect(verifyChecksums(p.value)).to.deep.equal({ ipv4Header: true, l4: true });
  });

  it("an echoed seq is relative to the kernel ISN and defaults to it", () => {
    const c = conn("192.168.0.1", "192.0.2.1");
    const at = (line: string): number | undefined => {
      const { node, msg } = icmpLine(line);
      const p = parsePacket(buildInboundIcmp(node, msg, c, 4, env).bytes);
      if (!p.ok || p.value.l4.kind !== "icmp" || p.value.l4.body.kind !== "error") throw new Error("bad packet");
      const inv = parseIcmpInvoking(p.value.l4.body.invoking);
      return inv.ok ? inv.value.tcpSeq : undefined;
    };
    expect(at("+0 < icmp unreachable [5000:6000(1000)]")).to.equal(1_005_000);
    expect(at("+0 < icmp unreachable host_unreachable")).to.equal(1_000_000);
  });

  it("an ICMPv6 packet_too_big carries the 32-bit MTU and a valid checksum", () => {
    const { node, msg } = icmpLine("+0 < icmp packet_too_big mtu 1400 [0:1440(1440)]");
    const p = parsePacket(buildInboundIcmp(node, msg, conn("fd3d:a0b:17d6::1", "fd3d:fa7b:d17d::1"), 6, env).bytes);
    if (!p.ok || p.value.l4.kind !== "icmp" || p.value.l4.body.kind !== "error") throw new Error("bad packet");
    expect([p.value.l4.type, p.value.l4.body.rest, p.value.l4.body.invoking.length]).to.deep.equal([2, 1400, 48]);
    expect(verifyChecksums(p.value).l4).to.equal(true);
  });
});
