/**
 * The libpcap link: a `PcapLink` captures the Ethernet frames addressed to one MAC on one
 * interface (a BPF filter in the kernel), hands their IPv4/IPv6 payload to a callback, and injects
 * IP packets wrapped in Ethernet II with `cap.send()` (on a veth end, ingress for the peer end).
 *
 * Neighbour resolution is static: the peer is given our MAC with `ip neigh … nud permanent`, and
 * we are given the peer's MAC, so no ARP is needed (IEEE 802.3 Ethernet II framing, RFC 894).
 */
import capModule from "cap";
import { MptcpdrillError } from "../../errors.ts";

/** Ethernet II header length. */
const ETH_HEADER_LEN = 14;
/** Ethertypes we carry. */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

/** How to open a link. */
export interface PcapLinkConfig {
  /** Interface name (e.g. the reference end of a veth pair). */
  readonly device: string;
  /** Our MAC address (`aa:bb:cc:dd:ee:ff`): source of injected frames, destination the filter keeps. */
  readonly localMac: string;
  /** The peer's MAC address: destination of injected frames. */
  readonly peerMac: string;
  /** Extra BPF filter ANDed with the MAC filter (e.g. `tcp`). */
  readonly filter?: string;
  /** libpcap ring size in bytes (default 64 MiB). */
  readonly bufferSize?: number;
}

/** Counters of what crossed the link. */
export interface PcapLinkStats {
  rxFrames: number; rxBytes: number; txFrames: number; txBytes: number; rxIgnored: number; rxTruncated: number; txErrors: number;
}

/** Parses `aa:bb:cc:dd:ee:ff` into 6 bytes. */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(":");
  const out = new Uint8Array(parts.map((p) => Number.parseInt(p, 16)));
  if (parts.length !== 6 || out.some((b, i) => Number.isNaN(Number.parseInt(parts[i] ?? "", 16)) || b > 255)) {
    throw new MptcpdrillError("MPD_ERR_USAGE", `not a MAC address: '${text}'`);
  }
  return out;
}

/** A live link over libpcap. Inbound IP packets go to `onPacket` (a copy, the capture buffer is reused). */
export class PcapLink {
  readonly stats: PcapLinkStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, rxIgnored: 0, rxTruncated: 0, txErrors: 0 };
  private readonly cap = new capModule.Cap();
  private readonly rxBuf: Buffer;
  private readonly txBuf = Buffer.alloc(65536 + ETH_HEADER_LEN);
  private open = false;

  /** Opens the device; `onPacket` receives each inbound IP packet. Throws MPD_ERR_PCAP on failure. */
  constructor(readonly cfg: PcapLinkConfig, private readonly onPacket: (ip: Uint8Array) => void) {
    this.rxBuf = Buffer.alloc(65536 + ETH_HEADER_LEN);
    parseMac(cfg.peerMac).forEach((b, i) => (this.txBuf[i] = b));
    parseMac(cfg.localMac).forEach((b, i) => (this.txBuf[6 + i] = b));
    const filter = `ether dst ${cfg.localMac}${cfg.filter ? ` and (${cfg.filter})` : ""}`;
    try {
      const linkType = this.cap.open(cfg.device, filter, cfg.bufferSize ?? 64 << 20, this.rxBuf);
      if (linkType !== "ETHERNET") throw new Error(`link type ${linkType}, want ETHERNET`);
    } catch (e) {
      throw new MptcpdrillError("MPD_ERR_PCAP", `cannot capture on '${cfg.device}': ${(e as Error).message}`, { cause: e });
    }
    this.open = true;
    this.cap.on("packet", (nbytes, truncated) => this.onFrame(nbytes, truncated));
  }

  private onFrame(nbytes: number, truncated: boolean): void {
    if (truncated) {
      this.stats.rxTruncated++;
      return;
    }
    const type = this.rxBuf.readUInt16BE(12);
    if (nbytes <= ETH_HEADER_LEN || (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6)) {
      this.stats.rxIgnored++;
      return;
    }
    this.stats.rxFrames++;
    this.stats.rxBytes += nbytes;
    // Copy: the capture buffer is reused for the next frame (env-notes.md).
    this.onPacket(new Uint8Array(this.rxBuf.subarray(ETH_HEADER_LEN, nbytes)));
  }

  /** Sends one IPv4 or IPv6 packet to the peer MAC. */
  send(ip: Uint8Array): void {
    if (!this.open) return;
    const type = (ip[0] ?? 0) >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    this.txBuf.writeUInt16BE(type, 12);
    this.txBuf.set(ip, ETH_HEADER_LEN);
    const n = ETH_HEADER_LEN + ip.length;
    try {
      this.cap.send(this.txBuf, n);
    } catch {
      this.stats.txErrors++; // e.g. ENOBUFS: a lost frame, which TCP recovers from
      return;
    }
    this.stats.txFrames++;
    this.stats.txBytes += n;
  }

  /** Stops capturing; later sends are dropped. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.cap.close();
  }
}
