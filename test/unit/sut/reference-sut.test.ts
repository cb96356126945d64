/**
 * The reference SUT adapter: syscall mapping onto the stack (errnos, out-values, O_NONBLOCK),
 * virtual time (timers fire at exact virtual instants), blocking emulation (parked `...` calls,
 * stalled calls), backtick commands, and determinism (same seed, same bytes).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseOwnScript, runScriptRequest } from "../../../src/runner/script-runner.ts";
import { referenceNetConfig } from "../../../src/sut/reference/net-config.ts";
import { type ReferenceSut, openReferenceSut } from "../../../src/sut/reference/reference-sut.ts";
import type { OutboundPacket, SyscallOutcome, SyscallRequest, SysValue } from "../../../src/sut/sut.ts";
import { emitPacket, packet, parsePacket } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";
import { parseIpAddress } from "../../../src/wire/address.ts";

const NET = referenceNetConfig({ ipVersion: "ipv4" });
const int = (value: number): SysValue => ({ kind: "int", value });
const AF_INET = 2, SOCK_STREAM = 1, IPPROTO_MPTCP = 262, O_NONBLOCK = 0o4000;

function sut(seed = 1): ReferenceSut {
  return openReferenceSut({ net: NET, seed });
}

async function call(s: ReferenceSut, name: SyscallRequest["name"], args: SysValue[], blocking = false): Promise<SyscallOutcome> {
  return s.syscall({ name, args, blocking }).result;
}

function ret(o: SyscallOutcome): { ret: number; errno: string | null } {
  if (o.kind !== "returned") throw new Error(o.message);
  return { ret: o.ret, errno: o.errnoName };
}

/** A packet from the script side (remote address, port 40000) to the SUT's port 8080. */
function fromPeer(tcp: Omit<TcpRepr, "kind" | "srcPort" | "dstPort" | "urgent">): Uint8Array {
  const ip = {
    kind: "ipv4" as const, src: parseIpAddress(NET.remoteIp) as Uint8Array, dst: parseIpAddress(NET.localIp) as Uint8Array,
    ttl: 64, tos: 0, identification: 0, flags: 0, fragmentOffset: 0, protocol: 6, options: new Uint8Array(0),
  };
  return emitPacket(packet(ip, { kind: "tcp", srcPort: 40000, dstPort: 8080, urgent: 0, ...tcp }));
}

function remoteSyn(): Uint8Array {
  return fromPeer({ seq: seqNum(1000), ack: seqNum(0), flags: TCP_FLAG.SYN, window: 65535, options: [{ kind: "mss", mss: 1460 }] });
}

function tcpOf(p: OutboundPacket | null): TcpRepr {
  const r = p ? parsePacket(p.bytes) : null;
  if (!r?.ok || r.value.l4.kind !== "tcp") throw new Error("no TCP packet");
  return r.value.l4;
}

async function listener(s: ReferenceSut): Promise<number> {
  const fd = ret(await call(s, "socket", [int(AF_INET), int(SOCK_STREAM), int(IPPROTO_MPTCP)])).ret;
  expect(ret(await call(s, "bind", [int(fd), { kind: "sockaddr", family: "inet", address: NET.localIp, port: 8080 }, int(16)]))).to.deep.equal({ ret: 0, errno: null });
  expect(ret(await call(s, "listen", [int(fd), int(1)]))).to.deep.equal({ ret: 0, errno: null });
  return fd;
}

describe("reference SUT", () => {
  describe("syscall mapping", () => {
    it("socket returns fd 3 and unknown fds give EBADF", async () => {
      const s = sut();
      expect(ret(await call(s, "socket", [int(AF_INET), int(SOCK_STREAM), int(IPPROTO_MPTCP)]))).to.deep.equal({ ret: 3, errno: null });
      expect(ret(await call(s, "close", [int(-1)]))).to.deep.equal({ ret: -1, errno: "EBADF" });
      expect(ret(await call(s, "socket", [int(AF_INET), int(2), int(0)]))).to.deep.equal({ ret: -1, errno: "ESOCKTNOSUPPORT" });
    });

    it("fcntl F_GETFL/F_SETFL toggles O_NONBLOCK and accept honours it", async () => {
      const s = sut();
      const fd = await listener(s);
      expect(ret(await call(s, "fcntl", [int(fd), int(3)])).ret).to.equal(2);
      expect(ret(await call(s, "fcntl", [int(fd), int(4), int(2 | O_NONBLOCK)])).ret).to.equal(0);
      expect(ret(await call(s, "fcntl", [int(fd), int(3)])).ret).to.equal(2 | O_NONBLOCK);
      expect(ret(await call(s, "accept", [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }]))).to.deep.equal({ ret: -1, errno: "EAGAIN" });
    });

    it("getsockopt SO_ERROR and TCP_IS_MPTCP give int out-values with optlen 4", async () => {
      const s = sut();
      const fd = await listener(s);
      const o = await call(s, "getsockopt", [int(fd), int(1), int(4), { kind: "intPtr", value: 0 }, { kind: "intPtr", value: 4 }]);
      expect(o.kind === "returned" && o.out[3]).to.deep.equal({ kind: "intPtr", value: 0 });
      const m = await call(s, "getsockopt", [int(fd), int(6), int(43), { kind: "intPtr", value: 0 }, { kind: "intPtr", value: 4 }]);
      expect(m.kind === "returned" && m.out[3]).to.deep.equal({ kind: "intPtr", value: 1 });
      expect(ret(await call(s, "setsockopt", [int(fd), int(1), int(999), int(1), int(4)])).errno).to.equal("ENOPROTOOPT");
    });

    it("an unsupported call is an invalid outcome, not a crash", async () => {
      const o = await call(sut(), "epoll_create", [int(1)]);
      expect(o.kind).to.equal("invalid");
    });
  });

  describe("virtual time", () => {
    it("a SYN-ACK is retransmitted at exactly the virtual RTO (1 s)", async () => {
      const s = sut();
      await listener(s);
      await s.inject(remoteSyn());
      const first = await s.nextOutbound(s.now());
      expect(tcpOf(first).flags).to.equal(TCP_FLAG.SYN | TCP_FLAG.ACK);
      expect(first?.timestampUs).to.equal(0);
      const again = await s.nextOutbound(10_000_000);
      expect(tcpOf(again).flags).to.equal(TCP_FLAG.SYN | TCP_FLAG.ACK);
      expect(again?.timestampUs).to.equal(1_000_000);
      expect(s.now()).to.equal(1_000_000);
    });

    it("sleepUntil moves virtual time without waiting and nextOutbound times out at its deadline", async () => {
      const s = sut();
      const t0 = Date.now();
      await s.sleepUntil(3_600_000_000);
      expect(s.now()).to.equal(3_600_000_000);
      expect(await s.nextOutbound(3_600_500_000)).to.equal(null);
      expect(s.now()).to.equal(3_600_500_000);
      expect(Date.now() - t0).to.be.below(1000);
    });
  });

  describe("blocking emulation", () => {
    it("a blocking accept (...) parks, reports blocked, and returns when the handshake completes", async () => {
      const s = sut();
      const fd = await listener(s);
      const h = s.syscall({ name: "accept", args: [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }], blocking: true });
      expect(await h.settled).to.equal("blocked");
      await s.sleepUntil(100_000);
      await s.inject(remoteSyn());
      const synAck = tcpOf(await s.nextOutbound(s.now()));
      await s.sleepUntil(200_000);
      await s.inject(fromPeer({ seq: seqNum(1001), ack: seqNum((synAck.seq + 1) >>> 0), flags: TCP_FLAG.ACK, window: 500, options: [] }));
      const r = await h.result;
      expect(r.kind === "returned" && { ret: r.ret, start: r.startUs, end: r.endUs }).to.deep.equal({ ret: 4, start: 0, end: 200_000 });
      expect(r.kind === "returned" && r.out[1]).to.deep.include({ kind: "sockaddr", address: NET.remoteIp, port: 40000 });
    });

    it("a poll with a timeout and no ready fd returns 0 at the virtual deadline", async () => {
      const s = sut();
      const fd = await listener(s);
      const o = await call(s, "poll", [{ kind: "list", items: [{ kind: "pollfd", fd, events: 1, revents: 0 }] }, int(1), int(250)]);
      expect(o.kind === "returned" && { ret: o.ret, end: o.endUs }).to.deep.equal({ ret: 0, end: 250_000 });
    });

    it("a stalled blocking read that nothing can wake is reported, not hung", async () => {
      const s = sut();
      const fd = await listener(s);
      const o = await call(s, "accept", [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }]);
      expect(o.kind).to.equal("invalid");
      expect(o.kind === "invalid" && o.message).to.match(/would block forever/);
    });
  });

  describe("commands", () => {
    it("understands the documented commands and rejects others with exit 127", async () => {
      const s = sut();
      expect((await s.runCommand("sysctl -q net.mptcp.checksum_enabled=1")).exitCode).to.equal(0);
      expect(s.host.mptcpConfig.checksum).to.equal(true);
      expect((await s.runCommand("ip addr add 192.168.0.3/16 dev $OPT_LOCAL_DEV; ip mptcp endpoint add 192.168.0.3 dev ref0 signal")).exitCode).to.equal(0);
      expect(s.host.addresses.length).to.equal(2);
      const bad = await s.runCommand("tc qdisc add dev tun0 root netem delay 10ms");
      expect(bad.exitCode).to.equal(127);
      expect(bad.stderr).to.match(/not supported by the reference SUT/);
    });
  });

  describe("determinism", () => {
    const SUITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../suites/reference");
    async function wire(script: string, seed: number): Promise<string[]> {
      const source = fs.readFileSync(path.join(SUITE, script), "utf8");
      const seen: string[] = [];
      const open = (): Promise<ReferenceSut> => {
        const s = openReferenceSut({ net: NET, seed });
        const next = s.nextOutbound.bind(s);
        s.nextOutbound = async (d) => {
          const p = await next(d);
          if (p) seen.push(`${p.timestampUs} ${Buffer.from(p.bytes).toString("hex")}`);
          return p;
        };
        return Promise.resolve(s);
      };
      const out = await runScriptRequest({ file: script, script: parseOwnScript(source, script), variant: "ipv4", flags: {}, defines: {}, seed }, open, () => {});
      expect(out.verdict).to.equal("pass");
      return seen;
    }

    it("two runs with the same seed send the same bytes at the same virtual times", async () => {
      // (no join: the script side draws its own MP_JOIN nonces at random)
      const script = "dss/dss-07-data-fin-one-octet-listener-v4.pkt";
      const a = await wire(script, 7);
      const b = await wire(script, 7);
      expect(a.length).to.be.above(4);
      expect(b).to.deep.equal(a);
      const c = await wire(script, 8);
      expect(c).to.not.deep.equal(a);
    });
  });
});
