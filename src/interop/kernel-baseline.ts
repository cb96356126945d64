/**
 * The baseline for the interop bench: kernel-to-kernel MPTCP over the same veth pair, measured in
 * the same run. The reference end gets a real address so the second namespace's own kernel takes
 * the place of the reference stack; the same Python peer runs on both sides.
 */
import { performance } from "node:perf_hooks";
import { KernelPeer } from "./kernel-peer.ts";
import { KERNEL_ADDRS, REF_ADDRS, REF_IF, type Topology, configureKernel, nsSh } from "./topology.ts";

/** One kernel-to-kernel transfer. */
export interface BaselineResult {
  readonly bytes: number;
  readonly seconds: number;
  readonly MBps: number;
  readonly exact: boolean;
}

/** Moves `bytes` each way between the two namespaces' kernels (single subflow, checksums off). */
export async function kernelToKernel(t: Topology, bytes: number, port: number): Promise<BaselineResult> {
  configureKernel(t, { checksum: false, signal: [] });
  nsSh(t.refNs, ["ip", "addr", "replace", `${REF_ADDRS[0]}/24`, "dev", REF_IF]);
  try {
    const server = new KernelPeer(t.kernelNs, { role: "server", port, sendBytes: bytes, seed: 11, timeoutSec: 60 });
    await server.ready;
    const start = performance.now();
    const client = new KernelPeer(t.refNs, { role: "client", port, connect: KERNEL_ADDRS[0], sendBytes: bytes, seed: 12, timeoutSec: 60 });
    const [s, c] = await Promise.all([server.done, client.done]);
    const seconds = (performance.now() - start) / 1000;
    const exact = s.ok && c.ok && s.recvSha === c.sentSha && c.recvSha === s.sentSha;
    return { bytes: 2 * bytes, seconds, MBps: (2 * bytes) / seconds / 1e6, exact };
  } finally {
    nsSh(t.refNs, ["ip", "addr", "flush", "dev", REF_IF], { allowFail: true });
  }
}
