/**
 * Compares a run's verdicts with packetdrill's baseline (shared/corpus/baseline/{gpd,mpd}.tsv):
 * prints the agreement table (baseline verdict × our verdict), how many failing rows blame the
 * same line, and every disagreeing row with both messages.
 *
 *   npx tsx scripts/compare-baseline.ts /tmp/mpd.jsonl ../shared/corpus/baseline/mpd.tsv
 *
 * The first file is a `--reporter jsonl:FILE` output (one scriptEnd record per line: file,
 * variant, verdict, line, message). Rows are joined on the script path relative to
 * `shared/corpus` plus the variant. Baseline rows without a result are listed as `missing`.
 */
import { readFileSync } from "node:fs";

/** One verdict row, ours or the baseline's. */
interface Row {
  readonly script: string;
  readonly variant: string;
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string;
}

/** `…/corpus/mpd/net/x.pkt` or `mpd/net/x.pkt` → `mpd/net/x.pkt`. */
function corpusKey(path: string): string {
  const m = /(?:^|\/)((?:gpd|mpd)\/.*)$/.exec(path);
  return m ? (m[1] as string) : path;
}

/** `x.pkt:30: …` → 30. */
function lineOf(message: string): number | null {
  const m = /\.pkt:(\d+):/.exec(message);
  return m ? Number(m[1]) : null;
}

function readBaseline(file: string): Row[] {
  const rows: Row[] = [];
  for (const raw of readFileSync(file, "utf8").split("\n").slice(1)) {
    if (raw.trim() === "") continue;
    const [script = "", variant = "", verdict = "", , message = ""] = raw.split("\t");
    rows.push({ script, variant, verdict, line: lineOf(message), message });
  }
  return rows;
}

function readJsonl(file: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    if (raw.trim() === "") continue;
    const r = JSON.parse(raw) as Record<string, unknown>;
    if (typeof r["file"] !== "string" || typeof r["verdict"] !== "string") continue;
    if (r["kind"] !== undefined && r["kind"] !== "scriptEnd") continue;
    const message = typeof r["message"] === "string" ? r["message"] : "";
    const row: Row = {
      script: corpusKey(r["file"]), variant: String(r["variant"]), verdict: r["verdict"],
      line: typeof r["line"] === "number" ? r["line"] : lineOf(message), message,
    };
    out.set(`${row.script}\t${row.variant}`, row);
  }
  return out;
}

/** The message without the path prefix, cut for one line. */
function short(m: string): string {
  return m.replace(/^.*?\.pkt:\d+: /, "").slice(0, 150);
}

/**
 * Agreement per variant over the rows run_all.py runs (baseline messages that start with
 * `[variant not run by run_all.py]` are left out), and the rows packetdrill fails but we pass.
 */
function perVariant(baseline: readonly Row[], results: ReadonlyMap<string, Row>, pct: (n: number, d: number) => string): string[] {
  const out = ["variant            agree    rows  missing  false-pass"];
  for (const variant of ["ipv4", "ipv6", "ipv4-mapped-ipv6"]) {
    const rows = baseline.filter((b) => b.variant === variant && !b.message.startsWith("[variant not run"));
    const ran = rows.filter((b) => results.has(`${b.script}\t${b.variant}`));
    if (ran.length === 0) continue;
    const agree = ran.filter((b) => results.get(`${b.script}\t${b.variant}`)?.verdict === b.verdict).length;
    const falsePass = ran.filter((b) => b.verdict !== "pass" && results.get(`${b.script}\t${b.variant}`)?.verdict === "pass").length;
    out.push(`${variant.padEnd(17)} ${String(agree).padStart(6)} ${String(ran.length).padStart(7)} ${String(rows.length - ran.length).padStart(8)} ${String(falsePass).padStart(11)}   ${pct(agree, ran.length)}`);
  }
  return out;
}

function main(argv: readonly string[]): number {
  const [ours, base] = argv;
  if (ours === undefined || base === undefined) {
    process.stderr.write("usage: tsx scripts/compare-baseline.ts RESULTS.jsonl BASELINE.tsv\n");
    return 2;
  }
  const baseline = readBaseline(base);
  const results = readJsonl(ours);
  const verdicts = ["pass", "fail", "error", "skip", "missing"];
  const table = new Map<string, number>();
  let agree = 0;
  let bothFail = 0;
  let sameLine = 0;
  const diffs: string[] = [];
  for (const b of baseline) {
    const o = results.get(`${b.script}\t${b.variant}`);
    const v = o?.verdict ?? "missing";
    table.set(`${b.verdict}\t${v}`, (table.get(`${b.verdict}\t${v}`) ?? 0) + 1);
    if (v === b.verdict) agree++;
    if (v === "fail" && b.verdict === "fail") {
      bothFail++;
      if (o?.line === b.line) sameLine++;
      else diffs.push(`LINE  ${b.script} [${b.variant}]\n      baseline: ${short(b.message)}\n      ours:     ${short(o?.message ?? "")}`);
    }
    if (v !== b.verdict) diffs.push(`${b.verdict.toUpperCase()}→${v.toUpperCase()}  ${b.script} [${b.variant}]\n      baseline: ${short(b.message)}\n      ours:     ${short(o?.message ?? "")}`);
  }
  const out: string[] = [];
  out.push(`baseline \\ ours  ${verdicts.map((v) => v.padStart(7)).join(" ")}`);
  for (const bv of ["pass", "fail", "error"]) {
    out.push(`${bv.padEnd(16)} ${verdicts.map((v) => String(table.get(`${bv}\t${v}`) ?? 0).padStart(7)).join(" ")}`);
  }
  const pct = (n: number, d: number): string => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);
  out.push(`verdict agreement: ${agree}/${baseline.length} (${pct(agree, baseline.length)})`);
  out.push(`both fail, same line: ${sameLine}/${bothFail} (${pct(sameLine, bothFail)})`);
  out.push("", ...perVariant(baseline, results, pct));
  if (diffs.length > 0) out.push("", "disagreements:", ...diffs);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
