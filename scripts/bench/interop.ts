/**
 * Interop throughput: the reference stack (src/stack, real-time loop, libpcap on a veth) moving
 * 20 MiB each way over two subflows with the live kernel, beside kernel-to-kernel MPTCP over the
 * same veth pair measured in the same run (same bytes, same Python peer), as a ratio; plus the
 * reference stack's CPU time per MB. Needs root (network namespaces).
 */
import { runInterop } from "../../src/interop/run-interop.ts";

const BYTES = 20 * 2 ** 20;

export default {
  title: "interop: reference stack vs kernel-to-kernel MPTCP over veth",
  async run(log: (line: string) => void): Promise<void> {
    const r = await runInterop({ scenarios: ["bulk-20mb-two-subflows"], kernelBaselineBytes: BYTES });
    const o = r.outcomes[0];
    if (!o || !r.baseline) {
      log(`interop bench did not run: ${r.errors.join("; ") || "no outcome"}`);
      return;
    }
    const moved = (o.ref.sentBytes + o.ref.recvBytes) / 1e6;
    log(`reference stack ↔ kernel : ${moved.toFixed(1)} MB in ${o.seconds.toFixed(2)} s = ${o.throughputMBps.toFixed(1)} MB/s (${o.passed ? "byte-exact" : "FAILED"}, 2 subflows)`);
    log(`kernel ↔ kernel          : ${(r.baseline.bytes / 1e6).toFixed(1)} MB in ${r.baseline.seconds.toFixed(2)} s = ${r.baseline.MBps.toFixed(1)} MB/s (${r.baseline.exact ? "byte-exact" : "FAILED"}, 1 subflow)`);
    log(`ratio reference/kernel   : ${(o.throughputMBps / r.baseline.MBps).toFixed(3)}`);
    log(`reference CPU            : ${o.cpuSeconds.toFixed(2)} s for ${moved.toFixed(1)} MB = ${((o.cpuSeconds * 1000) / moved).toFixed(1)} ms/MB (${o.packetsIn} packets in, ${o.packetsOut} out)`);
  },
};
