/**
 * TCP (RFC 9293) on the reference stack, written like packetdrill scripts: handshakes both ways,
 * data both ways, delayed ACK, retransmission with backoff, FIN/RST/TIME-WAIT, window scaling.
 */
import { expect } from "chai";
import { ERRNO } from "../../../src/stack/errno.ts";
import { SocketHost } from "../../../src/stack/host-sockets.ts";
import { ScriptedRng } from "../../../src/rng.ts";
import { POLL } from "../../../src/stack/socket.ts";
import type { TcpConfig } from "../../../src/stack/tcp/connection.ts";
import { F, LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, pattern, plus, recv, recvNothing, send, type SegTemplate } from "./harness.ts";

const LOCAL_ISS = 1000;
const REMOTE_ISS = 5000;
const MS = 1000;
const PLAIN: Partial<TcpConfig> = { timestamps: false, sackPermitted: false, wscale: undefined, rcvBuf: 64000, noDelay: true };

const SYN_TEMPLATE: SegTemplate = { flags: F.SYN, seq: REMOTE_ISS, window: 64240, options: [{ kind: "mss", mss: 1400 }] };
const SYNACK_TEMPLATE: SegTemplate = { flags: F.SYN, seq: LOCAL_ISS, ack: REMOTE_ISS + 1, window: 64000, options: [{ kind: "mss", mss: 1460 }] };
const ACK_FROM_REMOTE: SegTemplate = { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1 };

function host(tcp: Partial<TcpConfig> = PLAIN): SocketHost {
  return new SocketHost({ addresses: [LOCAL_IP], rng: new ScriptedRng([LOCAL_ISS, 0]), tcp });
}

function listening(tcp?: Partial<TcpConfig>): { h: SocketHost; lfd: number } {
  const h = host(tcp);
  const lfd = h.socket("tcp");
  expect(h.bind(lfd, "0.0.0.0", LOCAL_PORT).ok).to.equal(true);
  expect(h.listen(lfd, 8).ok).to.equal(true);
  return { h, lfd };
}

/** A passively opened connection in ESTABLISHED, accepted, at t = 10 ms. */
function established(tcp?: Partial<TcpConfig>): { h: SocketHost; fd: number } {
  const { h, lfd } = listening(tcp);
  send(h, 0, SYN_TEMPLATE);
  recv(h, 0, [SYNACK_TEMPLATE]);
  send(h, 10 * MS, ACK_FROM_REMOTE);
  const a = h.accept(lfd);
  if (!a.ok) throw new Error("accept failed");
  return { h, fd: a.value.fd };
}

/** An actively opened connection: SYN out at t=0, SYN/ACK in at t=10 ms, ACK out. */
function connected(tcp?: Partial<TcpConfig>): { h: SocketHost; fd: number } {
  const h = host(tcp);
  const fd = h.socket("tcp");
  expect(h.connect(fd, REMOTE_IP, REMOTE_PORT)).to.deep.equal({ ok: false, errno: ERRNO.EINPROGRESS });
  const [syn] = recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS, options: [{ kind: "mss", mss: 1460 }] }]);
  const port = syn?.tcp.srcPort ?? 0;
  send(h, 10 * MS, { flags: F.SYN, seq: REMOTE_ISS, ack: LOCAL_ISS + 1, dstPort: port, srcPort: REMOTE_PORT, options: [{ kind: "mss", mss: 1460 }] });
  recv(h, 10 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
  return { h, fd };
}

function localPort(h: SocketHost, fd: number): number {
  const n = h.getsockname(fd);
  return n.ok ? n.value.port : -1;
}

describe("stack/tcp", () => {
  describe("passive open", () => {
    it("listen syn synack", () => {
      const { h } = listening();
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
      recvNothing(h, 500 * MS);
    });

    it("syn-received ack established accept", () => {
      const { h, lfd } = listening();
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
      expect(h.accept(lfd)).to.deep.equal({ ok: false, errno: ERRNO.EAGAIN });
      expect(h.pollEvents(lfd) & POLL.IN).to.equal(0);
      send(h, 10 * MS, ACK_FROM_REMOTE);
      expect(h.pollEvents(lfd) & POLL.IN).to.equal(POLL.IN);
      const a = h.accept(lfd);
      expect(a.ok && a.value.peer).to.deep.equal({ address: REMOTE_IP, port: REMOTE_PORT });
    });

    it("syn-received synack lost retransmitted after 1 s", () => {
      const { h } = listening();
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
      recvNothing(h, 999 * MS);
      recv(h, 1000 * MS, [SYNACK_TEMPLATE]);
      recv(h, 3000 * MS, [SYNACK_TEMPLATE]);
    });

    it("syn-received rst back to listen", () => {
      const { h, lfd } = listening();
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
      send(h, 5 * MS, { flags: F.RST, seq: REMOTE_ISS + 1 });
      recvNothing(h, 2000 * MS);
      expect(h.accept(lfd)).to.deep.equal({ ok: false, errno: ERRNO.EAGAIN });
    });

    it("listen ack rst", () => {
      const { h } = listening();
      send(h, 0, { flags: 0, seq: 77, ack: 1234 });
      recv(h, 0, [{ flags: F.RST, seq: 1234 }]);
    });

    it("closed port syn rst-ack", () => {
      const h = host();
      send(h, 0, { ...SYN_TEMPLATE, dstPort: 9999 });
      recv(h, 0, [{ flags: F.RST, seq: 0, ack: REMOTE_ISS + 1 }]);
    });

    it("listen full backlog drops syn", () => {
      const { h, lfd } = listening();
      h.listen(lfd, 0);
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
      send(h, 1 * MS, { ...SYN_TEMPLATE, srcPort: REMOTE_PORT + 1 });
      recvNothing(h, 1 * MS);
      expect(h.stats.synDropped).to.equal(1);
    });

    it("listen syn with options negotiates mss sack timestamps wscale", () => {
      const { h } = listening({ ...PLAIN, timestamps: true, sackPermitted: true, wscale: 7, rcvBuf: 1 << 20 });
      send(h, 0, { ...SYN_TEMPLATE, options: [{ kind: "mss", mss: 1400 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 700, tsEcr: 0 }, { kind: "nop" }, { kind: "wscale", shift: 8 }] });
      recv(h, 2 * MS, [{ ...SYNACK_TEMPLATE, window: 65535, options: [{ kind: "mss", mss: 1460 }, { kind: "sackPermitted" }, { kind: "timestamps", tsVal: 2, tsEcr: 700 }, { kind: "nop" }, { kind: "wscale", shift: 7 }] }]);
    });

    it("listen syn without wscale gets no wscale", () => {
      const { h } = listening({ ...PLAIN, wscale: 7 });
      send(h, 0, SYN_TEMPLATE);
      recv(h, 0, [SYNACK_TEMPLATE]);
    });
  });

  describe("active open", () => {
    it("syn-sent synack established", () => {
      const { h, fd } = connected();
      expect(h.pollEvents(fd) & POLL.OUT).to.equal(POLL.OUT);
      expect(h.connect(fd, REMOTE_IP, REMOTE_PORT)).to.deep.equal({ ok: false, errno: ERRNO.EISCONN });
      expect(h.info(fd).ok && h.info(fd)).to.have.nested.property("value.srtt", 10 * MS);
    });

    it("syn-sent rst-ack refused", () => {
      const h = host();
      const fd = h.socket("tcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS }]);
      send(h, 1 * MS, { flags: F.RST, seq: 0, ack: LOCAL_ISS + 1, dstPort: localPort(h, fd) });
      expect(h.getsockopt(fd, "SO_ERROR")).to.deep.equal({ ok: true, value: ERRNO.ECONNREFUSED });
      expect(h.pollEvents(fd) & POLL.ERR).to.equal(POLL.ERR);
      recvNothing(h, 5000 * MS);
    });

    it("syn-sent bad ack rst", () => {
      const h = host();
      const fd = h.socket("tcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS }]);
      send(h, 1 * MS, { flags: F.SYN, seq: REMOTE_ISS, ack: LOCAL_ISS + 77, dstPort: localPort(h, fd) });
      recv(h, 1 * MS, [{ flags: F.RST, seq: LOCAL_ISS + 77 }]);
    });

    it("syn-sent timeout syn retransmitted with backoff", () => {
      const h = host();
      const fd = h.socket("tcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      recv(h, 0, [{ flags: F.SYN, seq: LOCAL_ISS }]);
      expect(h.pollAt()).to.equal(1000 * MS);
      recv(h, 1000 * MS, [{ flags: F.SYN, seq: LOCAL_ISS }]);
      expect(h.pollAt()).to.equal(3000 * MS);
      recvNothing(h, 2999 * MS);
      recv(h, 3000 * MS, [{ flags: F.SYN, seq: LOCAL_ISS }]);
      expect(h.pollAt()).to.equal(7000 * MS);
    });

    it("syn-sent gives up after syn retries with etimedout", () => {
      const h = host({ ...PLAIN, synRetries: 2 });
      const fd = h.socket("tcp");
      h.connect(fd, REMOTE_IP, REMOTE_PORT);
      let t = 0;
      for (let i = 0; i < 5; i++) {
        const at = h.pollAt();
        if (typeof at === "number") t = at;
        h.poll(t, () => {});
      }
      expect(h.getsockopt(fd, "SO_ERROR")).to.deep.equal({ ok: true, value: ERRNO.ETIMEDOUT });
      expect(h.pollAt()).to.equal("ingress");
    });
  });

  describe("data transfer", () => {
    it("established recv data delayed ack", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: F.PSH, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "hello" });
      recvNothing(h, 20 * MS);
      expect(h.pollAt()).to.equal(60 * MS);
      recv(h, 60 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 6, window: 64000 - 5 }]);
      const r = h.recv(fd, 100);
      expect(r.ok && new TextDecoder().decode(r.value)).to.equal("hello");
      expect(h.recv(fd, 100)).to.deep.equal({ ok: false, errno: ERRNO.EAGAIN });
    });

    it("established recv two full segments ack immediately", () => {
      const { h } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: pattern(1400) });
      send(h, 21 * MS, { flags: 0, seq: REMOTE_ISS + 1401, ack: LOCAL_ISS + 1, payload: pattern(1400) });
      recv(h, 21 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 2801 }]);
    });

    it("established recv out of order dup ack then fill", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 11, ack: LOCAL_ISS + 1, payload: "world" });
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
      send(h, 30 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "hello, the" });
      recv(h, 30 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 16 }]);
      const r = h.recv(fd, 100);
      expect(r.ok && new TextDecoder().decode(r.value)).to.equal("hello, theworld");
    });

    it("established recv old duplicate ack now", () => {
      const { h } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS - 100, ack: LOCAL_ISS + 1, payload: "xx" });
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
    });

    it("established send data acked", () => {
      const { h, fd } = established();
      expect(h.send(fd, pattern(3000))).to.deep.equal({ ok: true, value: 3000 });
      recv(h, 20 * MS, [
        { flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(0, 1400) },
        { flags: 0, seq: LOCAL_ISS + 1401, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(1400, 2800) },
        { flags: F.PSH, seq: LOCAL_ISS + 2801, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(2800) },
      ]);
      send(h, 30 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 3001 });
      expect(h.pollAt()).to.equal("ingress");
    });

    it("established peer window limits sending", () => {
      const { h, fd } = established();
      send(h, 15 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, window: 1000 });
      h.send(fd, pattern(3000));
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(0, 1000) }]);
      send(h, 30 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1001, window: 1000 });
      recv(h, 30 * MS, [{ flags: 0, seq: LOCAL_ISS + 1001, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(1000, 2000) }]);
    });

    it("established rto retransmits with exponential backoff", () => {
      const { h, fd } = established();
      h.send(fd, pattern(100));
      const seg: SegTemplate = { flags: F.PSH, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(100) };
      recv(h, 20 * MS, [seg]);
      // SRTT 10 ms from the handshake: RTO = max(200 ms, 10 + 4 * 5) = 200 ms.
      expect(h.pollAt()).to.equal(220 * MS);
      recvNothing(h, 219 * MS);
      recv(h, 220 * MS, [seg]);
      expect(h.pollAt()).to.equal(620 * MS);
      recv(h, 620 * MS, [seg]);
      expect(h.pollAt()).to.equal(1420 * MS);
      send(h, 1000 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 101 });
      expect(h.pollAt()).to.equal("ingress");
    });

    it("established three dup acks fast retransmit", () => {
      const { h, fd } = established();
      h.send(fd, pattern(5600));
      recv(h, 20 * MS, [0, 1, 2, 3].map((i) => ({ flags: i === 3 ? F.PSH : 0, seq: LOCAL_ISS + 1 + 1400 * i, ack: REMOTE_ISS + 1, payload: pattern(5600).subarray(1400 * i, 1400 * (i + 1)) })));
      // One new ACK, then three duplicates (RFC 5681 §3.2).
      for (let i = 0; i < 4; i++) send(h, 40 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1401 });
      recv(h, 40 * MS, [{ flags: 0, seq: LOCAL_ISS + 1401, ack: REMOTE_ISS + 1, payload: pattern(5600).subarray(1400, 2800) }]);
    });

    it("established zero window probe", () => {
      const { h, fd } = established();
      send(h, 15 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, window: 0 });
      h.send(fd, pattern(10));
      recvNothing(h, 20 * MS);
      expect(h.pollAt()).to.equal(220 * MS);
      recv(h, 220 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(10).subarray(0, 1) }]);
    });
  });

  describe("window scaling", () => {
    it("established scaled windows both ways", () => {
      const { h, lfd } = listening({ ...PLAIN, wscale: 7, rcvBuf: 1 << 20 });
      send(h, 0, { ...SYN_TEMPLATE, options: [{ kind: "mss", mss: 1400 }, { kind: "nop" }, { kind: "wscale", shift: 2 }] });
      recv(h, 0, [{ ...SYNACK_TEMPLATE, window: 65535, options: [{ kind: "mss", mss: 1460 }, { kind: "nop" }, { kind: "wscale", shift: 7 }] }]);
      send(h, 10 * MS, { ...ACK_FROM_REMOTE, window: 500 });
      const a = h.accept(lfd);
      const fd = a.ok ? a.value.fd : -1;
      h.send(fd, pattern(3000));
      // The peer's window 500 << 2 = 2000 bytes.
      recv(h, 20 * MS, [
        { flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(0, 1400), window: (1 << 20) >> 7 },
        { flags: 0, seq: LOCAL_ISS + 1401, ack: REMOTE_ISS + 1, payload: pattern(3000).subarray(1400, 2000) },
      ]);
    });
  });

  describe("close", () => {
    it("established fin close-wait last-ack closed", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: F.FIN, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1 });
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 2 }]);
      expect(h.recv(fd, 10)).to.deep.equal({ ok: true, value: new Uint8Array(0) });
      expect(h.pollEvents(fd) & POLL.RDHUP).to.equal(POLL.RDHUP);
      h.close(fd);
      recv(h, 30 * MS, [{ flags: F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 2 }]);
      send(h, 40 * MS, { flags: 0, seq: REMOTE_ISS + 2, ack: LOCAL_ISS + 2 });
      expect(h.pollAt()).to.equal("ingress");
      send(h, 50 * MS, { flags: 0, seq: REMOTE_ISS + 2, ack: LOCAL_ISS + 2 });
      recv(h, 50 * MS, [{ flags: F.RST, seq: LOCAL_ISS + 2 }]);
    });

    it("established close fin-wait-1 fin-wait-2 time-wait closed", () => {
      const { h, fd } = established();
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
      send(h, 30 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 2 });
      recvNothing(h, 30 * MS);
      send(h, 40 * MS, { flags: F.FIN, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 2 });
      recv(h, 40 * MS, [{ flags: 0, seq: LOCAL_ISS + 2, ack: REMOTE_ISS + 2 }]);
      expect(h.pollAt()).to.equal(60_040 * MS);
      // A retransmitted FIN in TIME-WAIT is acknowledged again.
      send(h, 50 * MS, { flags: F.FIN, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 2 });
      recv(h, 50 * MS, [{ flags: 0, seq: LOCAL_ISS + 2, ack: REMOTE_ISS + 2 }]);
      h.poll(61_000 * MS, () => {});
      expect(h.pollAt()).to.equal("ingress");
    });

    it("fin-wait-1 simultaneous close closing time-wait", () => {
      const { h, fd } = established();
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
      send(h, 21 * MS, { flags: F.FIN, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1 });
      recv(h, 21 * MS, [{ flags: 0, seq: LOCAL_ISS + 2, ack: REMOTE_ISS + 2 }]);
      send(h, 30 * MS, { flags: 0, seq: REMOTE_ISS + 2, ack: LOCAL_ISS + 2 });
      expect(h.pollAt()).to.equal(60_030 * MS);
    });

    it("fin-wait-1 fin retransmitted on rto", () => {
      const { h, fd } = established();
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
      recv(h, 220 * MS, [{ flags: F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
    });

    it("established close with data queued sends data then fin", () => {
      const { h, fd } = established();
      h.send(fd, pattern(10));
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.PSH | F.FIN, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, payload: pattern(10) }]);
    });

    it("established close with unread data sends rst", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: 0, seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, payload: "unread" });
      h.close(fd);
      recv(h, 20 * MS, [{ flags: F.RST, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 7 }]);
      expect(h.pollAt()).to.equal("ingress");
    });

    it("established rst exact resets", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: F.RST, seq: REMOTE_ISS + 1 });
      expect(h.recv(fd, 10)).to.deep.equal({ ok: false, errno: ERRNO.ECONNRESET });
      expect(h.send(fd, pattern(1))).to.deep.equal({ ok: false, errno: ERRNO.ECONNRESET });
    });

    it("established rst in window challenge ack", () => {
      const { h, fd } = established();
      send(h, 20 * MS, { flags: F.RST, seq: REMOTE_ISS + 100 });
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
      expect(h.getsockopt(fd, "SO_ERROR")).to.deep.equal({ ok: true, value: 0 });
    });

    it("established syn challenge ack", () => {
      const { h } = established();
      send(h, 20 * MS, { ...SYN_TEMPLATE, seq: REMOTE_ISS + 50 });
      recv(h, 20 * MS, [{ flags: 0, seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1 }]);
    });
  });

  describe("determinism", () => {
    it("same seed same isn and port", () => {
      const a = new SocketHost({ addresses: [LOCAL_IP], seed: 7 });
      const b = new SocketHost({ addresses: [LOCAL_IP], seed: 7 });
      const out: string[][] = [[], []];
      [a, b].forEach((h, i) => {
        h.connect(h.socket("tcp"), REMOTE_IP, REMOTE_PORT);
        h.poll(0, (bytes) => out[i]?.push(Buffer.from(bytes).toString("hex")));
      });
      expect(out[0]).to.deep.equal(out[1]);
      expect(plus(0, 1)).to.equal(1);
    });
  });
});
