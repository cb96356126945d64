/**
 * MPTCP v1 (RFC 8684) on the reference stack, script style: MP_CAPABLE both roles with token and
 * IDSN values, DSS mapping and Data ACK, DATA_FIN, DSS checksum failure → MP_FAIL, MP_JOIN HMAC
 * checks, ADD_ADDR HMAC and echo, fallback when options are stripped, MP_FASTCLOSE.
 */
import { expect } from "chai";
import { dssChecksum } from "../../../src/wire/checksum.ts";
import { addAddrHmac, mpJoinAckHmac, mpJoinSynAckHmac, mptcpIdsn, mptcpToken } from "../../../src/wire/mptcp-crypto.ts";
import type { MptcpOption } from "../../../src/wire/mptcp-options.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import { ERRNO } from "../../../src/stack/errno.ts";
import { SocketHost } from "../../../src/stack/host-sockets.ts";
import { ScriptedRng } from "../../../src/rng.ts";
import { F, LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, pattern, pollSegments, recv, recvNothing, send, type SegTemplate } from "./harness.ts";

const LOCAL_ISS = 1000;
const REMOTE_ISS = 5000;
const LOCAL_KEY = 0x0102030405060708n;
const REMOTE_KEY = 0x1112131415161718n;
const LOCAL_NONCE = 0xa1a2a3a4;
const MS = 1000;
const L_IDSN = mptcpIdsn(LOCAL_KEY);
const R_IDSN = mptcpIdsn(REMOTE_KEY);
const TCP = { timestamps: false, sackPermitted: false, wscale: undefined, noDelay: true };

const mpc = (o: Partial<Extract<MptcpOption, { subtype: "mpCapable" }>> = {}): MptcpOption => ({ kind: "mptcp", subtype: "mpCapable", version: 1, flags: 0x01, ...o });
const dss = (o: { ack?: bigint; dsn?: bigint; ssn?: number; dll?: number; csum?: number; fin?: boolean }): MptcpOption => ({
  kind: "mptcp", subtype: "dss", dataFin: o.fin ?? false, dataAck64: true, dsn64: o.dsn !== undefined,
  ...(o.ack !== undefined ? { dataAck: o.ack } : {}),
  ...(o.dsn !== undefined ? { mapping: { dsn: o.dsn, subflowSeq: o.ssn ?? 0, dataLevelLength: o.dll ?? 0, ...(o.csum !== undefined ? { checksum: o.csum } : {}) } } : {}),
});
const MSS: TcpOption = { kind: "mss", mss: 1460 };

function host(checksum = false): SocketHost {
  return new SocketHost({ addresses: [LOCAL_IP, "192.168.1.1"], rng: new ScriptedRng([LOCAL_ISS, 0, LOCAL_NONCE, 2000, 0, 0xb1b2b3b4], [LOCAL_KEY]), tcp: TCP, mptcp: { checksum } });
}

function listening(checksum = false): { h: SocketHost; lfd: number } {
  const h = host(checksum);
  const lfd = h.socket("mptcp");
  h.bind(lfd, "0.0.0.0", LOCAL_PORT);
  h.listen(lfd, 8);
  return { h, lfd };
}

const SYN_MPC: SegTemplate = { flags: F.SYN, seq: REMOTE_ISS, options: [{ kind: "mss", mss: 1400 }, mpc()] };
const THIRD_ACK: SegTemplate = { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [mpc({ sendersKey: REMOTE_KEY, receiversKey: LOCAL_KEY })] };

/** A passive MPTCP connection, fully established and accepted. */
function established(checksum = false): { h: SocketHost; fd: number } {
  const { h, lfd } = listening(checksum);
  send(h, 0, SYN_MPC);
  recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS, ack: REMOTE_ISS + 1 }]);
  send(h, 10 * MS, THIRD_ACK);
  const a = h.accept(lfd);
  if (!a.ok) throw new Error("not accepted");
  return { h, fd: a.value.fd };
}

describe("stack/mptcp", () => {
  describe("MP_CAPABLE passive", () => {
    it("listen syn mpc synack with key token idsn", () => {
      const { h } = listening();
      send(h, 0, SYN_MPC);
      recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS, ack: REMOTE_ISS + 1, options: [MSS, mpc({ sendersKey: LOCAL_KEY })] }]);
      // rfc8684.md §5.3: key 0x0102030405060708 → token 0x66840dda, IDSN 0xf5a101d3d29d6f72.
      const mp = h.mptcps[0];
      expect(mp?.local.token).to.equal(0x66840dda);
      expect(mp?.local.idsn).to.equal(0xf5a101d3d29d6f72n);
      expect(h.tokens.get(0x66840dda)).to.equal(mp);
    });

    it("syn-received third ack with keys established", () => {
      const { h, fd } = established();
      const info = h.info(fd);
      expect(info.ok && info.value.mptcp).to.include({ fallback: false, remoteKey: REMOTE_KEY, checksum: false });
      recvNothing(h, 10 * MS);
    });

    it("established recv dss mapping data ack delayed", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: F.PSH, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "hello", options: [dss({ ack: L_IDSN + 1n, dsn: R_IDSN + 1n, ssn: 1, dll: 5 })] });
      recvNothing(h, 20 * MS);
      recv(h, 60 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 6, options: [dss({ ack: R_IDSN + 6n })] }]);
      const r = h.recv(fd, 10);
      expect(r.ok && new TextDecoder().decode(r.value)).to.equal("hello");
    });

    it("syn-received mpc with data third ack lost accepted", () => {
      const { h, lfd } = listening();
      send(h, 0, SYN_MPC);
      pollSegments(h, 0);
      send(h, 10 * MS, { flags: F.PSH, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "abc", options: [mpc({ sendersKey: REMOTE_KEY, receiversKey: LOCAL_KEY, dataLevelLength: 3 })] });
      const a = h.accept(lfd);
      expect(a.ok).to.equal(true);
      const r = a.ok ? h.recv(a.value.fd, 10) : undefined;
      expect(r?.ok && new TextDecoder().decode(r.value)).to.equal("abc");
      recv(h, 50 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 4, options: [dss({ ack: R_IDSN + 4n })] }]);
    });

    it("established send data with dss mapping", () => {
      const { h, fd } = established();
      h.send(fd, pattern(100));
      recv(h, 20 * MS, [{ flags: F.PSH, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(100), options: [dss({ ack: R_IDSN + 1n, dsn: L_IDSN + 1n, ssn: 1, dll: 100 })] }]);
    });

    it("established data fin acked and eof", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [dss({ ack: L_IDSN + 1n, dsn: R_IDSN + 1n, ssn: 0, dll: 1, fin: true })] });
      // DSS-07: the DATA_FIN takes one octet, acknowledged by Data ACK = DSN + 1.
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [dss({ ack: R_IDSN + 2n })] }]);
      expect(h.recv(fd, 10)).to.deep.equal({ ok: true, value: new Uint8Array(0) });
    });

    it("established close sends data fin", () => {
      const { h, fd } = established();
      h.shutdown(fd, "wr");
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [dss({ ack: R_IDSN + 1n, dsn: L_IDSN + 1n, ssn: 0, dll: 1, fin: true })] }]);
    });
  });

  describe("MP_CAPABLE active", () => {
    it("syn-sent synack with key third ack carries both keys", () => {
      const h = host();
      const fd = h.socket("mptcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      const [syn] = recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS, options: [MSS, mpc()] }]);
      const port = syn?.tcp.srcPort ?? 0;
      send(h, 10 * MS, { flags: F.SYN, seq: REMOTE_ISS, ack: LOCAL_ISS + 1, dstPort: port, options: [MSS, mpc({ sendersKey: REMOTE_KEY })] });
      recv(h, 10 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [mpc({ sendersKey: LOCAL_KEY, receiversKey: REMOTE_KEY })] }]);
      // MPC-07: the first data repeats both keys with the Data-Level Length.
      h.send(fd, pattern(10));
      recv(h, 20 * MS, [{ flags: F.PSH, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(10), options: [mpc({ sendersKey: LOCAL_KEY, receiversKey: REMOTE_KEY, dataLevelLength: 10 })] }]);
    });

    it("syn-sent synack without mpc falls back", () => {
      const h = host();
      const fd = h.socket("mptcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      const [syn] = pollSegments(h, 0);
      send(h, 10 * MS, { flags: F.SYN, seq: REMOTE_ISS, ack: LOCAL_ISS + 1, dstPort: syn?.tcp.srcPort ?? 0, options: [MSS] });
      recv(h, 10 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [] }]);
      h.send(fd, pattern(10));
      recv(h, 20 * MS, [{ flags: F.PSH, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(10), options: [] }]);
      expect(h.info(fd).ok && (h.info(fd) as { value: { mptcp: { fallback: boolean } } }).value.mptcp.fallback).to.equal(true);
    });
  });

  describe("fallback", () => {
    it("syn-received third ack stripped falls back", () => {
      const { h, lfd } = listening();
      send(h, 0, SYN_MPC);
      pollSegments(h, 0);
      send(h, 10 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1 });
      const a = h.accept(lfd);
      const fd = a.ok ? a.value.fd : -1;
      h.send(fd, pattern(10));
      recv(h, 20 * MS, [{ flags: F.PSH, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(10), options: [] }]);
    });

    it("listen syn mpc version 0 plain tcp", () => {
      const { h } = listening();
      send(h, 0, { ...SYN_MPC, options: [{ kind: "mss", mss: 1400 }, mpc({ version: 0, sendersKey: 5n })] });
      recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS, ack: REMOTE_ISS + 1, options: [MSS] }]);
    });

    it("established data without dss before peer dss falls back", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "plain" });
      const r = h.recv(fd, 10);
      expect(r.ok && new TextDecoder().decode(r.value)).to.equal("plain");
      recv(h, 60 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 6, options: [] }]);
    });
  });

  describe("DSS checksum", () => {
    it("established bad dss checksum sends mp_fail", () => {
      const { h } = established(true);
      const good = dssChecksum(R_IDSN + 1n, 1, 5, new TextEncoder().encode("hello"));
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "hello", options: [dss({ ack: L_IDSN + 1n, dsn: R_IDSN + 1n, ssn: 1, dll: 5, csum: good ^ 0xff })] });
      const [seg] = pollSegments(h, 60 * MS);
      const opts = seg?.tcp.options.filter((o) => o.kind === "mptcp") ?? [];
      expect(opts.find((o) => o.subtype === "mpFail")).to.deep.equal({ kind: "mptcp", subtype: "mpFail", dsn: R_IDSN + 1n });
      // Only subflow: the failed mapping is delivered as it came (RFC 8684 §3.7 retroactive infinite mapping; Linux does the same).
      expect(opts.find((o) => o.subtype === "dss")).to.deep.include({ dataAck: R_IDSN + 6n });
    });

    it("established good dss checksum delivers", () => {
      const { h, fd } = established(true);
      const good = dssChecksum(R_IDSN + 1n, 1, 5, new TextEncoder().encode("hello"));
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "hello", options: [dss({ ack: L_IDSN + 1n, dsn: R_IDSN + 1n, ssn: 1, dll: 5, csum: good })] });
      expect(h.recv(fd, 10).ok).to.equal(true);
    });

    it("established mp_fail received answers mp_fail then infinite mapping and falls back", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [dss({ ack: L_IDSN + 1n }), { kind: "mptcp", subtype: "mpFail", dsn: L_IDSN + 1n }] });
      // RFC 8684 §3.7: "the receiver of an MP_FAIL MUST also respond with an MP_FAIL in the reverse direction".
      recv(h, 20 * MS, [
        { flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [dss({ ack: R_IDSN + 1n }), { kind: "mptcp", subtype: "mpFail", dsn: R_IDSN + 1n }] },
        { flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [dss({ ack: R_IDSN + 1n, dsn: L_IDSN + 1n, ssn: 0, dll: 0 })] },
      ]);
      const info = h.info(fd);
      expect(info.ok && info.value.mptcp?.fallback).to.equal(true);
    });
  });

  describe("MP_JOIN", () => {
    const JOIN_SYN = (token: number): SegTemplate => ({ flags: F.SYN, seq: 9000, srcPort: 40001, dst: "192.168.1.1", options: [MSS, { kind: "mptcp", subtype: "mpJoinSyn", backup: false, addressId: 1, receiversToken: token, sendersRandom: 0xb1b2b3b4 }] });

    it("listen join syn unknown token rst", () => {
      const { h } = established();
      send(h, 20 * MS, JOIN_SYN(0xdeadbeef));
      recv(h, 20 * MS, [{ flags: F.RST, seq: 0, ack: 9001 }]);
    });

    it("listen join syn synack hmac then third ack checked and fourth ack", () => {
      const { h } = established();
      send(h, 20 * MS, JOIN_SYN(mptcpToken(LOCAL_KEY)));
      const [synack] = pollSegments(h, 20 * MS);
      const j = synack?.tcp.options.find((o) => o.kind === "mptcp" && o.subtype === "mpJoinSynAck");
      const iss = synack?.tcp.seq ?? 0;
      expect(j).to.deep.equal({ kind: "mptcp", subtype: "mpJoinSynAck", backup: false, addressId: 2, sendersHmac: mpJoinSynAckHmac(LOCAL_KEY, REMOTE_KEY, 2000 >>> 0 === 0 ? 0 : (j as { sendersRandom: number }).sendersRandom, 0xb1b2b3b4), sendersRandom: (j as { sendersRandom: number }).sendersRandom });
      const rB = (j as { sendersRandom: number }).sendersRandom;
      send(h, 30 * MS, { flags: 0, seq: 9001, ack: iss + 1, srcPort: 40001, dst: "192.168.1.1", options: [{ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: mpJoinAckHmac(REMOTE_KEY, LOCAL_KEY, 0xb1b2b3b4, rB) }] });
      const [fourth] = pollSegments(h, 30 * MS);
      expect(fourth?.tcp.flags).to.equal(F.ACK);
      expect(fourth?.tcp.ack).to.equal(9001);
      expect(h.mptcps[0]?.subflows[1]?.usable).to.equal(true);
    });

    it("syn-received join third ack bad hmac rst with mp_tcprst", () => {
      const { h } = established();
      send(h, 20 * MS, JOIN_SYN(mptcpToken(LOCAL_KEY)));
      const [synack] = pollSegments(h, 20 * MS);
      const iss = synack?.tcp.seq ?? 0;
      send(h, 30 * MS, { flags: 0, seq: 9001, ack: iss + 1, srcPort: 40001, dst: "192.168.1.1", options: [{ kind: "mptcp", subtype: "mpJoinAck", sendersHmac: new Uint8Array(20) }] });
      const [rst] = pollSegments(h, 30 * MS);
      expect((rst?.tcp.flags ?? 0) & F.RST).to.equal(F.RST);
      expect(rst?.tcp.options).to.deep.equal([{ kind: "mptcp", subtype: "mpTcpRst", flags: 0, reason: 1 }]);
    });
  });

  describe("ADD_ADDR", () => {
    const addr = new Uint8Array([192, 168, 0, 3]);

    it("established add_addr good hmac echoed", () => {
      const { h, fd } = established();
      const hmac = addAddrHmac(REMOTE_KEY, LOCAL_KEY, 1, addr);
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [dss({ ack: L_IDSN + 1n }), { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address: addr, hmac }] });
      const [seg] = pollSegments(h, 20 * MS);
      expect(seg?.tcp.options.find((o) => o.kind === "mptcp" && o.subtype === "addAddr")).to.deep.equal({ kind: "mptcp", subtype: "addAddr", echo: true, addressId: 1, address: addr });
      expect(h.mptcpOf(fd)?.pm.remoteAddrs.has(1)).to.equal(true);
    });

    it("established add_addr bad hmac ignored", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [dss({ ack: L_IDSN + 1n }), { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 1, address: addr, hmac: 1234n }] });
      recvNothing(h, 20 * MS);
      expect(h.mptcpOf(fd)?.counters.addAddrRejected).to.equal(1);
    });

    it("established announce retransmitted until echo", () => {
      const { h, fd } = established();
      h.mptcpAnnounce(fd, "192.168.1.1", 5);
      const opt = { kind: "mptcp", subtype: "addAddr", echo: false, addressId: 5, address: new Uint8Array([192, 168, 1, 1]), hmac: addAddrHmac(LOCAL_KEY, REMOTE_KEY, 5, new Uint8Array([192, 168, 1, 1])) };
      const first = pollSegments(h, 20 * MS);
      expect(first[0]?.tcp.options).to.deep.include(opt);
      recvNothing(h, 1000 * MS);
      const again = pollSegments(h, 120_020 * MS);
      expect(again[0]?.tcp.options).to.deep.include(opt);
      send(h, 120_030 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [dss({ ack: L_IDSN + 1n }), { kind: "mptcp", subtype: "addAddr", echo: true, addressId: 5, address: new Uint8Array([192, 168, 1, 1]) }] });
      expect(h.mptcpOf(fd)?.pm.isEchoed(5)).to.equal(true);
      recvNothing(h, 300_000 * MS);
    });
  });

  describe("MP_FASTCLOSE", () => {
    it("established fastclose with our key resets", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [{ kind: "mptcp", subtype: "mpFastclose", receiversKey: LOCAL_KEY }] });
      expect(h.recv(fd, 10)).to.deep.equal({ ok: false, errno: ERRNO.ECONNRESET });
      const [rst] = pollSegments(h, 20 * MS);
      expect((rst?.tcp.flags ?? 0) & F.RST).to.equal(F.RST);
    });

    it("established fastclose with wrong key ignored", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, options: [{ kind: "mptcp", subtype: "mpFastclose", receiversKey: 99n }] });
      expect(h.recv(fd, 10)).to.deep.equal({ ok: false, errno: ERRNO.EAGAIN });
    });

    it("established abortive close sends rst with fastclose", () => {
      const { h, fd } = established();
      h.setsockopt(fd, "SO_LINGER_ZERO", 1);
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.RST, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, options: [{ kind: "mptcp", subtype: "mpTcpRst", flags: 0, reason: 0 }, { kind: "mptcp", subtype: "mpFastclose", receiversKey: REMOTE_KEY }] }]);
    });
  });
});
