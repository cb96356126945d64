/**
 * `decode --runnable`: a capture's exchange (exchange.ts) turned into a script that runs against
 * a kernel and reproduces it (pkt-language.md §2, §3, §6, §8). The SUT's packets become `>` lines
 * and the peer's `<` lines; the system calls that make the SUT's side happen are put back: the
 * socket (IPPROTO_MPTCP when the SUT spoke MPTCP), bind/listen/accept or a non-blocking connect,
 * a `read` for the data the peer sent, a `write` before the data the SUT sent, `close` before
 * its FIN or DATA_FIN (with SO_LINGER 0 before an abortive RST). Addresses become the config's
 * (`addr[…]` variables once a second subflow appears), sequence numbers relative, keys and HMACs
 * variables or `auto`, and times relative, with a tolerance drawn from the capture's own delays.
 */
import type { FormatContext } from "../wire/format-context.ts";
import { formatTcp, TCP_FLAG } from "../wire/tcp.ts";
import { type SeqNum, seqGt, seqAdd, seqOffset } from "../wire/seq.ts";
import { type Exchange, type ExchangeFlow, type ExchangeSegment, idsnOfKey } from "./exchange.ts";
import { keyLiteral, runnableOptions } from "./runnable-options.ts";
import { otherDir } from "./flow-table.ts";

/** Settings of a runnable decode. */
export interface RunnableOptions {
  /** The capture's file name, for the header comment. */
  readonly source: string;
}

/** Lowest `--tolerance_usecs` a runnable script gets: a loaded machine delays by tens of ms. */
export const MIN_TOLERANCE_US = 100_000;
/** packetdrill's default bind port (pkt-language.md §1.6). */
const BIND_PORT = 8080;
/** Injected payloads above this many bytes do not fit a 1500-byte packet with full options: GSO. */
const GSO_ABOVE = 1400;
/** A SUT packet later than this after the packet it answers is timer-driven, not a reaction. */
const REACTION_LIMIT_NS = 250_000_000;

interface Line {
  readonly timeNs: number;
  readonly text: string;
}

/** The script's lines from an exchange; pure. */
export function runnableScript(ex: Exchange, options: RunnableOptions): string {
  return new ScriptWriter(ex, options).write();
}

class ScriptWriter {
  private readonly lines: Line[] = [];
  private readonly fd: number;
  private unread = 0;
  private closed = false;
  private connected = false;
  /** Bytes of the last write not yet seen on the wire. */
  private writeCovered = 0;
  private sutSentDss = false;
  private readonly sentEnd = new Map<string, SeqNum>();
  private readonly multi: boolean;
  private readonly addrVars = new Map<string, string>();
  private readonly flowVars = new Map<ExchangeFlow, { sut: string; peer: string }>();
  private readonly mptcpSut: boolean;

  constructor(private readonly ex: Exchange, private readonly options: RunnableOptions) {
    this.fd = ex.open === "passive" ? 4 : 3;
    this.multi = ex.flows.length > 1;
    this.mptcpSut = ex.segments.some((s) => s.fromSut && s.seg.mptcp.length > 0)
      || (ex.open === "active" && ex.segments.some((s) => s.fromSut && (s.seg.tcp.flags & TCP_FLAG.SYN) !== 0 && s.seg.mptcp.length > 0));
  }

  write(): string {
    const ex = this.ex;
    const first = ex.segments[0]?.seg.timeNs ?? 0;
    this.setup(first);
    for (const s of ex.segments) this.segment(s);
    this.flushReads(this.lines.at(-1)?.timeNs ?? first);
    return this.render();
  }

  private push(timeNs: number, text: string): void {
    this.lines.push({ timeNs, text });
  }

  /** Socket, options and bind/listen or connect (pkt-language.md §5.1, §6.3). */
  private setup(t: number): void {
    const proto = this.mptcpSut ? "IPPROTO_MPTCP" : "IPPROTO_TCP";
    this.push(t, `socket(..., SOCK_STREAM, ${proto}) = 3`);
    if (this.ex.open === "passive") {
      this.push(t, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
      // Joins to an address the SUT announced reach the listener only if it is bound to any address.
      if (this.announces()) this.push(t, `bind(3, {sa_family=AF_INET, sin_port=htons(${BIND_PORT}), sin_addr=inet_addr("0.0.0.0")}, 16) = 0`);
      else this.push(t, "bind(3, ..., ...) = 0");
      this.push(t, "listen(3, 1) = 0");
    } else {
      this.push(t, "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
      this.push(t, "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    }
  }

  /** The SUT announced an address (ADD_ADDR, RFC 8684 §3.4.1). */
  private announces(): boolean {
    return this.ex.segments.some((s) => s.fromSut && s.seg.mptcp.some((o) => o.subtype === "addAddr" && !o.echo));
  }

  private segment(s: ExchangeSegment): void {
    const { seg, fromSut } = s;
    const t = seg.timeNs;
    const f = seg.tcp.flags;
    const fresh = this.newBytes(s);
    if (fromSut) {
      if (fresh > 0 && !this.closed && this.writeCovered === 0) {
        this.flushReads(t);
        const n = this.writeSize(s);
        this.push(t, `write(${this.fd}, ..., ${n}) = ${n}`);
        this.writeCovered = n;
      }
      this.writeCovered = Math.max(0, this.writeCovered - fresh);
      if (seg.mptcp.some((o) => o.subtype === "dss")) this.sutSentDss = true;
      const dataFin = seg.mptcp.some((o) => o.subtype === "dss" && o.dataFin);
      // RFC 8684 §3.3.3: an MPTCP close is the DATA_FIN; a fallen-back or plain TCP one the FIN.
      const closing = dataFin || ((f & TCP_FLAG.FIN) !== 0 && !this.sutSentDss && s.flow.role === "initial");
      if (!this.closed && (closing || (f & TCP_FLAG.RST) !== 0)) {
        this.flushReads(t);
        if ((f & TCP_FLAG.RST) !== 0) this.push(t, `setsockopt(${this.fd}, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0`);
        this.push(t, `close(${this.fd}) = 0`);
        this.closed = true;
      }
      this.packetLines(s, [seg.payload.length]);
    } else {
      if (fresh > 0 || (f & TCP_FLAG.FIN) !== 0) this.flushReads(t);
      this.packetLines(s, [seg.payload.length]);
      this.unread += fresh;
    }
    this.afterHandshake(s);
  }

  /** accept() once the passive handshake completed; a blocking socket again after an active one. */
  private afterHandshake(s: ExchangeSegment): void {
    if (this.connected || s.flow.role !== "initial") return;
    const f = s.seg.tcp.flags;
    if ((f & (TCP_FLAG.SYN | TCP_FLAG.RST)) !== 0 || (f & TCP_FLAG.ACK) === 0) return;
    // The third ACK: from the peer (passive) or from the SUT (active).
    if (s.fromSut === (this.ex.open === "active")) {
      this.connected = true;
      this.push(s.seg.timeNs, this.ex.open === "passive" ? "accept(3, ..., ...) = 4" : "fcntl(3, F_SETFL, O_RDWR) = 0");
    }
  }

  /** Bytes of the segment's payload past what its direction already sent (retransmissions count 0). */
  private newBytes(s: ExchangeSegment): number {
    const key = `${s.flow.id}${s.dir}`;
    const { seq } = s.seg.tcp;
    const n = s.seg.payload.length;
    const end = seqAdd(seq, n);
    const prev = this.sentEnd.get(key);
    if (prev === undefined) {
      this.sentEnd.set(key, end);
      return n;
    }
    if (!seqGt(end, prev)) return 0;
    this.sentEnd.set(key, end);
    return Math.min(n, seqOffset(end, prev));
  }

  /** The size of the write that produced a run of SUT data: its new bytes up to the next peer data or SUT FIN. */
  private writeSize(s: ExchangeSegment): number {
    const segs = this.ex.segments;
    let total = s.seg.payload.length;
    const ends = new Map<string, SeqNum>([[`${s.flow.id}${s.dir}`, seqAdd(s.seg.tcp.seq, s.seg.payload.length)]]);
    for (let i = segs.indexOf(s) + 1; i < segs.length; i++) {
      const n = segs[i] as ExchangeSegment;
      if (!n.fromSut) {
        if (n.seg.payload.length > 0 || (n.seg.tcp.flags & TCP_FLAG.FIN) !== 0) break;
        continue;
      }
      if (n.seg.payload.length === 0) {
        if ((n.seg.tcp.flags & (TCP_FLAG.FIN | TCP_FLAG.RST)) !== 0) break;
        continue;
      }
      const key = `${n.flow.id}${n.dir}`;
      const end = seqAdd(n.seg.tcp.seq, n.seg.payload.length);
      const prev = ends.get(key) ?? this.sentEnd.get(key);
      if (prev !== undefined && !seqGt(end, prev)) continue;
      total += prev === undefined ? n.seg.payload.length : Math.min(n.seg.payload.length, seqOffset(end, prev));
      ends.set(key, end);
    }
    return total;
  }

  private flushReads(t: number): void {
    if (this.unread === 0 || this.closed) return;
    this.push(t, `read(${this.fd}, ..., ${this.unread}) = ${this.unread}`);
    this.unread = 0;
  }

  /** The packet line(s) of one segment. */
  private packetLines(s: ExchangeSegment, sizes: readonly number[]): void {
    const { seg, flow, dir, fromSut } = s;
    const mp = this.ex.mptcp;
    const sutKey = mp?.sutKey;
    const peerKey = mp?.peerKey;
    const senderKey = fromSut ? sutKey : peerKey;
    const receiverKey = fromSut ? peerKey : sutKey;
    let offset = 0;
    for (const size of sizes) {
      const bases: { -readonly [K in keyof FormatContext]: FormatContext[K] } = { window: !fromSut };
      const isn = flow.isn[dir];
      const peerIsn = flow.isn[otherDir(dir)];
      if (isn !== undefined) bases.seqBase = seqAdd(isn, -offset);
      if (peerIsn !== undefined) bases.ackBase = peerIsn;
      if (mp !== undefined) {
        const dsnBase = idsnOfKey(mp, senderKey);
        const dackBase = idsnOfKey(mp, receiverKey);
        if (dsnBase !== undefined) bases.dsnBase = dsnBase - BigInt(offset);
        if (dackBase !== undefined) bases.dataAckBase = dackBase;
      }
      const tcp = { ...seg.tcp, options: [] };
      // A split chunk carries its own mapping: SSN moved by the chunk's offset, length its size.
      const lastOptions = sizes.length === 1 ? seg.tcp.options : seg.tcp.options.map((o) => (o.kind === "mptcp" && o.subtype === "dss" && o.mapping !== undefined
        ? { ...o, mapping: { ...o.mapping, subflowSeq: (o.mapping.subflowSeq + offset) >>> 0, dataLevelLength: size } } : o));
      let text = formatTcp(tcp, size, bases);
      const opts = runnableOptions(lastOptions, {
        outbound: fromSut, bases, checksums: mp?.checksums ?? false,
        peerKeyLiteral: keyLiteral(peerKey ?? 2n), sutIsClient: this.ex.open === "active",
        addressVar: (a) => this.addressVar(a, fromSut),
      });
      if (opts !== "") text += ` ${opts}`;
      this.push(seg.timeNs, `${fromSut ? ">" : "<"}${this.tuple(flow, fromSut)} ${text}`);
      offset += size;
    }
  }

  /** `addr[x] > addr[y]` once the exchange has more than one subflow (pkt-language.md §8.3). */
  private tuple(flow: ExchangeFlow, fromSut: boolean): string {
    if (!this.multi) return "";
    let vars = this.flowVars.get(flow);
    if (vars === undefined) {
      const sutEnd = flow.sutDir === undefined ? flow.endpoints.rev : flow.endpoints[flow.sutDir];
      const sutIp = sutEnd.slice(0, sutEnd.lastIndexOf(":"));
      const n = this.flowVars.size;
      vars = { sut: this.addressVar(sutIp, true), peer: `caddr${n}` };
      this.flowVars.set(flow, vars);
    }
    return fromSut ? ` addr[${vars.sut}] > addr[${vars.peer}]` : ` addr[${vars.peer}] > addr[${vars.sut}]`;
  }

  /** The variable of an address: `saddrN` for the SUT's, `caddrN`-style `paddrN` for the peer's announced ones. */
  private addressVar(address: string, sut: boolean): string {
    let v = this.addrVars.get(address);
    if (v === undefined) {
      const isSut = address === this.ex.sutAddress || sut;
      const count = [...this.addrVars.values()].filter((x) => x.startsWith(isSut ? "saddr" : "paddr")).length;
      v = `${isSut ? "saddr" : "paddr"}${count}`;
      this.addrVars.set(address, v);
    }
    return v;
  }

  private render(): string {
    const header = [
      `// Runnable script decoded from ${this.options.source} by mptcpdrill decode --runnable.`,
      `// SUT: ${this.ex.sutAddress} (${this.ex.open} open${this.ex.mptcp !== undefined ? ", MPTCP" : ""}); '>' = sent by the SUT, '<' = injected.`,
    ];
    if (this.announces()) {
      header.push("// IPv4 only: a bare addr[VAR] in ADD_ADDR is an IPv4 address (pkt-language.md §8.7), and the");
      header.push(`// listener is bound to 0.0.0.0:${BIND_PORT} so that joins to the announced address reach it.`);
    }
    for (const s of this.ex.skipped.slice(0, 10)) header.push(`// left out: ${s}`);
    if (this.ex.skipped.length > 10) header.push(`// left out: ${this.ex.skipped.length - 10} more frames`);
    const tol = toleranceUs(this.ex);
    header.push(`--tolerance_usecs=${tol}`);
    const gso = this.gsoSize();
    if (gso !== undefined) header.push(`--mss=${gso}`);
    header.push("", `\`${this.setupCommand()}\``);
    let prev: number | undefined;
    const body = this.lines.map((l) => {
      const delta = prev === undefined ? 0 : Math.max(0, l.timeNs - prev);
      const time = prev === undefined ? "0" : `+${formatSeconds(delta)}`;
      prev = l.timeNs;
      return `${time.padStart(10)} ${l.text}`;
    });
    return `${[...header, ...body].join("\n")}\n`;
  }

  /**
   * Captures taken on a host with GRO hold peer segments larger than a packet. They are injected
   * as they are, as GSO packets of the peer's segment size (`--mss`: the SUT's MSS less the
   * timestamp option), so the SUT sees the same aggregate and answers it the same way; split
   * into packets, it would acknowledge each.
   */
  private gsoSize(): number | undefined {
    if (!this.ex.segments.some((s) => !s.fromSut && s.seg.payload.length > GSO_ABOVE)) return undefined;
    const synSut = this.ex.segments.find((s) => s.fromSut && (s.seg.tcp.flags & TCP_FLAG.SYN) !== 0);
    const mss = synSut?.seg.tcp.options.find((o) => o.kind === "mss");
    const ts = synSut?.seg.tcp.options.some((o) => o.kind === "timestamps") === true;
    return (mss?.kind === "mss" ? mss.mss : 536) - (ts ? 12 : 0);
  }

  /** Sysctls for what the wire shows (MPTCP, DSS checksums, timestamps, SACK) and the SUT's signalled addresses. */
  private setupCommand(): string {
    const segs = this.ex.segments.filter((s) => s.fromSut);
    const syn = segs.find((s) => (s.seg.tcp.flags & TCP_FLAG.SYN) !== 0 && s.flow.role === "initial");
    const has = (k: string): boolean => syn?.seg.tcp.options.some((o) => o.kind === k) ?? false;
    const cmds = [
      `sysctl -q net.ipv4.tcp_timestamps=${has("timestamps") ? 1 : 0} net.ipv4.tcp_sack=${has("sackPermitted") ? 1 : 0}`,
    ];
    if (this.mptcpSut) {
      cmds.push(`sysctl -q net.mptcp.enabled=1 net.mptcp.checksum_enabled=${this.sutRequestedChecksums() ? 1 : 0}`);
      cmds.push("ip mptcp endpoint flush", "ip mptcp limits set subflows 8 add_addr_accepted 8");
      let k = 0;
      for (const s of segs) {
        for (const o of s.seg.mptcp) {
          if (o.subtype !== "addAddr" || o.echo) continue;
          k++;
          cmds.push(signalEndpoint(k, o.addressId, o.port));
        }
      }
    }
    return cmds.join("; ");
  }

  /** The SUT set A in its MP_CAPABLE SYN or SYN/ACK (its checksum_enabled sysctl, RFC 8684 §3.1). */
  private sutRequestedChecksums(): boolean {
    return this.ex.segments.some((s) => s.fromSut && (s.seg.tcp.flags & TCP_FLAG.SYN) !== 0
      && s.seg.mptcp.some((o) => o.subtype === "mpCapable" && (o.flags & 0x80) !== 0));
  }
}

/**
 * A shell snippet giving the SUT its k-th extra address (the config's local address + k in its
 * last group, as suites/mptcp/common/signal-endpoint.sh does) and announcing it with `id`.
 */
function signalEndpoint(k: number, id: number, port: number | undefined): string {
  const portArg = port === undefined ? "" : ` port ${port}`;
  return `dev=\${OPT_LOCAL_DEV:-tun0}; if [ "$OPT_IP_VERSION" = ipv6 ]; then last=\${OPT_LOCAL_IP##*:}; a="\${OPT_LOCAL_IP%:*}:$(printf '%x' $((0x\${last:-0} + ${k})))"; ip -6 addr add "$a/64" dev "$dev" nodad; else v=\${OPT_LOCAL_IP##*:}; a="\${v%.*}.$((\${v##*.} + ${k}))"; ip addr add "$a/16" dev "$dev"; fi; ip mptcp endpoint add "$a" dev "$dev" id ${id}${portArg} signal`;
}

/**
 * The script's time tolerance from the capture: twice the SUT's slowest reaction (a packet it
 * sent within {@link REACTION_LIMIT_NS} of the peer packet before it), at least
 * {@link MIN_TOLERANCE_US}, rounded up to 10 ms.
 */
export function toleranceUs(ex: Exchange): number {
  let worst = 0;
  let lastPeer: number | undefined;
  for (const s of ex.segments) {
    if (!s.fromSut) {
      lastPeer = s.seg.timeNs;
      continue;
    }
    if (lastPeer === undefined) continue;
    const d = s.seg.timeNs - lastPeer;
    if (d <= REACTION_LIMIT_NS && d > worst) worst = d;
  }
  const us = Math.max(MIN_TOLERANCE_US, Math.ceil((2 * worst) / 1000));
  return Math.ceil(us / 10_000) * 10_000;
}

/** Seconds with 6 decimals. */
function formatSeconds(ns: number): string {
  return (Math.round(ns / 1000) / 1e6).toFixed(6);
}
