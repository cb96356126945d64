/**
 * Options negotiated on the SYN and SYN/ACK: MSS (RFC 9293 §3.7.1), window scale and timestamps
 * (RFC 7323 §2, §3), SACK-permitted (RFC 2018 §2). Options are laid out the way Linux does, so
 * the reference stack's SYNs look like a kernel's.
 */
import type { TcpOption } from "../../wire/tcp-options.ts";
import { findTcpOption } from "../../wire/tcp-options.ts";

/** What this side offers on its SYN or SYN/ACK. */
export interface SynOffer {
  readonly mss: number;
  readonly wscale: number | undefined;
  readonly timestamps: boolean;
  readonly sackPermitted: boolean;
}

/** The outcome of the negotiation. */
export interface Negotiated {
  /** The most payload bytes we put in one segment (before option overhead). */
  readonly sendMss: number;
  /** Shift applied to windows the peer advertises (0 when scaling is off). */
  readonly sndWscale: number;
  /** Shift applied to windows we advertise (0 when scaling is off). */
  readonly rcvWscale: number;
  readonly timestamps: boolean;
  readonly sackPermitted: boolean;
}

/** RFC 9293 §3.7.1: "SendMSS ... 536 for IPv4 or 1220 for IPv6" when the option is absent. */
export function defaultMss(ipv6: boolean): number {
  return ipv6 ? 1220 : 536;
}

/** The option list of a SYN or SYN/ACK: `mss, sackOK, TS, nop, wscale` as Linux orders them. */
export function synOptions(offer: SynOffer, tsVal: number, tsEcr: number): TcpOption[] {
  const opts: TcpOption[] = [{ kind: "mss", mss: offer.mss }];
  if (offer.sackPermitted && offer.timestamps) opts.push({ kind: "sackPermitted" });
  else if (offer.sackPermitted || offer.timestamps) opts.push({ kind: "nop" }, { kind: "nop" });
  if (offer.timestamps) opts.push({ kind: "timestamps", tsVal, tsEcr });
  else if (offer.sackPermitted) opts.push({ kind: "sackPermitted" });
  if (offer.wscale !== undefined) opts.push({ kind: "nop" }, { kind: "wscale", shift: offer.wscale });
  return opts;
}

/** What the peer's SYN or SYN/ACK says. */
export function peerSynOffer(opts: readonly TcpOption[], ipv6: boolean): SynOffer {
  return {
    mss: findTcpOption(opts, "mss")?.mss ?? defaultMss(ipv6),
    wscale: findTcpOption(opts, "wscale")?.shift,
    timestamps: findTcpOption(opts, "timestamps") !== undefined,
    sackPermitted: findTcpOption(opts, "sackPermitted") !== undefined,
  };
}

/** The answer a passive opener gives: it offers only what the SYN offered (RFC 7323 §2.2, RFC 2018 §2). */
export function answerOffer(ours: SynOffer, peer: SynOffer): SynOffer {
  return {
    mss: ours.mss,
    wscale: peer.wscale !== undefined ? ours.wscale : undefined,
    timestamps: ours.timestamps && peer.timestamps,
    sackPermitted: ours.sackPermitted && peer.sackPermitted,
  };
}

/** Combines both offers. */
export function negotiate(ours: SynOffer, peer: SynOffer): Negotiated {
  // RFC 7323 §2.3: "the maximum shift count ... is 14"; scaling is on only if both sides sent the option.
  const scaling = ours.wscale !== undefined && peer.wscale !== undefined;
  return {
    sendMss: Math.min(ours.mss, peer.mss),
    sndWscale: scaling ? Math.min(14, peer.wscale ?? 0) : 0,
    rcvWscale: scaling ? (ours.wscale ?? 0) : 0,
    timestamps: ours.timestamps && peer.timestamps,
    sackPermitted: ours.sackPermitted && peer.sackPermitted,
  };
}
