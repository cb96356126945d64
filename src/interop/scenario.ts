/**
 * A scenario's shape and outcome: who connects, how many bytes each way, checksums, path
 * management, the middlebox mangle, and the expectations checked against what both sides report.
 */
import type { KernelPeerResult } from "./kernel-peer.ts";
import type { RefAppResult } from "./ref-app.ts";
import type { LinkKind } from "./topology.ts";

/** A middlebox the reference side plays. */
export type MangleKind = "none" | "strip-synack-mpc" | "corrupt-inbound" | "corrupt-outbound";

/** One interop scenario. */
export interface Scenario {
  readonly name: string;
  readonly summary: string;
  /** The reference stack's role; the kernel takes the other. */
  readonly refRole: "client" | "server";
  readonly refToKernel: number;
  readonly kernelToRef: number;
  /** net.mptcp.checksum_enabled in the kernel namespace. */
  readonly kernelChecksum: boolean;
  /** The reference stack asks for DSS checksums (MP_CAPABLE A flag). */
  readonly refChecksum: boolean;
  /** The reference stack announces its second address; the kernel (in-kernel PM) joins it. */
  readonly refAnnounces?: boolean;
  /** The kernel announces its second address (endpoint `signal`); the reference stack joins it. */
  readonly kernelSignals?: boolean;
  readonly mangle: MangleKind;
  readonly timeoutMs: number;
  /** Checks beyond the common ones; returns the failures. */
  readonly expect: (o: ScenarioOutcome) => string[];
  /** The transfer is byte-exact in both directions (false only where §3.7 fallback may lose data). */
  readonly byteExact: boolean;
  /** A known problem: the scenario runs only when named explicitly, and this says why. */
  readonly knownIssue?: string;
}

/** Bytes one subflow of the reference stack carried. */
export interface SubflowUse {
  readonly local: string;
  readonly remote: string;
  readonly kind: "initial" | "join";
  readonly bytesOut: number;
  readonly bytesIn: number;
}

/** What the reference stack's MPTCP connection reports. */
export interface RefMptcpState {
  readonly fallback: boolean;
  readonly checksum: boolean;
  readonly counters: Readonly<Record<string, number>>;
  readonly subflows: readonly SubflowUse[];
}

/** Everything a run produced. */
export interface ScenarioOutcome {
  readonly name: string;
  /** The link the reference stack used. */
  readonly link: LinkKind;
  /** The tcpdump capture of the run (kernel side of the link), when asked for. */
  readonly capture?: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly ref: RefAppResult;
  readonly refMptcp: RefMptcpState | undefined;
  readonly kernel: KernelPeerResult | undefined;
  /** MIB counters of the kernel namespace that moved during the run. */
  readonly mib: Readonly<Record<string, number>>;
  readonly mangleHits: number;
  /**
   * For a corrupted byte: its data offset, and whether the receiver got exactly the sent stream
   * with that one byte flipped (what a retroactive infinite mapping delivers, RFC 8684 §3.7).
   */
  readonly corruption?: { readonly offset: number; readonly onlyThatByteDiffers: boolean };
  readonly seconds: number;
  /** Payload bytes moved (both directions) per second of the transfer. */
  readonly throughputMBps: number;
  readonly cpuSeconds: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
  /** `ss -M` output taken while the connection was up (empty if missed). */
  readonly ssDump: string;
}

/** Checks common to every scenario: completion, bytes, hashes, no checksum errors unless provoked. */
export function commonChecks(s: Scenario, o: Omit<ScenarioOutcome, "passed" | "failures">): string[] {
  const f: string[] = [];
  const k = o.kernel;
  if (!k) return ["the kernel peer did not report"];
  if (!k.ok) f.push(`kernel peer failed: ${k.error ?? "sender did not finish"}`);
  if (!o.ref.closed) f.push("reference application did not finish (timeout)");
  if (o.ref.error !== undefined) f.push(`reference socket error errno ${o.ref.error}`);
  if (o.ref.sentBytes !== s.refToKernel) f.push(`reference sent ${o.ref.sentBytes} of ${s.refToKernel} bytes`);
  if (k.sentBytes !== s.kernelToRef) f.push(`kernel sent ${k.sentBytes} of ${s.kernelToRef} bytes`);
  if (s.byteExact) {
    if (k.recvBytes !== o.ref.sentBytes || k.recvSha !== o.ref.sentSha) f.push(`ref→kernel not byte-exact: ${k.recvBytes} bytes, sha ${k.recvSha.slice(0, 12)} vs ${o.ref.sentSha.slice(0, 12)}`);
    if (o.ref.recvBytes !== k.sentBytes || o.ref.recvSha !== k.sentSha) f.push(`kernel→ref not byte-exact: ${o.ref.recvBytes} bytes, sha ${o.ref.recvSha.slice(0, 12)} vs ${k.sentSha.slice(0, 12)}`);
    if ((o.mib["MPTcpExtDataCsumErr"] ?? 0) !== 0) f.push(`MPTcpExtDataCsumErr = ${o.mib["MPTcpExtDataCsumErr"]}, want 0`);
  }
  return f;
}

/** `want` counter equals `value` in the MIB delta (absent counts as 0). */
export function mibIs(o: ScenarioOutcome, name: string, value: number): string[] {
  const got = o.mib[name] ?? 0;
  return got === value ? [] : [`${name} = ${got}, want ${value}`];
}

/** `name` is at least `min`. */
export function mibAtLeast(o: ScenarioOutcome, name: string, min: number): string[] {
  const got = o.mib[name] ?? 0;
  return got >= min ? [] : [`${name} = ${got}, want ≥ ${min}`];
}
