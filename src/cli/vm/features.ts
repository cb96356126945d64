/**
 * The feature table of `mptcpdrill vm`: scripts tagged with RFC 8684 checklist IDs
 * (../shared/docs/rfc8684.md §4: MPC-01 … TR-02, in the script's leading comment or its file
 * name) roll up into "checklist item → kernel → verdict": an item passes on a kernel when every
 * job tagged with it passed there. So a user sees which kernels do DSS checksums (CS), MP_FAIL
 * and fallback (FB), ADD_ADDR echo (AA), MP_PRIO (PR), fastclose (FC), …
 */
import type { MatrixCell, VerdictMatrix } from "./matrix.ts";

/** The checklist areas (rfc8684.md §4.1-§4.10), by ID prefix. */
export const CHECKLIST_AREAS: Readonly<Record<string, string>> = {
  MPC: "MP_CAPABLE", CS: "DSS checksum", MPJ: "MP_JOIN", DSS: "DSS mapping / Data ACK / DATA_FIN", AA: "ADD_ADDR",
  RA: "REMOVE_ADDR", PR: "MP_PRIO", FB: "MP_FAIL / fallback", FC: "MP_FASTCLOSE", TR: "MP_TCPRST",
};

const ID = new RegExp(`\\b(${Object.keys(CHECKLIST_AREAS).join("|")})-(\\d{2})\\b`, "g");

/**
 * The checklist IDs a script claims: those in its leading `//` comment lines (up to the first
 * line that is not a comment, known-difference tags excluded), else the one its file name starts with.
 */
export function checklistIds(source: string, fileName: string): string[] {
  const ids = new Set<string>();
  for (const line of source.split("\n")) {
    const t = line.trim();
    if (!t.startsWith("//")) break;
    if (/^\/\/\s*mptcpdrill:/.test(t)) continue;
    for (const m of t.matchAll(ID)) ids.add(`${m[1] ?? ""}-${m[2] ?? ""}`);
  }
  if (ids.size === 0) {
    const m = /^([a-z]+)-(\d{2})-/.exec(fileName.split("/").pop() ?? "");
    if (m !== null && CHECKLIST_AREAS[(m[1] ?? "").toUpperCase()] !== undefined) ids.add(`${(m[1] ?? "").toUpperCase()}-${m[2] ?? ""}`);
  }
  return [...ids].sort();
}

/** One item's verdict on one kernel. */
export interface FeatureCell {
  /** `pass` when every tagged job passed; `differs` when the kernel's own tag explains the failures; else `fail` or `error`. */
  readonly verdict: "pass" | "fail" | "differs" | "error";
  readonly passed: number;
  readonly jobs: number;
}

/** One checklist item across kernels. */
export interface FeatureRow {
  readonly id: string;
  readonly area: string;
  readonly scripts: readonly string[];
  readonly cells: Readonly<Record<string, FeatureCell>>;
}

function rollUp(cells: readonly MatrixCell[]): FeatureCell {
  const passed = cells.filter((c) => c.verdict === "pass" || c.verdict === "flaky").length;
  const has = (v: MatrixCell["verdict"]): boolean => cells.some((c) => c.verdict === v);
  const verdict = passed === cells.length ? "pass" : has("fail") || has("xpass") ? "fail" : has("error") ? "error" : "differs";
  return { verdict, passed, jobs: cells.length };
}

/** The table for `matrix`, given each script's IDs. */
export function buildFeatureTable(matrix: VerdictMatrix, idsOf: (file: string) => readonly string[]): FeatureRow[] {
  const byId = new Map<string, { scripts: Set<string>; cells: Map<string, MatrixCell[]> }>();
  for (const row of matrix.rows) {
    for (const id of idsOf(row.file)) {
      const entry = byId.get(id) ?? { scripts: new Set<string>(), cells: new Map<string, MatrixCell[]>() };
      byId.set(id, entry);
      entry.scripts.add(row.file);
      for (const [kernel, cell] of Object.entries(row.cells)) entry.cells.set(kernel, [...(entry.cells.get(kernel) ?? []), cell]);
    }
  }
  const order = Object.keys(CHECKLIST_AREAS);
  const rank = (id: string): [number, number] => [order.indexOf(id.split("-")[0] ?? ""), Number(id.split("-")[1])];
  return [...byId].sort(([a], [b]) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]).map(([id, e]) => ({
    id, area: CHECKLIST_AREAS[id.split("-")[0] ?? ""] ?? "", scripts: [...e.scripts].sort(),
    cells: Object.fromEntries([...e.cells].map(([k, cs]) => [k, rollUp(cs)])),
  }));
}

/** The table as text: one line per item, `pass 3/3` per kernel. */
export function renderFeatureText(rows: readonly FeatureRow[], kernels: readonly string[]): string {
  if (rows.length === 0) return "";
  const head = ["item", "area", ...kernels];
  const body = rows.map((r) => [r.id, r.area, ...kernels.map((k) => {
    const c = r.cells[k];
    return c === undefined ? "-" : `${c.verdict} ${c.passed}/${c.jobs}`;
  })]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cols: readonly string[]): string => cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `feature table (RFC 8684 checklist item -> kernel: verdict, jobs passed/jobs):\n${[line(head), ...body.map(line)].join("\n")}\n`;
}
