/**
 * Text and JSON renderings of a verify report: one line per violation
 * (`frame 123: CS-02: DSS checksum 0x1234 does not match 0xabcd (…) [a:p > b:q]`), then a
 * summary of connections, subflows, packets and checks run per checklist ID (RFC 8684 §3).
 */
import type { VerifyReport } from "./verifier.ts";
import { CHECK_IDS, type Violation } from "./violation.ts";

/**
 * One violation as a line: `frame N: ID (RFC 8684 §x): message; Field carried X, expected Y
 * [flow]`, and `(and K more packets up to frame M)` when the cause affects several.
 */
export function formatViolation(v: Violation): string {
  let s = `frame ${v.frame}: ${v.id} (${v.rule}): ${v.message}`;
  if (v.carried !== undefined || v.expected !== undefined) s += `; ${v.field ?? "value"} carried ${v.carried ?? "?"}, expected ${v.expected ?? "?"}`;
  if (v.packets > 1) s += ` (and ${v.packets - 1} more packet${v.packets === 2 ? "" : "s"} up to frame ${v.lastFrame}, same cause)`;
  return `${s} [${v.flow}]`;
}

/** The summary lines that follow the violations. */
export function formatSummary(r: VerifyReport, file: string): string[] {
  const s = r.stats;
  const lines = [
    `// ${file}: ${s.packets} packets, ${s.tcpSegments} TCP segments, ${s.undecodable} not decoded, ${s.truncated} cut by the snap length`,
    `// ${s.mptcpConnections} MPTCP connections (${s.fallbackConnections} fell back), ${s.subflows} subflows, ${s.plainTcpFlows} plain TCP flows, ${s.flowsWithoutHandshake} flows without handshake (not checked)`,
  ];
  const runs = CHECK_IDS.flatMap((id) => {
    const c = r.checks.get(id);
    if (c === undefined) return [];
    const parts = [`${c.run} run`, `${c.failed} failed`];
    if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
    return [`${id} ${parts.join(", ")}`];
  });
  lines.push(`// checks: ${runs.length > 0 ? runs.join("; ") : "none ran"}`);
  for (const [reason, n] of r.skipped) lines.push(`// skipped ${reason} (${n}×)`);
  for (const e of r.decodeErrors.slice(0, 20)) lines.push(`// cannot decode: ${e}`);
  for (const reason of r.incomplete) lines.push(`// incomplete: ${reason}`);
  const n = r.violations.length;
  const verdict = verdictOf(r);
  if (verdict === "violations") lines.push(`verify: ${n} violation${n === 1 ? "" : "s"}${r.incomplete.length > 0 ? " (and the capture was not wholly checked)" : ""}`);
  else if (verdict === "inconclusive") lines.push(`verify: inconclusive: ${r.incomplete.join("; ")}`);
  else lines.push("verify: clean");
  return lines;
}

/**
 * The report's verdict: `violations` when any check failed; otherwise `inconclusive` when some
 * part of the capture was not read or checked ({@link VerifyReport.incomplete}); `clean` only when
 * checks ran over the whole capture and none failed.
 */
export type VerifyVerdict = "clean" | "violations" | "inconclusive";

/** See {@link VerifyVerdict}. */
export function verdictOf(r: VerifyReport): VerifyVerdict {
  if (r.violations.length > 0) return "violations";
  return r.incomplete.length > 0 ? "inconclusive" : "clean";
}

/** The `schema` tag of `--json` output; docs/verify-report.schema.json describes this version. */
export const REPORT_SCHEMA = "mptcpdrill-verify-report/1";

/**
 * The whole report as a JSON-ready value (bigints never escape: values are text), in the shape
 * docs/verify-report.schema.json describes.
 */
export function reportJson(r: VerifyReport, file: string): unknown {
  return {
    schema: REPORT_SCHEMA,
    file,
    verdict: verdictOf(r),
    clean: verdictOf(r) === "clean",
    incomplete: r.incomplete,
    violations: r.violations.map((v) => ({ ...v })),
    checks: Object.fromEntries(CHECK_IDS.flatMap((id) => {
      const c = r.checks.get(id);
      return c === undefined ? [] : [[id, { ...c }]];
    })),
    skipped: Object.fromEntries(r.skipped),
    decodeErrors: r.decodeErrors,
    stats: r.stats,
  };
}
