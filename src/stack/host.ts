/**
 * A host: its IP addresses, its TCP connections and MPTCP connections, the demultiplexer that
 * routes each inbound segment to a connection, a listener (passive open, RFC 9293 §3.10.7.2;
 * MP_CAPABLE / MP_JOIN SYNs, RFC 8684 §3.1–§3.2) or a RST (RFC 9293 §3.10.7.1), and the sans-IO
 * drive: `receive(now, bytes)`, `poll(now, emit)`, `pollAt()` (house-style rule 5).
 * The socket calls are in host-sockets.ts.
 */
import { type IpAddress, formatIpAddress, parseIpAddress } from "../wire/address.ts";
import { bytesEqual } from "../wire/bytes.ts";
import { MPC_FLAG, type MpJoinSynOption, type MptcpOption } from "../wire/mptcp-options.ts";
import { seqAdd, seqNum } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import { type Instant, minInstant } from "./instant.ts";
import { DEFAULT_MPTCP_CONFIG, MptcpConnection, type MptcpConfig, type MptcpHost } from "./mptcp/connection.ts";
import { Subflow } from "./mptcp/subflow.ts";
import { hookDisabled } from "./mptcp/test-hooks.ts";
import { TokenTable } from "./mptcp/token.ts";
import { type Rng, SeededRng } from "../rng.ts";
import { type Segment, decodeSegment, encodeSegment } from "./segment.ts";
import type { Socket } from "./socket.ts";
import { type Stream, TcpStream } from "./stream.ts";
import { DEFAULT_TCP_CONFIG, type Endpoint, TcpConnection, type TcpConfig } from "./tcp/connection.ts";
import { inputSegment, openActive, openPassive } from "./tcp/input.ts";
import { connectionPollAt, pollConnection } from "./tcp/output.ts";

/** How to build a host. */
export interface HostConfig {
  /** Local addresses as text (`192.168.0.1`, `2001:db8::1`); the first is the default source. */
  readonly addresses: readonly string[];
  /** Seed of the host's Rng (ISNs, keys, nonces, ports), unless `rng` is given. */
  readonly seed?: number;
  readonly rng?: Rng;
  readonly tcp?: Partial<TcpConfig>;
  readonly mptcp?: Partial<MptcpConfig>;
}

/** Counters of what the demultiplexer did with inbound packets. */
export interface HostStats {
  received: number; malformed: number; badChecksum: number; notForUs: number; rstSent: number; synDropped: number;
}

function tupleKey(local: IpAddress, lport: number, remote: IpAddress, rport: number): string {
  return `${formatIpAddress(local)}|${lport}|${formatIpAddress(remote)}|${rport}`;
}

function has(seg: Segment, flag: number): boolean {
  return (seg.tcp.flags & flag) !== 0;
}

/** A sans-IO TCP/MPTCP host. */
export class Host implements MptcpHost {
  readonly addresses: IpAddress[];
  readonly rng: Rng;
  readonly tokens = new TokenTable<MptcpConnection>();
  readonly tcpConfig: TcpConfig;
  readonly mptcpConfig: MptcpConfig;
  readonly stats: HostStats = { received: 0, malformed: 0, badChecksum: 0, notForUs: 0, rstSent: 0, synDropped: 0 };
  /** Open sockets by file descriptor. */
  readonly sockets = new Map<number, Socket>();
  /** @internal */ readonly conns = new Map<string, TcpConnection>();
  /** @internal */ readonly mptcps: MptcpConnection[] = [];
  private readonly rstQueue: Segment[] = [];
  private nextPort: number;

  constructor(cfg: HostConfig) {
    this.addresses = cfg.addresses.map((a) => {
      const ip = parseIpAddress(a);
      if (!ip) throw new RangeError(`not an IP address: ${a}`);
      return ip;
    });
    this.rng = cfg.rng ?? new SeededRng(cfg.seed ?? 1);
    this.tcpConfig = { ...DEFAULT_TCP_CONFIG, ...cfg.tcp };
    this.mptcpConfig = { ...DEFAULT_MPTCP_CONFIG, ...cfg.mptcp };
    this.nextPort = this.rng.nextRange(32768, 61000);
  }

  // ------------------------------------------------------------------ packet API

  /** Takes one inbound IP packet at `now`. */
  receive(now: Instant, bytes: Uint8Array): void {
    this.stats.received++;
    const d = decodeSegment(bytes);
    if (!d.ok) {
      if (d.why === "bad-checksum") this.stats.badChecksum++;
      else this.stats.malformed++;
      return;
    }
    const seg = d.seg;
    if (!this.isLocal(seg.dst)) {
      this.stats.notForUs++;
      return;
    }
    const c = this.conns.get(tupleKey(seg.dst, seg.tcp.dstPort, seg.src, seg.tcp.srcPort));
    if (c && c.state !== "Closed") {
      inputSegment(c, now, seg);
      if (c.ext instanceof Subflow) c.ext.mp.poll(now);
    } else if (has(seg, TCP_FLAG.SYN) && !has(seg, TCP_FLAG.ACK) && !has(seg, TCP_FLAG.RST)) this.onSyn(now, seg);
    else this.replyRst(seg);
    this.promoteAccepted();
  }

  /** Fires due timers and emits every packet the host wants to send now. */
  poll(now: Instant, emit: (bytes: Uint8Array) => void): void {
    for (const seg of this.rstQueue.splice(0)) emit(encodeSegment(seg));
    for (const mp of this.mptcps) mp.poll(now);
    for (const c of this.conns.values()) pollConnection(c, now, (seg) => emit(encodeSegment(seg)));
    this.promoteAccepted();
    this.collect();
  }

  /** `"now"` if a packet is ready, the next timer's instant, or `"ingress"` when only input can change anything. */
  pollAt(): Instant | "now" | "ingress" {
    if (this.rstQueue.length > 0) return "now";
    let t: Instant | undefined;
    for (const mp of this.mptcps) t = minInstant(t, mp.pollAt());
    for (const c of this.conns.values()) {
      const at = connectionPollAt(c);
      if (at === "now") return "now";
      t = minInstant(t, at);
    }
    return t ?? "ingress";
  }

  // ------------------------------------------------------------------ connections

  /** True when `addr` is one of this host's addresses. */
  isLocal(addr: IpAddress): boolean {
    return this.addresses.some((a) => bytesEqual(a, addr));
  }

  /** A fresh ephemeral port (Linux range 32768–60999), deterministic from the Rng's first draw. */
  ephemeralPort(): number {
    const used = new Set([...this.conns.values()].map((c) => c.local.port));
    for (;;) {
      const p = this.nextPort;
      this.nextPort = p >= 60999 ? 32768 : p + 1;
      if (!used.has(p)) return p;
    }
  }

  /** Registers a connection with the demultiplexer. */
  register(c: TcpConnection): void {
    this.conns.set(tupleKey(c.local.addr, c.local.port, c.remote.addr, c.remote.port), c);
  }

  /** Starts an active open of plain TCP or MPTCP; returns the stream. */
  openActive(proto: "tcp" | "mptcp", local: Endpoint, remote: Endpoint, cfg: TcpConfig): Stream {
    const tcp = new TcpConnection(local, remote, cfg, this.rng);
    let stream: Stream = new TcpStream(tcp);
    if (proto === "mptcp") {
      const mp = new MptcpConnection(this, "client");
      const sf = new Subflow(mp, "initial", "client");
      mp.subflows.push(sf);
      sf.attach(tcp);
      this.mptcps.push(mp);
      stream = mp;
    }
    openActive(tcp);
    this.register(tcp);
    return stream;
  }

  /** MptcpHost: opens a joining subflow (MP_JOIN initiator, RFC 8684 §3.2). */
  openJoin(mp: MptcpConnection, local: Endpoint | IpAddress, remote: Endpoint, backup: boolean, remoteAddressId: number): Subflow | undefined {
    if (!mp.remote || mp.fallback) return undefined; // MPJ-06: only a fully established connection takes joins
    const l: Endpoint = local instanceof Uint8Array ? { addr: local, port: this.ephemeralPort() } : local;
    const tcp = new TcpConnection(l, remote, mp.initial?.tcp.cfg ?? this.tcpConfig, this.rng);
    const sf = new Subflow(mp, "join", "client");
    sf.backup = backup;
    sf.remoteId = remoteAddressId;
    sf.localId = this.localAddressId(mp, l.addr);
    mp.subflows.push(sf);
    sf.attach(tcp);
    openActive(tcp);
    this.register(tcp);
    return sf;
  }

  /** Address ID of a local address within `mp`: 0 for the initial subflow's (MPJ-07), else its index + 1. */
  localAddressId(mp: MptcpConnection, addr: IpAddress): number {
    const initial = mp.initial?.tcp.local.addr;
    if (initial && bytesEqual(initial, addr)) return 0;
    return this.addresses.findIndex((a) => bytesEqual(a, addr)) + 1;
  }

  private onSyn(now: Instant, seg: Segment): void {
    const mpOpts = seg.tcp.options.filter((o): o is MptcpOption => o.kind === "mptcp");
    const join = mpOpts.find((o): o is MpJoinSynOption => o.subtype === "mpJoinSyn");
    if (join) return this.onJoinSyn(seg, join);
    const sock = this.findListener(seg.dst, seg.tcp.dstPort);
    if (!sock || !sock.listen) return this.replyRst(seg);
    if (sock.listen.pending.length + sock.listen.ready.length > sock.listen.backlog) {
      this.stats.synDropped++; // a full backlog drops the SYN, as Linux does
      return;
    }
    const local = { addr: seg.dst, port: seg.tcp.dstPort };
    const remote = { addr: seg.src, port: seg.tcp.srcPort };
    const tcp = new TcpConnection(local, remote, socketTcpConfig(this.tcpConfig, sock), this.rng);
    let stream: Stream = new TcpStream(tcp);
    if (sock.proto === "mptcp") stream = this.passiveMptcp(tcp, mpOpts);
    openPassive(tcp, seg);
    this.register(tcp);
    sock.listen.pending.push({ stream, local, remote });
    void now;
  }

  private passiveMptcp(tcp: TcpConnection, opts: readonly MptcpOption[]): MptcpConnection {
    const mp = new MptcpConnection(this, "server");
    const sf = new Subflow(mp, "initial", "server");
    mp.subflows.push(sf);
    sf.attach(tcp);
    this.mptcps.push(mp);
    const mpc = opts.find((o) => o.subtype === "mpCapable");
    // MPC-02 (version), MPC-03 (B=1 not understood), MPC-04 (no H): the option is ignored and the connection is plain TCP.
    const anyVersion = hookDisabled(this.mptcpConfig.disabled, "mpcVersionCheck");
    const valid = mpc && (mpc.version === 1 || anyVersion) && (mpc.flags & MPC_FLAG.H) !== 0 && (mpc.flags & MPC_FLAG.B) === 0 && (mpc.sendersKey === undefined || anyVersion);
    if (!valid) mp.enterFallback();
    else if (mpc.flags & MPC_FLAG.A) mp.checksum = true; // CS-01
    return mp;
  }

  private onJoinSyn(seg: Segment, join: MpJoinSynOption): void {
    const mp = this.tokens.get(join.receiversToken);
    // MPJ-02: "unknown token: the responder MUST answer with RST"; MPJ-06: only to a fully established connection.
    if (!mp || !mp.remote || mp.fallback || !mp.connected) return this.replyRst(seg);
    const local = { addr: seg.dst, port: seg.tcp.dstPort };
    const tcp = new TcpConnection(local, { addr: seg.src, port: seg.tcp.srcPort }, mp.initial?.tcp.cfg ?? this.tcpConfig, this.rng);
    const sf = new Subflow(mp, "join", "server");
    sf.remoteNonce = join.sendersRandom;
    sf.remoteId = join.addressId;
    sf.peerBackup = join.backup;
    sf.localId = this.localAddressId(mp, seg.dst);
    mp.subflows.push(sf);
    sf.attach(tcp);
    openPassive(tcp, seg);
    this.register(tcp);
  }

  /** RFC 9293 §3.10.7.1: a segment for no connection gets a RST (never in answer to a RST). */
  private replyRst(seg: Segment): void {
    if (has(seg, TCP_FLAG.RST)) return;
    this.stats.rstSent++;
    const len = seg.payload.length + (has(seg, TCP_FLAG.SYN) ? 1 : 0) + (has(seg, TCP_FLAG.FIN) ? 1 : 0);
    const ackSet = has(seg, TCP_FLAG.ACK);
    // "If the ACK bit is off, sequence number zero is used, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"; else "<SEQ=SEG.ACK><CTL=RST>".
    this.rstQueue.push({
      src: seg.dst, dst: seg.src, payload: new Uint8Array(0),
      tcp: {
        kind: "tcp", srcPort: seg.tcp.dstPort, dstPort: seg.tcp.srcPort, seq: ackSet ? seg.tcp.ack : seqNum(0),
        ack: ackSet ? seqNum(0) : seqAdd(seg.tcp.seq, len), flags: ackSet ? TCP_FLAG.RST : TCP_FLAG.RST | TCP_FLAG.ACK,
        window: 0, urgent: 0, options: [],
      },
    });
  }

  private findListener(addr: IpAddress, port: number): Socket | undefined {
    for (const s of this.sockets.values()) {
      if (!s.listen || !s.local || s.local.port !== port) continue;
      if (s.local.addr === undefined || bytesEqual(s.local.addr, addr)) return s;
    }
    return undefined;
  }

  /** Moves handshaken connections into accept queues; drops those that died first. */
  private promoteAccepted(): void {
    for (const s of this.sockets.values()) {
      if (!s.listen) continue;
      const still = [];
      for (const p of s.listen.pending) {
        if (p.stream.connected) s.listen.ready.push(p);
        else if (!p.stream.closed) still.push(p);
      }
      s.listen.pending = still;
    }
  }

  /** Forgets closed connections (a later segment for them gets a RST). */
  private collect(): void {
    for (const [k, c] of this.conns) if (c.state === "Closed" && !c.rstPending && c.rstReplies.length === 0) this.conns.delete(k);
    for (let i = this.mptcps.length - 1; i >= 0; i--) {
      const mp = this.mptcps[i] as MptcpConnection;
      if (mp.subflows.every((sf) => sf.tcp.state === "Closed")) {
        this.tokens.delete(mp.local.token);
        this.mptcps.splice(i, 1);
      }
    }
  }
}

/** The TCP configuration of connections of socket `s` (its options over the host's defaults). */
export function socketTcpConfig(base: TcpConfig, s: Socket): TcpConfig {
  const o = s.options;
  return {
    ...base,
    noDelay: (o.get("TCP_NODELAY") ?? (base.noDelay ? 1 : 0)) !== 0,
    rcvBuf: o.get("SO_RCVBUF") ?? base.rcvBuf,
    sndBuf: o.get("SO_SNDBUF") ?? base.sndBuf,
    mss: o.get("TCP_MAXSEG") ?? base.mss,
  };
}
