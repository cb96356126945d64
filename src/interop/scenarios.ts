/**
 * The interop scenarios (issue 8): MP_CAPABLE both ways with and without DSS checksums (RFC 8684
 * §3.1, CS-01), MP_JOIN after ADD_ADDR both ways (§3.2, §3.4.1), a ≥ 20 MB bidirectional bulk
 * transfer over two subflows with DATA_FIN (§3.3), and fallback: a stripped SYN/ACK (FB-03) and a
 * corrupted payload byte caught by the DSS checksum (§3.7, CS-04).
 */
import { type Scenario, type ScenarioOutcome, mibAtLeast, mibIs } from "./scenario.ts";

const MB = 1 << 20;

function kernelCsum(o: ScenarioOutcome, want: boolean): string[] {
  const got = o.kernel?.mptcpInfo["csum_enabled"];
  const f = got === (want ? 1 : 0) ? [] : [`kernel csum_enabled = ${got}, want ${want ? 1 : 0}`];
  if (o.refMptcp?.checksum !== want) f.push(`reference checksum = ${o.refMptcp?.checksum}, want ${want}`);
  return f;
}

function mptcpKept(o: ScenarioOutcome): string[] {
  const f: string[] = [];
  if (o.kernel?.isMptcp !== 1) f.push(`kernel TCP_IS_MPTCP = ${o.kernel?.isMptcp}, want 1`);
  if (!o.refMptcp || o.refMptcp.fallback) f.push("reference connection fell back to TCP");
  return f;
}

function kernelToRefExact(o: ScenarioOutcome): string[] {
  const k = o.kernel;
  return k && o.ref.recvBytes === k.sentBytes && o.ref.recvSha === k.sentSha ? [] : ["kernel→ref not byte-exact"];
}

function onlyFlipped(o: ScenarioOutcome): string[] {
  if (!o.corruption) return ["no corruption offset recorded"];
  return o.corruption.onlyThatByteDiffers ? [] : [`the received stream is not the sent one with byte ${o.corruption.offset} flipped`];
}

function refToKernelExact(o: ScenarioOutcome): string[] {
  const k = o.kernel;
  return k && k.recvBytes === o.ref.sentBytes && k.recvSha === o.ref.sentSha ? [] : ["ref→kernel not byte-exact"];
}

/** Subflows that carried at least `min` payload bytes in either direction. */
export function subflowsUsed(o: ScenarioOutcome, min = 1): number {
  return (o.refMptcp?.subflows ?? []).filter((s) => s.bytesOut + s.bytesIn >= min).length;
}

function twoSubflowsCarry(o: ScenarioOutcome, min: number): string[] {
  const sfs = o.refMptcp?.subflows ?? [];
  if (sfs.length < 2) return [`${sfs.length} subflow(s), want 2`];
  const f: string[] = [];
  for (const sf of sfs) {
    if (sf.bytesOut < min) f.push(`subflow ${sf.local}→${sf.remote} sent ${sf.bytesOut} bytes, want ≥ ${min}`);
    if (sf.bytesIn < min) f.push(`subflow ${sf.local}→${sf.remote} received ${sf.bytesIn} bytes, want ≥ ${min}`);
  }
  return f;
}

function basic(name: string, refRole: "client" | "server", csum: boolean): Scenario {
  return {
    name, refRole, refToKernel: MB, kernelToRef: MB, mangle: "none", timeoutMs: 20_000, byteExact: true,
    // Checksums are asked for by one side only: the other must follow the A flag (CS-01).
    kernelChecksum: csum && refRole === "client", refChecksum: csum && refRole === "server",
    summary: `reference ${refRole}, kernel ${refRole === "client" ? "server" : "client"}, 1 MB each way, checksums ${csum ? "on" : "off"}`,
    expect: (o) => [
      ...mptcpKept(o), ...kernelCsum(o, csum),
      ...(refRole === "client" ? mibIs(o, "MPTcpExtMPCapableSYNRX", 1) : mibIs(o, "MPTcpExtMPCapableSYNACKRX", 1)),
      ...mibIs(o, "MPTcpExtMPCapableFallbackACK", 0), ...mibIs(o, "MPTcpExtMPCapableFallbackSYNACK", 0),
    ],
  };
}

/** Every scenario, in run order. */
export const SCENARIOS: readonly Scenario[] = [
  basic("mpc-ref-client", "client", false),
  basic("mpc-ref-client-csum", "client", true),
  basic("mpc-kernel-client", "server", false),
  basic("mpc-kernel-client-csum", "server", true),
  {
    name: "join-ref-announces", refRole: "server", refToKernel: 4 * MB, kernelToRef: 4 * MB, kernelChecksum: false, refChecksum: false,
    refAnnounces: true, mangle: "none", timeoutMs: 30_000, byteExact: true,
    summary: "reference server announces 10.200.2.2 (ADD_ADDR); the kernel client joins it",
    expect: (o) => [
      ...mptcpKept(o), ...mibIs(o, "MPTcpExtAddAddr", 1), ...mibIs(o, "MPTcpExtMPJoinSynAckRx", 1),
      ...mibIs(o, "MPTcpExtEchoAdd", 0), ...(o.refMptcp?.counters["addAddrEchoRx"] === 1 ? [] : ["reference saw no ADD_ADDR echo"]),
      ...twoSubflowsCarry(o, 1),
    ],
  },
  {
    name: "join-kernel-announces", refRole: "client", refToKernel: 4 * MB, kernelToRef: 4 * MB, kernelChecksum: false, refChecksum: false,
    kernelSignals: true, mangle: "none", timeoutMs: 30_000, byteExact: true,
    summary: "kernel server announces 10.200.2.1 (endpoint signal); the reference client joins it from 10.200.2.2",
    expect: (o) => [
      ...mptcpKept(o), ...mibIs(o, "MPTcpExtEchoAdd", 1), ...mibIs(o, "MPTcpExtMPJoinSynRx", 1), ...mibIs(o, "MPTcpExtMPJoinAckRx", 1),
      ...twoSubflowsCarry(o, 1),
    ],
  },
  {
    name: "bulk-20mb-two-subflows", refRole: "client", refToKernel: 20 * MB, kernelToRef: 20 * MB, kernelChecksum: false, refChecksum: false,
    kernelSignals: true, mangle: "none", timeoutMs: 90_000, byteExact: true,
    summary: "20 MB each way over two subflows (kernel signals, reference joins), DATA_FIN and close",
    expect: (o) => [...mptcpKept(o), ...mibIs(o, "MPTcpExtMPJoinAckRx", 1), ...twoSubflowsCarry(o, MB)],
  },
  {
    name: "fallback-synack-stripped", refRole: "client", refToKernel: MB, kernelToRef: MB, kernelChecksum: false, refChecksum: false,
    mangle: "strip-synack-mpc", timeoutMs: 20_000, byteExact: true,
    summary: "the reference side strips MP_CAPABLE from the kernel's SYN/ACK: both carry on as plain TCP",
    expect: (o) => [
      ...(o.mangleHits >= 1 ? [] : ["no SYN/ACK was stripped"]),
      ...(o.kernel?.isMptcp === 0 ? [] : [`kernel TCP_IS_MPTCP = ${o.kernel?.isMptcp}, want 0`]),
      ...(o.refMptcp?.fallback ? [] : ["reference connection did not fall back"]),
      ...mibIs(o, "MPTcpExtMPCapableSYNRX", 1), ...mibIs(o, "MPTcpExtMPCapableFallbackACK", 1),
    ],
  },
  {
    name: "mpfail-kernel-detects", refRole: "client", refToKernel: MB, kernelToRef: MB, kernelChecksum: true, refChecksum: true,
    mangle: "corrupt-outbound", timeoutMs: 20_000, byteExact: false,
    summary: "one payload byte of the reference's 20th data segment flipped (TCP checksum fixed): the kernel's DSS checksum fails, MP_FAIL, infinite mapping, fallback",
    expect: (o) => [
      ...(o.mangleHits === 1 ? [] : [`${o.mangleHits} segments corrupted, want 1`]),
      ...mibIs(o, "MPTcpExtDataCsumErr", 1), ...mibIs(o, "MPTcpExtMPFailTx", 1), ...mibIs(o, "MPTcpExtInfiniteMapRx", 1),
      ...(o.refMptcp?.counters["mpFailRx"] === 1 ? [] : [`reference mpFailRx = ${o.refMptcp?.counters["mpFailRx"]}, want 1`]),
      ...(o.refMptcp?.counters["infiniteMapTx"] === 1 ? [] : [`reference infiniteMapTx = ${o.refMptcp?.counters["infiniteMapTx"]}, want 1`]),
      ...(o.kernel?.isMptcp === 0 ? [] : [`kernel TCP_IS_MPTCP = ${o.kernel?.isMptcp}, want 0 (fallen back)`]),
      ...kernelToRefExact(o), ...onlyFlipped(o),
    ],
  },
  {
    name: "mpfail-ref-detects", refRole: "client", refToKernel: MB, kernelToRef: MB, kernelChecksum: true, refChecksum: true,
    mangle: "corrupt-inbound", timeoutMs: 20_000, byteExact: false,
    knownIssue: "Linux 6.18 answers MP_FAIL and counts InfiniteMapTx, but its first fallback segment carries no DSS and its send side then stalls; the reference stack's post-fallback ACK clock crawls (RTO vs delayed ACK)",
    summary: "one payload byte of the kernel's 20th data segment flipped (TCP checksum fixed): the reference's DSS checksum fails, MP_FAIL, infinite mapping, fallback",
    expect: (o) => [
      ...(o.mangleHits === 1 ? [] : [`${o.mangleHits} segments corrupted, want 1`]),
      ...mibIs(o, "MPTcpExtDataCsumErr", 0), ...mibIs(o, "MPTcpExtMPFailRx", 1), ...mibIs(o, "MPTcpExtInfiniteMapTx", 1),
      ...(o.refMptcp?.counters["mpFailTx"] === 1 ? [] : [`reference mpFailTx = ${o.refMptcp?.counters["mpFailTx"]}, want 1`]),
      ...((o.refMptcp?.counters["infiniteMapRx"] ?? 0) + (o.refMptcp?.counters["implicitInfiniteMapRx"] ?? 0) === 1 ? []
        : ["the reference saw no infinite mapping (explicit or implicit)"]),
      ...refToKernelExact(o), ...onlyFlipped(o),
      ...(o.kernel?.isMptcp === 0 ? [] : [`kernel TCP_IS_MPTCP = ${o.kernel?.isMptcp}, want 0 (fallen back)`]),
    ],
  },
];
