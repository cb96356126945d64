/**
 * Runs one scenario: configures the kernel namespace, opens the link (libpcap on the reference end
 * of the veth pair, or the TUN device's fd), drives a fresh {@link SocketHost} in real time against
 * a Python IPPROTO_MPTCP peer, and gathers the evidence (hashes, MPTCP_INFO, MIB deltas, the
 * stack's own counters, a capture). Must run inside the topology's reference namespace (the
 * link's device lives there).
 */
import { performance } from "node:perf_hooks";
import { PcapLink } from "../sut/pcap/pcap-link.ts";
import { SocketHost } from "../stack/host-sockets.ts";
import type { MptcpConnection } from "../stack/mptcp/connection.ts";
import { formatIpAddress } from "../wire/address.ts";
import { formatPacket } from "../wire/dump.ts";
import { parsePacket } from "../wire/packet.ts";
import { seqDiff } from "../wire/seq.ts";
import { TCP_FLAG } from "../wire/tcp.ts";
import { KernelPeer, type KernelPeerResult, mibDelta, readMib, socketDump, startCapture, stopCapture } from "./kernel-peer.ts";
import { FLIP, type MangleCount, corruptNthPayload, stripSynAckMptcp } from "./mangle.ts";
import { type PacketSink, RealtimeLoop } from "./realtime-loop.ts";
import { RefApp } from "./ref-app.ts";
import { type RefMptcpState, type Scenario, type ScenarioOutcome, commonChecks } from "./scenario.ts";
import { TunLink } from "./tun-link.ts";
import { KERNEL_ADDRS, REF_ADDRS, REF_IF, type Topology, configureKernel } from "./topology.ts";

/** Which data segment a corrupting middlebox hits. */
const CORRUPT_NTH = 20;

/** Buffers large enough for a veth's bandwidth-delay product. */
const BUF = 4 << 20;

function refMptcpState(mp: MptcpConnection | undefined): RefMptcpState | undefined {
  if (!mp) return undefined;
  return {
    fallback: mp.fallback,
    checksum: mp.checksum,
    counters: { ...mp.counters },
    subflows: mp.subflows.map((sf) => ({
      local: `${formatIpAddress(sf.tcp.local.addr)}:${sf.tcp.local.port}`,
      remote: `${formatIpAddress(sf.tcp.remote.addr)}:${sf.tcp.remote.port}`,
      kind: sf.kind,
      bytesOut: Math.max(0, seqDiff(sf.tcp.sndUna, sf.tcp.iss) - 1),
      bytesIn: Math.max(0, seqDiff(sf.tcp.rcvNxt, sf.tcp.irs) - 1),
    })),
  };
}

function installMangle(s: Scenario, loop: RealtimeLoop, count: MangleCount): void {
  if (s.mangle === "strip-synack-mpc") loop.mangleIn = stripSynAckMptcp(count);
  // The 20th data segment: past the first mapping, so Linux answers with MP_FAIL rather than a silent fallback.
  if (s.mangle === "corrupt-inbound") loop.mangleIn = corruptNthPayload(CORRUPT_NTH, count);
  if (s.mangle === "corrupt-outbound") loop.mangleOut = corruptNthPayload(CORRUPT_NTH, count);
}

/**
 * A packet trace on `out` (MPD_INTEROP_TRACE): the first 60 packets; with `ctl`, also every later
 * SYN, FIN or RST; with `all`, every packet.
 */
function traceTo(out: NodeJS.WritableStream, mode: string): (dir: "in" | "out", now: number, ip: Uint8Array) => void {
  let n = 0;
  return (dir, now, ip) => {
    const p = parsePacket(ip);
    const ctl = p.ok && p.value.l4.kind === "tcp" && (p.value.l4.flags & (TCP_FLAG.SYN | TCP_FLAG.FIN | TCP_FLAG.RST)) !== 0;
    if (n++ > 60 && mode !== "all" && !(mode === "ctl" && ctl)) return;
    out.write(`${(now / 1e6).toFixed(6)} ${dir} ${p.ok ? formatPacket(p.value) : "?"}\n`);
  };
}

/** An open link: packets out, and a close that may wait for the link's reader. */
interface OpenLink extends PacketSink {
  close(): void | Promise<void>;
}

/**
 * Opens the topology's link. libpcap handles that were closed are pushed onto `retain`: the `cap`
 * binding stops its uv_poll handle without closing it, so freeing a closed handle (GC) corrupts
 * the heap; the worker keeps them until it exits.
 */
function openLink(t: Topology, deliver: (ip: Uint8Array) => void, retain: unknown[]): OpenLink {
  if (t.link === "tun") return new TunLink(t.kernelIf, deliver);
  const link = new PcapLink({ device: REF_IF, localMac: t.refMac, peerMac: t.kernelMac, filter: "tcp" }, deliver);
  retain.push(link);
  return link;
}

/** The capture file of scenario `name` on `link` in `dir`. */
export function captureFile(dir: string, name: string, link: Topology["link"]): string {
  return `${dir}/${name}.${link}.pcap`;
}

/** Runs `s` on topology `t` with TCP port `port`; never throws for a protocol failure. */
export async function runScenario(t: Topology, s: Scenario, port: number, seed: number, captureDir?: string, retain: unknown[] = []): Promise<ScenarioOutcome> {
  configureKernel(t, { checksum: s.kernelChecksum, signal: s.kernelSignals ? [KERNEL_ADDRS[1]] : [] });
  const mibBefore = readMib(t.kernelNs);
  const captured = captureDir ? captureFile(captureDir, s.name, t.link) : undefined;
  const capture = captured ? await startCapture(t.kernelNs, t.kernelIf, captured) : undefined;
  const host = new SocketHost({
    addresses: [...REF_ADDRS], seed,
    tcp: { rcvBuf: BUF, sndBuf: BUF },
    mptcp: { checksum: s.refChecksum, rcvBuf: BUF, sndBuf: BUF, addAddrTimeout: 1_000_000 },
  });
  let loop: RealtimeLoop | undefined;
  const link = openLink(t, (p) => loop?.deliver(p), retain);
  loop = new RealtimeLoop(host, link);
  const count: MangleCount = { hits: 0, offsets: [] };
  installMangle(s, loop, count);
  const traceMode = process.env["MPD_INTEROP_TRACE"];
  if (traceMode) loop.trace = traceTo(process.stderr, traceMode);
  const peer = new KernelPeer(t.kernelNs, {
    role: s.refRole === "client" ? "server" : "client", port, connect: REF_ADDRS[0], sendBytes: s.kernelToRef,
    seed, timeoutSec: Math.ceil(s.timeoutMs / 1000) + 5,
  });
  let app: RefApp | undefined;
  let mp: MptcpConnection | undefined;
  let ssDump = "";
  const start = performance.now();
  let kernel: KernelPeerResult | undefined;
  try {
    if (s.refRole === "client") await peer.ready;
    app = new RefApp(host, {
      role: s.refRole, address: KERNEL_ADDRS[0], port, sendBytes: s.refToKernel, keepReceived: s.mangle === "corrupt-inbound",
      ...(s.refAnnounces ? { announce: REF_ADDRS[1] } : {}), ...(s.kernelSignals ? { joinFrom: REF_ADDRS[1] } : {}),
    });
    const a = app;
    let halfway = false;
    await loop.run(() => {
      mp ??= host.mptcpOf(a.fd);
      if (!halfway && a.fd >= 0 && (host.mptcpOf(a.fd)?.dataUna ?? 0n) > 0n && loop.stats.packetsIn > 200) {
        halfway = true;
        ssDump = socketDump(t.kernelNs);
      }
      return a.tick();
    }, s.timeoutMs);
    // Let the closing handshakes (FIN, last ACKs) finish.
    await loop.run(() => host.pollAt() === "ingress" || [...host.conns.values()].every((c) => c.state === "TimeWait" || c.state === "Closed"), 3000);
    kernel = await Promise.race([peer.done, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
  } finally {
    peer.kill();
    if (capture) await stopCapture(capture, captured);
    await link.close();
  }
  const seconds = (performance.now() - start) / 1000;
  if (!app) throw new Error("unreachable: no application");
  const ref = app.result();
  const offset = count.offsets[0];
  let corruption: ScenarioOutcome["corruption"];
  if (offset !== undefined && kernel) {
    const onlyThatByteDiffers = s.mangle === "corrupt-outbound" ? kernel.recvSha === app.sentShaWithFlip(offset, FLIP) && kernel.recvBytes === ref.sentBytes
      : app.receivedShaWithFlip(offset, FLIP) === kernel.sentSha && ref.recvBytes === kernel.sentBytes;
    corruption = { offset, onlyThatByteDiffers };
  }
  const partial = {
    ...(corruption ? { corruption } : {}),
    name: s.name, link: t.link, ...(captured ? { capture: captured } : {}), ref, refMptcp: refMptcpState(mp), kernel,
    mib: mibDelta(mibBefore, readMib(t.kernelNs)), mangleHits: count.hits, seconds,
    throughputMBps: (ref.sentBytes + ref.recvBytes) / seconds / 1e6,
    cpuSeconds: (loop.stats.cpuUserMicros + loop.stats.cpuSystemMicros) / 1e6,
    packetsIn: loop.stats.packetsIn, packetsOut: loop.stats.packetsOut, ssDump,
  };
  const failures = commonChecks(s, partial);
  const withChecks = { ...partial, passed: false, failures };
  failures.push(...s.expect(withChecks));
  return { ...withChecks, passed: failures.length === 0 };
}
