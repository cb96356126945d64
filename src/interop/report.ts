/**
 * The interop report: one table row per scenario and link (result, bytes both ways, throughput,
 * subflows that carried data, the kernel's MPTCP counters that moved) plus the failures, and a
 * JSON form.
 * Pure formatting; the caller writes it.
 */
import type { ScenarioOutcome } from "./scenario.ts";
import { subflowsUsed } from "./scenarios.ts";

const COUNTER_ABBREV: ReadonlyArray<[string, string]> = [
  ["MPTcpExtMPCapableSYNRX", "MPCSynRx"], ["MPTcpExtMPCapableSYNACKRX", "MPCSynAckRx"], ["MPTcpExtMPCapableACKRX", "MPCAckRx"],
  ["MPTcpExtMPCapableFallbackACK", "FbAck"], ["MPTcpExtMPCapableFallbackSYNACK", "FbSynAck"], ["MPTcpExtMPJoinSynRx", "JoinSynRx"],
  ["MPTcpExtMPJoinSynAckRx", "JoinSynAckRx"], ["MPTcpExtMPJoinAckRx", "JoinAckRx"], ["MPTcpExtAddAddr", "AddAddrRx"],
  ["MPTcpExtAddAddrTx", "AddAddrTx"], ["MPTcpExtEchoAdd", "EchoRx"], ["MPTcpExtDataCsumErr", "CsumErr"], ["MPTcpExtMPFailTx", "MPFailTx"],
  ["MPTcpExtMPFailRx", "MPFailRx"], ["MPTcpExtInfiniteMapTx", "InfMapTx"], ["MPTcpExtInfiniteMapRx", "InfMapRx"],
  ["MPTcpExtDssFallback", "DssFallback"], ["MPTcpExtMPRstTx", "RstTx"], ["MPTcpExtMPRstRx", "RstRx"],
];

/** The kernel counters of a run, abbreviated (`MPCSynRx=1 JoinAckRx=1 CsumErr=0`). */
export function formatCounters(o: ScenarioOutcome): string {
  const parts = COUNTER_ABBREV.filter(([name]) => (o.mib[name] ?? 0) !== 0).map(([name, short]) => `${short}=${o.mib[name]}`);
  if (!parts.some((p) => p.startsWith("CsumErr="))) parts.push("CsumErr=0");
  return parts.join(" ");
}

function mb(n: number): string {
  return (n / 2 ** 20).toFixed(1);
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
}

/** The table (with a header) and one indented line per failure. */
export function formatReport(outcomes: readonly ScenarioOutcome[], errors: readonly string[]): string {
  const header = ["scenario", "link", "result", "MiB out/in", "MB/s", "subflows", "kernel counters"];
  const rows = outcomes.map((o) => [
    o.name, o.link, o.passed ? "pass" : "FAIL", `${mb(o.ref.sentBytes)}/${mb(o.ref.recvBytes)}`, o.throughputMBps.toFixed(1),
    `${subflowsUsed(o)}/${o.refMptcp?.subflows.length ?? 0}`, formatCounters(o),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const lines = [pad(header, widths), ...rows.map((r) => pad(r, widths))];
  for (const o of outcomes) for (const f of o.failures) lines.push(`  ${o.name} (${o.link}): ${f}`);
  for (const e of errors) lines.push(`  error: ${e}`);
  const passed = outcomes.filter((o) => o.passed).length;
  lines.push(`${passed} passed, ${outcomes.length - passed + errors.length} failed`);
  return `${lines.join("\n")}\n`;
}

/** The outcomes as JSON (the `ss -M` dumps dropped to keep it short). */
export function reportJson(outcomes: readonly ScenarioOutcome[], errors: readonly string[]): string {
  return JSON.stringify({ outcomes: outcomes.map(({ ssDump: _ss, ...o }) => o), errors });
}
