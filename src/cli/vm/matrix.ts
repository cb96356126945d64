/**
 * The verdict matrix of `mptcpdrill vm`: one row per script and variant, one column per kernel,
 * each cell the job's verdict there (pass, fail at line N, known difference, error, …), with rows
 * that differ between kernels first. Rendered for the terminal, as JSON and as JUnit (one suite
 * per kernel). Built from the verdicts the runs reported; it decides nothing itself.
 */
import type { Variant, Verdict } from "../../interp/events.ts";

/** One cell: the verdict of one job on one kernel. */
export interface MatrixCell {
  /** The job's final verdict; `flaky` (passed on a retry, `--retries`) counts as a pass in JUnit. */
  readonly verdict: Verdict;
  readonly line: number | null;
  readonly message: string | null;
  readonly ms: number | null;
  /** The job's pcap, when the run captured (`--capture`). */
  readonly capture: string | null;
}

/** One kernel's column and how it ran. */
export interface MatrixColumn {
  readonly kernel: string;
  /** `uname -r` of the kernel (the host's for `host`). */
  readonly release: string;
  /** `host` (no VM), `tcg` or `kvm`. */
  readonly accel: string;
  /** What every job's `tolerance_usecs` was multiplied by. */
  readonly toleranceScale: number;
  /** The run's exit code on this kernel. */
  readonly exitCode: number;
  readonly wallMs: number;
}

/** One script as one variant. */
export interface MatrixRow {
  readonly file: string;
  readonly variant: Variant;
  /** Cells by kernel label; a kernel that did not run the job has none. */
  readonly cells: Readonly<Record<string, MatrixCell>>;
  /** True when the cells are not all the same (verdict and line). */
  readonly differs: boolean;
}

/** The whole matrix. */
export interface VerdictMatrix {
  readonly columns: readonly MatrixColumn[];
  readonly rows: readonly MatrixRow[];
}

/** A cell in a few characters: `pass`, `fail:12`, `known:12`, `xpass:3`, `error`, `skip`, `-`. */
export function cellText(c: MatrixCell | undefined): string {
  if (c === undefined) return "-";
  const at = c.line === null ? "" : `:${c.line}`;
  switch (c.verdict) {
    case "pass":
    case "skip":
      return c.verdict;
    case "xfail":
      return `known${at}`;
    default:
      return `${c.verdict}${at}`;
  }
}

/** Builds the matrix from per-kernel verdicts (keyed `file|variant`), rows that differ first. */
export function buildMatrix(columns: readonly MatrixColumn[], cells: ReadonlyMap<string, ReadonlyMap<string, MatrixCell & { file: string; variant: Variant }>>): VerdictMatrix {
  const keys = new Map<string, { file: string; variant: Variant }>();
  for (const perKernel of cells.values()) for (const [k, c] of perKernel) keys.set(k, { file: c.file, variant: c.variant });
  const rows: MatrixRow[] = [...keys].map(([k, { file, variant }]) => {
    const row: Record<string, MatrixCell> = {};
    for (const col of columns) {
      const c = cells.get(col.kernel)?.get(k);
      if (c !== undefined) row[col.kernel] = { verdict: c.verdict, line: c.line, message: c.message, ms: c.ms, capture: c.capture };
    }
    const texts = new Set(columns.map((col) => cellText(row[col.kernel])));
    return { file, variant, cells: row, differs: texts.size > 1 };
  });
  rows.sort((a, b) => Number(b.differs) - Number(a.differs) || a.file.localeCompare(b.file) || a.variant.localeCompare(b.variant));
  return { columns, rows };
}

/** The matrix as a text table (differing rows first, marked `*`), then per-kernel counts. */
export function renderMatrixText(m: VerdictMatrix): string {
  const head = ["", "script", "variant", ...m.columns.map((c) => c.kernel)];
  const body = m.rows.map((r) => [r.differs ? "*" : " ", r.file, r.variant, ...m.columns.map((c) => cellText(r.cells[c.kernel]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  const differing = m.rows.filter((r) => r.differs).length;
  const out = [`verdict matrix: ${m.rows.length} jobs, ${differing} differ between kernels (marked *, listed first)`, line(head), ...body.map(line), ""];
  for (const c of m.columns) {
    const counts = new Map<string, number>();
    for (const r of m.rows) {
      const v = r.cells[c.kernel]?.verdict ?? "missing";
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const summary = [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
    out.push(`${c.kernel}: ${c.release}, ${c.accel}, tolerance x${c.toleranceScale}, ${(c.wallMs / 1000).toFixed(1)} s, exit ${c.exitCode}: ${summary}`);
  }
  return `${out.join("\n")}\n`;
}

/** The matrix as JSON (stable key order). */
export function renderMatrixJson(m: VerdictMatrix): string {
  return `${JSON.stringify({ columns: m.columns, rows: m.rows }, null, 2)}\n`;
}

const xml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/g, "");

/** The matrix as JUnit XML: one `<testsuite>` per kernel, one `<testcase>` per row it ran. */
export function renderMatrixJunit(m: VerdictMatrix): string {
  const suites = m.columns.map((c) => {
    const cases = m.rows.flatMap((r) => {
      const cell = r.cells[c.kernel];
      if (cell === undefined) return [];
      const name = `${r.file} [${r.variant}]`;
      const time = ((cell.ms ?? 0) / 1000).toFixed(3);
      const msg = xml(cell.message ?? "");
      const at = cell.line === null ? "" : ` at line ${cell.line}`;
      let inner = "";
      if (cell.verdict === "fail" || cell.verdict === "xpass") inner = `<failure message="${xml(`${cell.verdict}${at}`)}">${msg}</failure>`;
      else if (cell.verdict === "error") inner = `<error message="error${at}">${msg}</error>`;
      else if (cell.verdict === "skip" || cell.verdict === "xfail") inner = `<skipped message="${xml(cell.verdict === "xfail" ? `known difference${at}` : "skipped")}"/>`;
      return [`    <testcase classname="${xml(c.kernel)}" name="${xml(name)}" time="${time}">${inner}</testcase>`];
    });
    const count = (p: (v: MatrixCell["verdict"]) => boolean): number => m.rows.filter((r) => r.cells[c.kernel] !== undefined && p(r.cells[c.kernel]?.verdict ?? "skip")).length;
    const props = `    <properties><property name="release" value="${xml(c.release)}"/><property name="accel" value="${xml(c.accel)}"/><property name="tolerance_scale" value="${c.toleranceScale}"/></properties>`;
    return [
      `  <testsuite name="${xml(c.kernel)}" tests="${cases.length}" failures="${count((v) => v === "fail" || v === "xpass")}" errors="${count((v) => v === "error")}" skipped="${count((v) => v === "skip" || v === "xfail")}" time="${(c.wallMs / 1000).toFixed(3)}">`,
      props, ...cases, "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mptcpdrill vm">\n${suites.join("\n")}\n</testsuites>\n`;
}
