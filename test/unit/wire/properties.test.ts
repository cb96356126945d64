// fast-check properties: parse(emit(r)) = r for every header and option kind, decoders never
// throw on random or mutated bytes, and a naive DataView decoder agrees with the codec.
import { expect } from "chai";
import fc from "fast-check";
import { internetChecksum } from "../../../src/wire/checksum.ts";
import { formatPacket } from "../../../src/wire/dump.ts";
import { emitGre, greBufferLen, parseGre } from "../../../src/wire/gre.ts";
import { emitIcmp, icmpBufferLen, parseIcmp } from "../../../src/wire/icmp.ts";
import { emitIpv4, ipv4BufferLen, parseIpv4 } from "../../../src/wire/ipv4.ts";
import { emitIpv6, ipv6BufferLen, parseIpv6 } from "../../../src/wire/ipv6.ts";
import { emitMpls, mplsBufferLen, parseMpls } from "../../../src/wire/mpls.ts";
import { emitMptcpOption, mptcpOptionLen, parseMptcpOption } from "../../../src/wire/mptcp-options.ts";
import { emitPacket, packetBufferLen, parsePacket } from "../../../src/wire/packet.ts";
import { emitTcpOptions, parseTcpOptions, tcpOptionsLen } from "../../../src/wire/tcp-options.ts";
import { emitTcp, parseTcp, tcpBufferLen } from "../../../src/wire/tcp.ts";
import { emitUdp, parseUdp } from "../../../src/wire/udp.ts";
import * as A from "./arbitraries.ts";
import { naiveTcp } from "./naive-decoder.ts";

const RUNS = { numRuns: 300 };

function value<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`decode failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("wire properties: parse(emit(r)) = r", () => {
  it("every MPTCP option subtype and length variant", () => {
    fc.assert(fc.property(A.mptcpOption, (o) => {
      const buf = new Uint8Array(mptcpOptionLen(o));
      expect(emitMptcpOption(o, buf, 0)).to.equal(buf.length);
      expect(buf[1]).to.equal(buf.length);
      expect(parseMptcpOption(buf)).to.deep.equal(o);
    }), { numRuns: 2000 });
  });

  it("every TCP option kind, in lists", () => {
    fc.assert(fc.property(A.tcpOptions, (opts) => {
      const buf = new Uint8Array(tcpOptionsLen(opts));
      expect(emitTcpOptions(opts, buf, 0)).to.equal(buf.length);
      expect(value(parseTcpOptions(buf))).to.deep.equal(opts);
    }), { numRuns: 1000 });
  });

  it("TCP header", () => {
    fc.assert(fc.property(A.tcpRepr, (t) => {
      const buf = new Uint8Array(tcpBufferLen(t));
      expect(emitTcp(t, buf)).to.equal(buf.length);
      expect(value(parseTcp(buf))).to.deep.equal(t);
    }), RUNS);
  });

  it("IPv4 header (length and checksum computed)", () => {
    fc.assert(fc.property(A.ipv4Repr, (r) => {
      const buf = new Uint8Array(ipv4BufferLen(r));
      expect(emitIpv4(r, buf, 0, 0)).to.equal(buf.length);
      expect(internetChecksum(buf)).to.equal(0);
      const p = value(parseIpv4(buf));
      expect(p).to.deep.equal({ ...r, totalLength: buf.length, checksum: p.checksum });
    }), RUNS);
  });

  it("IPv6 header with extension chain", () => {
    fc.assert(fc.property(A.ipv6Repr, (r) => {
      const buf = new Uint8Array(ipv6BufferLen(r));
      expect(emitIpv6(r, buf, 0, 0)).to.equal(buf.length);
      expect(value(parseIpv6(buf))).to.deep.equal({ ...r, payloadLength: buf.length - 40 });
    }), RUNS);
  });

  it("UDP, ICMP, GRE and MPLS headers", () => {
    fc.assert(fc.property(A.udpRepr, A.bytes(0, 20), (u, pl) => {
      const buf = new Uint8Array(8 + pl.length);
      emitUdp(u, buf, 0, pl.length);
      buf.set(pl, 8);
      expect(value(parseUdp(buf))).to.deep.equal({ ...u, length: buf.length });
    }), RUNS);
    fc.assert(fc.property(A.icmpRepr, (r) => {
      const buf = new Uint8Array(icmpBufferLen(r));
      expect(emitIcmp(r, buf)).to.equal(buf.length);
      expect(value(parseIcmp(buf, r.version))).to.deep.equal(r);
    }), RUNS);
    fc.assert(fc.property(A.greRepr, (g) => {
      const buf = new Uint8Array(greBufferLen(g));
      expect(emitGre(g, buf)).to.equal(buf.length);
      expect(value(parseGre(buf))).to.deep.equal(g);
    }), RUNS);
    fc.assert(fc.property(A.mplsRepr, (m) => {
      const buf = new Uint8Array(mplsBufferLen(m));
      expect(emitMpls(m, buf)).to.equal(buf.length);
      expect(value(parseMpls(buf))).to.deep.equal(m);
    }), RUNS);
  });

  it("whole TCP packets: emit is byte-exact on re-emit and checksums verify", () => {
    fc.assert(fc.property(A.tcpPacket, (p) => {
      const bytes = emitPacket(p);
      expect(bytes.length).to.equal(packetBufferLen(p));
      const q = value(parsePacket(bytes));
      expect(q.payload).to.deep.equal(p.payload);
      expect({ ...q.l4, checksum: 0 }).to.deep.equal({ ...p.l4, checksum: 0 });
      expect(emitPacket(q, { keepChecksums: true, keepLengths: true })).to.deep.equal(bytes);
      expect(emitPacket(q)).to.deep.equal(bytes);
    }), RUNS);
  });
});

describe("wire properties: decoders never throw", () => {
  const mutate = (b: Uint8Array, muts: ReadonlyArray<readonly [number, number]>, cut: number): Uint8Array => {
    const c = b.slice(0, Math.max(0, b.length - cut));
    for (const [i, v] of muts) if (c.length > 0) c[i % c.length] = v;
    return c;
  };
  const exercise = (b: Uint8Array): void => {
    const r = parsePacket(b);
    if (r.ok) {
      formatPacket(r.value, { tuple: "addresses" });
      emitPacket(r.value, { keepChecksums: true, keepLengths: true });
    } else expect(r.error.offset).to.be.at.least(0);
  };

  it("50k random buffers (IP version nibble biased to 4/6)", () => {
    const arb = fc.tuple(fc.constantFrom(0x45, 0x46, 0x4f, 0x60, 0x00), A.bytes(0, 120)).map(([b0, rest]) => {
      const b = new Uint8Array(rest.length + 1);
      b.set(rest, 1);
      b[0] = b0;
      return b;
    });
    fc.assert(fc.property(arb, (b) => exercise(b)), { numRuns: 50_000 });
  });

  it("50k mutated and truncated valid packets (2k packets x 25 mutations)", () => {
    const mutation = fc.tuple(fc.array(fc.tuple(fc.nat(), A.u8), { minLength: 1, maxLength: 3 }), fc.nat({ max: 30 }));
    const arb = fc.tuple(A.tcpPacket, fc.array(mutation, { minLength: 25, maxLength: 25 }));
    fc.assert(fc.property(arb, ([p, muts]) => {
      const b = emitPacket(p);
      for (const [m, cut] of muts) exercise(mutate(b, m, cut));
    }), { numRuns: 2000 });
  });
});

describe("wire properties: naive DataView decoder agrees", () => {
  it("TCP fixed fields and MPTCP option fields on random packets", () => {
    fc.assert(fc.property(A.tcpRepr, A.bytes(0, 16), (t, pl) => {
      const buf = new Uint8Array(tcpBufferLen(t) + pl.length);
      emitTcp(t, buf);
      buf.set(pl, tcpBufferLen(t));
      const codec = value(parseTcp(buf));
      const naive = naiveTcp(buf);
      expect(codec.srcPort).to.equal(naive.srcPort);
      expect(codec.dstPort).to.equal(naive.dstPort);
      expect(codec.seq).to.equal(naive.seq);
      expect(codec.ack).to.equal(naive.ack);
      expect(codec.flags).to.equal(naive.flags);
      expect(codec.window).to.equal(naive.window);
      expect(codec.checksum).to.equal(naive.checksum);
      expect(codec.urgent).to.equal(naive.urgent);
      const mp = codec.options.filter((o) => o.kind === "mptcp");
      expect(mp.length).to.equal(naive.mptcp.length);
      mp.forEach((o, i) => {
        const n = naive.mptcp[i];
        if (!n || o.kind !== "mptcp") throw new Error("unreachable");
        if (o.subtype === "dss") {
          expect(o.dataAck).to.equal(n.dataAck);
          expect(o.mapping?.dsn).to.equal(n.dsn);
          expect(o.mapping?.subflowSeq).to.equal(n.ssn);
          expect(o.mapping?.dataLevelLength).to.equal(n.dll);
          expect(o.mapping?.checksum).to.equal(n.checksum);
        }
        if (o.subtype === "mpCapable") expect([o.sendersKey, o.receiversKey]).to.deep.equal([n.key1, n.key2]);
        if (o.subtype === "mpFail") expect(o.dsn).to.equal(n.dsn);
      });
    }), { numRuns: 2000 });
  });
});
