/**
 * Conformance table: runs suites/reference (ipv4) on the reference SUT and on the kernel SUT
 * through the CLI (jsonl reporter), and prints a markdown table of the verdict per script and
 * SUT with the script's RFC 8684 checklist ID and its known-difference tag
 * (`// mptcpdrill: kernel-differs <kind> — <reason>`, src/script/known-difference.ts). The output is committed
 * as docs/conformance.md. Usage: `npx tsx scripts/conformance-table.ts [--sut reference|kernel|both]`
 * (the kernel SUT needs root; without it the kernel column reads `error`).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { knownDifferenceFor } from "../src/script/known-difference.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SUITE = "suites/reference";

interface Verdict { readonly verdict: string; readonly message: string | null }

function listPkt(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listPkt(p);
    return name.endsWith(".pkt") ? [p] : [];
  });
}

/** Runs the suite on `sut`; verdict per script file (repo-relative). */
function runSuite(sut: string): Map<string, Verdict> {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/mptcpdrill.js"), "run", "--sut", sut, "--ip-version", "ipv4", "-j", "2", "--reporter", "jsonl", SUITE], {
    cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20, timeout: 3_600_000,
  });
  const out = new Map<string, Verdict>();
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const e = JSON.parse(line) as { file?: string; verdict?: string; message?: string | null };
    if (e.file !== undefined && e.verdict !== undefined) out.set(e.file, { verdict: e.verdict, message: e.message ?? null });
  }
  return out;
}

/** Checklist ID, section and the kernel tag (`kind — reason`) of a script. */
function header(text: string, file: string): { id: string; section: string; kernel: string } {
  const first = /^\/\/ RFC 8684 (§[\d.]+) ([A-Z]+-\d+)/m.exec(text);
  const tag = knownDifferenceFor(text, file, "kernel");
  return { section: first?.[1] ?? "", id: first?.[2] ?? "?", kernel: tag === null ? "" : `**${tag.kind}** — ${tag.reason}` };
}

const cell = (v: Verdict | undefined): string => (v === undefined ? "—" : v.verdict);
const esc = (s: string): string => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");

function main(): void {
  const which = process.argv.includes("--sut") ? process.argv[process.argv.indexOf("--sut") + 1] : "both";
  const ref = which === "kernel" ? new Map<string, Verdict>() : runSuite("reference");
  const ker = which === "reference" ? new Map<string, Verdict>() : runSuite("kernel");
  const rows: string[] = [];
  let agree = 0, total = 0;
  for (const abs of listPkt(join(ROOT, SUITE))) {
    const file = relative(ROOT, abs);
    const h = header(readFileSync(abs, "utf8"), file);
    const r = ref.get(file), k = ker.get(file);
    total++;
    if (r?.verdict === k?.verdict) agree++;
    const why = k && k.verdict !== "pass" && k.verdict !== "xfail" ? `${h.kernel} (kernel: ${k.message ?? ""})`.trim() : h.kernel;
    rows.push(`| ${h.id} | ${h.section} | \`${relative(SUITE, file)}\` | ${cell(r)} | ${cell(k)} | ${esc(why)} |`);
  }
  const count = (m: Map<string, Verdict>, v: string): number => [...m.values()].filter((x) => x.verdict === v).length;
  console.log("| ID | RFC 8684 | script | reference | kernel | kernel tag: kind — reason |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  console.log("");
  const tally = (m: Map<string, Verdict>): string => ["pass", "fail", "error", "xfail", "xpass"].map((v) => `${count(m, v)} ${v}`).join(", ");
  console.log(`${total} scripts (ipv4). reference: ${tally(ref)}; kernel: ${tally(ker)}; same verdict on both: ${agree}/${total}; ` +
    `kernel pass or xfail: ${count(ker, "pass") + count(ker, "xfail")}/${total}.`);
}

main();
