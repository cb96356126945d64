/**
 * `npm run bench:kernel [-- PATH…] [--corpus]`: the kernel runner's speed, against baselines
 * measured in the same run. Needs `npm run build` (it runs the compiled CLI, as users do).
 *
 * 1. Start-up, whole processes (median of 5): `--help` (baseline `node -e 0`), `check` of the TCP
 *    corpus in a cold process with its result cache warm and with `--no-cache`, and one script
 *    through the whole CLI (`close-local-close-then-remote-fin.pkt`, ipv4) — beside packetdrill
 *    running the same script the way the baseline was made, when `PACKETDRILL` names its binary.
 * 2. Per-script fixed cost in a warm host (jsonl `fixedMs`): job start → the script's first event,
 *    and last event → verdict, median and p95 over the subset's jobs (first job of each host,
 *    which waits for the host's warm-up, counted apart).
 * 3. Runs `mptcpdrill run --sut kernel --ip-version ipv4` on PATHs (default: a
 *    representative gpd subset) with `-j 2`, then with `-j 1`, and prints per run:
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
 * 4. With `--corpus`: the whole TCP corpus, ipv4, at default settings (no `-j`), beside the command
 *    in `PACKETDRILL_CORPUS` (e.g. packetdrill's own run_all.py at `-P 2` with the baseline's ipv4
 *    flags; its set-up is the user's), wall times and their ratio.
 * The configs/packetdrill.json flags apply; arguments starting with `--` (e.g.
 * `--tolerance_usecs=20000`) are passed to `run`. No assertion on any time: the machine is shared.
 */
import { spawn, spawnSync } from "node:child_process";
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
  /** Fixed costs (start, end) in ms of the jobs that measured them, in report order. */
  readonly fixed: readonly { readonly start: number; readonly end: number }[];
}

/** Runs the CLI once with `-j jobs` and reads its jsonl report. */
async function runOnce(files: readonly string[], jobs: number | null, flags: readonly string[]): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), "mpd-bench-kernel-"));
  const report = join(dir, "report.jsonl");
  const parallel = jobs === null ? [] : ["-j", String(jobs)];
  const args = ["bin/mptcpdrill.js", "run", "--sut", "kernel", ...parallel, "--ip-version", "ipv4", "--config", "configs/packetdrill.json", "--reporter", `jsonl:${report}`, ...flags, ...files];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
  const status = await new Promise<number | null>((done) => child.on("close", done));
  const wallMs = performance.now() - started;
  try {
    if (status !== 0 && status !== 1) throw new Error(`mptcpdrill run exited with status ${status}`);
    const rows = readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { verdict?: string; ms?: number; fixedMs?: { start: number; end: number } });
    const counts: Record<string, number> = {};
    const fixed: { start: number; end: number }[] = [];
    let jobMs = 0;
    for (const r of rows) {
      if (r.verdict === undefined) continue;
      counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
      jobMs += r.ms ?? 0;
      if (r.fixedMs !== undefined) fixed.push(r.fixedMs);
    }
    return { wallMs, jobMs, counts, fixed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The q-quantile (nearest rank) of `xs`. */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/** Median wall time (ms) of `n` runs of a whole command, after one warm-up run. */
function medianWall(argv: readonly string[], n = 5, cwd = REPO): number {
  const times: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t0 = performance.now();
    spawnSync(argv[0] as string, argv.slice(1), { cwd, stdio: "ignore" });
    if (i > 0) times.push(performance.now() - t0);
  }
  return quantile(times, 0.5);
}

const ONE_SCRIPT = join(GPD, "close/close-local-close-then-remote-fin.pkt");
/** packetdrill's ipv4 flags and defines of the baseline (shared/corpus/baseline/README.md). */
const PD_IPV4 = [
  "--send_omit_free", "--ip_version=ipv4", "--local_ip=192.168.0.1", "--gateway_ip=192.168.0.1", "--netmask_ip=255.255.0.0", "--remote_ip=192.0.2.1",
  "-D", "TFO_COOKIE=3021b9d889017eeb", "-D", "CODE=host_unreachable", "-D", "CMSG_LEVEL_IP=SOL_IP", "-D", "CMSG_TYPE_RECVERR=IP_RECVERR",
];

function startUp(): void {
  const node = medianWall([process.execPath, "-e", "0"]);
  const help = medianWall([process.execPath, "bin/mptcpdrill.js", "--help"]);
  console.log(`--help: ${help.toFixed(0)} ms (node -e 0: ${node.toFixed(0)} ms, ratio ${(help / node).toFixed(2)})`);
  const cached = medianWall([process.execPath, "bin/mptcpdrill.js", "check", GPD]);
  const uncached = medianWall([process.execPath, "bin/mptcpdrill.js", "check", "--no-cache", GPD]);
  console.log(`check of the TCP corpus, cold process: ${cached.toFixed(0)} ms with the result cache, ${uncached.toFixed(0)} ms with --no-cache`);
  const ours = medianWall([process.execPath, "bin/mptcpdrill.js", "run", "--config", "configs/packetdrill.json", "--ip-version", "ipv4", ONE_SCRIPT]);
  const pd = process.env["PACKETDRILL"];
  if (pd === undefined) {
    console.log(`one script through the whole CLI: ${ours.toFixed(0)} ms (set PACKETDRILL=/path/to/packetdrill for the side-by-side figure)`);
    return;
  }
  const theirs = medianWall(["unshare", "-n", "sh", "-c", 'ip link set lo up && cd "$0" && exec "$@"', dirname(ONE_SCRIPT), pd, ...PD_IPV4, ONE_SCRIPT]);
  console.log(`one script through the whole CLI: ${ours.toFixed(0)} ms; packetdrill ${theirs.toFixed(0)} ms; difference ${(ours - theirs).toFixed(0)} ms, ratio ${(ours / theirs).toFixed(2)}`);
}

function fixedCosts(r: RunFigures, jobs: number): string {
  const warm = r.fixed.slice(jobs);
  const total = warm.map((f) => f.start + f.end);
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  return `fixed cost per script in a warm host (${warm.length} jobs): start median ${ms(quantile(warm.map((f) => f.start), 0.5))}, ` +
    `end median ${ms(quantile(warm.map((f) => f.end), 0.5))}, start+end median ${ms(quantile(total, 0.5))} p95 ${ms(quantile(total, 0.95))}; ` +
    `first job per host (waits for the warm-up): start ${r.fixed.slice(0, jobs).map((f) => ms(f.start)).join(", ")}`;
}

const argv = process.argv.slice(2);
const corpus = argv.includes("--corpus");
const flags = argv.filter((a) => a.startsWith("--") && a !== "--corpus");
const paths = argv.filter((a) => !a.startsWith("--"));
const files = scriptsUnder(paths.length > 0 ? paths : DEFAULT_FOLDERS.map((f) => join(GPD, f)));
const timelineMs = files.reduce((sum, f) => sum + timelineSeconds(f) * 1000, 0);
startUp();
console.log(`${files.length} scripts (ipv4${flags.length > 0 ? `, ${flags.join(" ")}` : ""}), Σ timeline ${seconds(timelineMs)} (scheduled time of each script's last event)`);
for (const jobs of [2, 1]) {
  const r = await runOnce(files, jobs, flags);
  console.log(`-j ${jobs}: ${fixedCosts(r, jobs)}`);
  const verdicts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(", ");
  console.log(
    `-j ${jobs}: wall ${seconds(r.wallMs)}, Σ job ${seconds(r.jobMs)} (${verdicts}); ` +
      `wall/Σ timeline ${(r.wallMs / timelineMs).toFixed(2)}, Σ job/Σ timeline ${(r.jobMs / timelineMs).toFixed(2)}, Σ job/wall ${(r.jobMs / r.wallMs).toFixed(2)}`,
  );
}

if (corpus) {
  const all = scriptsUnder([GPD]);
  const r = await runOnce(all, null, flags);
  const verdicts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(", ");
  const other = process.env["PACKETDRILL_CORPUS"];
  let line = `TCP corpus, ipv4, default settings: wall ${seconds(r.wallMs)} (${verdicts})`;
  if (other !== undefined) {
    const t0 = performance.now();
    spawnSync("sh", ["-c", other], { stdio: "ignore" });
    const theirs = performance.now() - t0;
    line += `; PACKETDRILL_CORPUS: ${seconds(theirs)}; ratio ${(r.wallMs / theirs).toFixed(2)}`;
  } else {
    line += " (set PACKETDRILL_CORPUS to a command running packetdrill over the same corpus for the side-by-side figure)";
  }
  console.log(line);
}
