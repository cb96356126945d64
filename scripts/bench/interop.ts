/**
 * Interop throughput: the reference stack (src/stack, real-time loop) moving 20 MiB each way over
 * two subflows with the live kernel, over both links (libpcap on a veth pair; a TUN device's fd
 * in the kernel's namespace), beside kernel-to-kernel MPTCP over the veth pair measured in the
 * same run (same bytes, same Python peer), as ratios; plus the reference stack's CPU time per MB
 * on each link. Needs root (network namespaces).
 */
import { runInterop } from "../../src/interop/run-interop.ts";
import type { ScenarioOutcome } from "../../src/interop/scenario.ts";
import { LINK_KINDS } from "../../src/interop/topology.ts";

const BYTES = 20 * 2 ** 20;

function row(o: ScenarioOutcome, kernelMBps: number): string[] {
  const moved = (o.ref.sentBytes + o.ref.recvBytes) / 1e6;
  const label = `(${o.link === "veth" ? "veth + libpcap" : "tun"})`.padEnd(17);
  return [
    `reference ↔ kernel ${label}: ${moved.toFixed(1)} MB in ${o.seconds.toFixed(2)} s = ${o.throughputMBps.toFixed(1)} MB/s (${o.passed ? "byte-exact" : "FAILED"}, 2 subflows), ratio to kernel ↔ kernel ${(o.throughputMBps / kernelMBps).toFixed(3)}`,
    ...o.failures.map((f) => `  failure: ${f}`),
    `  reference CPU ${`(${o.link})`.padEnd(21)}: ${o.cpuSeconds.toFixed(2)} s for ${moved.toFixed(1)} MB = ${((o.cpuSeconds * 1000) / moved).toFixed(1)} ms/MB (${o.packetsIn} packets in, ${o.packetsOut} out)`,
  ];
}

export default {
  title: "interop: reference stack vs kernel-to-kernel MPTCP, veth + libpcap and TUN",
  async run(log: (line: string) => void): Promise<void> {
    const r = await runInterop({ scenarios: ["bulk-20mb-two-subflows"], links: LINK_KINDS, kernelBaselineBytes: BYTES });
    if (!r.baseline || r.outcomes.length !== LINK_KINDS.length) {
      log(`interop bench did not run: ${r.errors.join("; ") || "missing outcome or baseline"}`);
      return;
    }
    const b = r.baseline;
    log(`kernel ↔ kernel    ${"(veth)".padEnd(17)}: ${(b.bytes / 1e6).toFixed(1)} MB in ${b.seconds.toFixed(2)} s = ${b.MBps.toFixed(1)} MB/s (${b.exact ? "byte-exact" : "FAILED"}, 1 subflow)`);
    for (const o of r.outcomes) for (const line of row(o, b.MBps)) log(line);
    for (const e of r.errors) log(`error: ${e}`);
  },
};
