/**
 * `npm run bench:kernel [-- PATH…]`: how much wall time the kernel runner spends per second of
 * script timeline. Runs `mptcpdrill run --sut kernel --ip-version ipv4` on PATHs (default: a
 * representative gpd subset) with `-j 2`, then with `-j 1`, and prints per run:
 *
 * - wall: the whole `run` command, spawn to exit (measured here);
 * - Σ job: the sum of the per-job `ms` the jsonl reporter records (the scheduler's job wall time:
 *   child start, namespace and tun0 set-up, the script, teardown);
 * - Σ timeline: the sum over scripts of their own timeline, i.e. the scheduled time of their last
 *   event, replayed statically from the AST: an absolute time sets the clock, `+d` adds d, a window
 *   or a blocking call `+a...b` counts its end, `*` adds nothing (pkt-language.md §2.1). Scripts
 *   that fail stop early, so the verdict counts are printed too.
 *
 * and the ratios wall / Σ timeline, Σ job / Σ timeline and Σ job / wall (parallelism achieved).
 * The configs/packetdrill.json flags apply; arguments starting with `--` (e.g.
 * `--tolerance_usecs=20000`) are passed to `run`. No assertion on any time: the machine is shared.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Event } from "../src/script/ast.ts";
import { parseScript } from "../src/script/parse.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const GPD = resolve(REPO, "../shared/corpus/gpd/net/tcp");
/** Default subset: handshakes, blocking calls, close/shutdown, Nagle, EOR, epoll, MSS, fast retransmit. */
const DEFAULT_FOLDERS = ["blocking", "close", "shutdown", "nagle", "eor", "epoll", "mss", "fast_retransmit"];

/** Every .pkt under the given files or folders, sorted. */
function scriptsUnder(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (p.endsWith(".pkt")) out.push(p);
  };
  for (const p of paths) visit(resolve(p));
  return out.sort();
}

/** Seconds at which an event is scheduled, given the previous event's time (static replay). */
function eventEnd(ev: Event, prev: number): number {
  const t = ev.time;
  if (t === null) return prev;
  const base = t.kind === "abs" || t.kind === "absRange" ? 0 : prev;
  const start = t.kind === "abs" ? t.at.value : t.kind === "rel" ? prev + t.offset.value : t.kind === "any" ? prev : base + t.end.value;
  return ev.blockingEnd === null ? start : (t.kind === "abs" ? 0 : prev) + ev.blockingEnd.value;
}

/** The scheduled time of a script's last event, in seconds (0 if it does not parse). */
function timelineSeconds(file: string): number {
  const parsed = parseScript(readFileSync(file, "utf8"), file);
  let now = 0;
  for (const ev of parsed.script?.events ?? []) now = eventEnd(ev, now);
  return now;
}

/** One run's figures. */
interface RunFigures {
  readonly wallMs: number;
  readonly jobMs: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** Runs the CLI once with `-j jobs` and reads its jsonl report. */
async function runOnce(files: readonly string[], jobs: number, flags: readonly string[]): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), "mpd-bench-kernel-"));
  const report = join(dir, "report.jsonl");
  const args = ["bin/mptcpdrill.js", "run", "--sut", "kernel", "-j", String(jobs), "--ip-version", "ipv4", "--config", "configs/packetdrill.json", "--reporter", `jsonl:${report}`, ...flags, ...files];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
  const status = await new Promise<number | null>((done) => child.on("close", done));
  const wallMs = performance.now() - started;
  try {
    if (status !== 0 && status !== 1) throw new Error(`mptcpdrill run exited with status ${status}`);
    const rows = readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { verdict?: string; ms?: number });
    const counts: Record<string, number> = {};
    let jobMs = 0;
    for (const r of rows) {
      if (r.verdict === undefined) continue;
      counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
      jobMs += r.ms ?? 0;
    }
    return { wallMs, jobMs, counts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const argv = process.argv.slice(2);
const flags = argv.filter((a) => a.startsWith("--"));
const paths = argv.filter((a) => !a.startsWith("--"));
const files = scriptsUnder(paths.length > 0 ? paths : DEFAULT_FOLDERS.map((f) => join(GPD, f)));
const timelineMs = files.reduce((sum, f) => sum + timelineSeconds(f) * 1000, 0);
console.log(`${files.length} scripts (ipv4${flags.length > 0 ? `, ${flags.join(" ")}` : ""}), Σ timeline ${seconds(timelineMs)} (scheduled time of each script's last event)`);
for (const jobs of [2, 1]) {
  const r = await runOnce(files, jobs, flags);
  const verdicts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(", ");
  console.log(
    `-j ${jobs}: wall ${seconds(r.wallMs)}, Σ job ${seconds(r.jobMs)} (${verdicts}); ` +
      `wall/Σ timeline ${(r.wallMs / timelineMs).toFixed(2)}, Σ job/Σ timeline ${(r.jobMs / timelineMs).toFixed(2)}, Σ job/wall ${(r.jobMs / r.wallMs).toFixed(2)}`,
  );
}
