/**
 * Script ↔ live value mapping of one TCP connection (pkt-language.md §5.1–§5.3, house-style
 * rule 13): the live 4-tuple, the ISNs, sequence/ack/SACK translation and TS val/ecr pairing.
 * MPTCP state of the connection (keys, IDSNs, subflow counters) hangs off `mptcp` (§8).
 *
 * One `ConnectionMapping` per TCP connection (or subflow); no module-level state.
 */
import { type SeqNum, seqAdd, seqNum, seqSub } from "../wire/seq.ts";
import type { MptcpConnState } from "./mptcp-state.ts";

/** An IP address (text, wire family) and port. */
export interface LiveEndpoint {
  readonly ip: string;
  readonly port: number;
}

/** The TS val pairs seen on outbound packets of one connection (§5.3). */
export interface TsPairing {
  /** (script₀, live₀) from the first outbound packet that carried TS in both. */
  baseline: { readonly script: number; readonly live: number } | null;
  /** script TS val → live TS val, for every outbound packet. */
  readonly liveForScript: Map<number, number>;
}

/** The last injected TCP segment, in live space (the final RST of §10.6 continues from it). */
export interface LastSegment {
  readonly seq: SeqNum;
  readonly ack: SeqNum;
  readonly window: number;
  readonly payloadLen: number;
  readonly flags: number;
}

/** Live ↔ script values of one connection. */
export class ConnectionMapping {
  /** The SUT side (`--local_ip`, the kernel's port). `port` is 0 until learned. */
  liveLocal: LiveEndpoint | null = null;
  /** The script side (`--remote_ip`, an ephemeral or connect port). */
  liveRemote: LiveEndpoint | null = null;
  /** The kernel's ISN (live SYN or SYN-ACK seq). */
  kernelIsn: SeqNum | null = null;
  /** The seq the script wrote on the outbound SYN / SYN-ACK line. */
  scriptLocalIsn: SeqNum | null = null;
  /** The remote (script side) ISN: the injected SYN's seq (script = live). */
  remoteIsn: SeqNum | null = null;
  readonly ts: TsPairing = { baseline: null, liveForScript: new Map() };
  lastInjected: LastSegment | null = null;
  lastOutbound: LastSegment | null = null;
  /** The last (script, live) IPv6 flow label pair of outbound packets (§5.4). */
  flowLabel: { readonly script: number; readonly live: number } | null = null;
  /** MPTCP connection state when the socket is an MPTCP one (§8), else `null`. */
  mptcp: MptcpConnState | null = null;

  /** Inbound seq, script → live (§5.2). */
  inboundSeq(script: number, syn: boolean): SeqNum {
    return syn ? seqNum(script) : seqAdd(this.remoteIsn ?? seqNum(0), script);
  }

  /** Inbound ack and SACK edges, script → live (§5.2). */
  inboundAck(script: number, syn: boolean): SeqNum {
    const k = this.kernelIsn ?? seqNum(0);
    if (!syn) return seqAdd(k, script);
    return seqAdd(seqSub(k, this.scriptLocalIsn ?? 0), script);
  }

  /** Outbound seq, live → script (§5.2). */
  outboundSeq(live: SeqNum, syn: boolean): SeqNum {
    const rel = seqSub(live, this.kernelIsn ?? 0);
    return syn ? seqAdd(rel, this.scriptLocalIsn ?? 0) : rel;
  }

  /** Outbound ack and SACK edges, live → script (§5.2). */
  outboundAck(live: SeqNum, syn: boolean): SeqNum {
    return syn ? live : seqSub(live, this.remoteIsn ?? 0);
  }

  /**
   * Records an outbound TS val pair and returns the live val rewritten into script space,
   * `script₀ + (live − live₀)` (§5.3).
   */
  mapOutboundTsVal(scriptVal: number, liveVal: number): number {
    if (this.ts.baseline === null) this.ts.baseline = { script: scriptVal, live: liveVal };
    this.ts.liveForScript.set(scriptVal >>> 0, liveVal >>> 0);
    return (this.ts.baseline.script + (liveVal - this.ts.baseline.live)) >>> 0;
  }

  /**
   * The live TS ecr for an inbound script ecr (§5.3): the live val recorded for exactly that
   * script val; with `scaled`, shifted by the baseline; else `null` (a fatal mapping error).
   */
  mapInboundTsEcr(scriptEcr: number, scaled: boolean): number | null {
    const exact = this.ts.liveForScript.get(scriptEcr >>> 0);
    if (exact !== undefined) return exact;
    if (scaled && this.ts.baseline !== null) return (scriptEcr - this.ts.baseline.script + this.ts.baseline.live) >>> 0;
    return null;
  }
}
