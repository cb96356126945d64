/**
 * The fuzz suite's driver: runs the cases in a child process (worker.ts) and watches it. A case
 * that prints nothing for `hangMs` is a hang: the child is killed and a new one goes on after
 * that case. A child that dies (a crash the JavaScript could not catch, out of memory) is a
 * finding at the case it was running, and the run goes on after it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding, Target } from "./targets.ts";
import type { WorkerPlan } from "./worker.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");

/** How many cases of each target, from which seed. */
export interface FuzzOptions {
  readonly scripts: number;
  readonly captures: number;
  readonly packets: number;
  readonly seed: number;
  /** A case silent this long is a hang (ms). */
  readonly hangMs: number;
  /** Folders of `.pkt` files to mutate. */
  readonly scriptFolders: readonly string[];
  /** Progress lines (every 1000 cases and each finding). */
  readonly log?: (line: string) => void;
  /** Extra environment of the worker (tests inject a hang or a crash with MPD_FUZZ_INJECT). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What a fuzz run found. */
export interface FuzzSummary {
  readonly cases: Record<Target, number>;
  /** Script cases also run on the reference SUT. */
  readonly referenceRuns: number;
  readonly findings: Finding[];
  readonly ms: number;
}

const TARGETS: readonly Target[] = ["scripts", "captures", "packets"];

/** Runs every case; resolves when all are done. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const cwd = mkdtempSync(join(tmpdir(), "mpd-fuzz-"));
  const cases: Record<Target, number> = { scripts: 0, captures: 0, packets: 0 };
  const findings: Finding[] = [];
  const counts = { referenceRuns: 0 };
  let next: { target: Target; index: number } | null = { target: "scripts", index: 0 };
  try {
    while (next !== null) next = await runChild(opts, cwd, next, cases, findings, counts);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return { cases, referenceRuns: counts.referenceRuns, findings, ms: Date.now() - started };
}

function planFrom(opts: FuzzOptions, start: { target: Target; index: number }): WorkerPlan["cases"] {
  const all = TARGETS.map((t) => ({ target: t, from: 0, to: opts[t] }));
  const first = TARGETS.indexOf(start.target);
  return all.slice(first).map((c, k) => (k === 0 ? { ...c, from: start.index } : c)).filter((c) => c.from < c.to);
}

/** Runs one child from `start`; returns where the next child must start, or null when all is done. */
function runChild(
  opts: FuzzOptions, cwd: string, start: { target: Target; index: number }, cases: Record<Target, number>, findings: Finding[], counts: { referenceRuns: number },
): Promise<{ target: Target; index: number } | null> {
  const cases0 = planFrom(opts, start);
  if (cases0.length === 0) return Promise.resolve(null);
  const plan: WorkerPlan = { seed: opts.seed, cases: cases0, scriptFolders: opts.scriptFolders, cwd };
  const child = spawn(process.execPath, ["--import", "tsx", join(HERE, "worker.ts"), JSON.stringify(plan)], {
    cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env },
  });
  let at: { target: Target; index: number } | null = null;
  let lastOutput = Date.now();
  let done = false;
  let hung = false;
  let buffered = "";
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
  child.stdout.on("data", (b: Buffer) => {
    lastOutput = Date.now();
    buffered += b.toString();
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const msg = JSON.parse(line) as { at?: [Target, number]; finding?: Finding; done?: boolean; reference?: boolean };
      if (msg.reference) counts.referenceRuns++;
      else if (msg.at) {
        at = { target: msg.at[0], index: msg.at[1] };
        cases[at.target]++;
        const total = cases.scripts + cases.captures + cases.packets;
        if (total % 1000 === 0) opts.log?.(`fuzz: ${total} cases (${cases.scripts} scripts, ${cases.captures} captures, ${cases.packets} packet runs), ${findings.length} findings`);
      } else if (msg.finding) {
        findings.push(msg.finding);
        opts.log?.(`fuzz: ${msg.finding.kind} in ${msg.finding.target} case ${msg.finding.index}: ${msg.finding.detail.split("\n")[0]}`);
      } else if (msg.done) done = true;
    }
  });
  const watchdog = setInterval(() => {
    if (Date.now() - lastOutput > opts.hangMs) {
      hung = true;
      child.kill("SIGKILL");
    }
  }, 250);
  return new Promise((resolvePromise) => {
    child.on("exit", (code, signal) => {
      clearInterval(watchdog);
      if (done) return resolvePromise(null);
      const where = at as { target: Target; index: number } | null;
      if (where === null) {
        // The child died before its first case: nothing to skip past, so stop here.
        findings.push({ target: start.target, index: start.index, kind: "exception", detail: `fuzz worker failed to start (${code ?? signal}): ${stderr.trim().slice(-500)}` });
        return resolvePromise(null);
      }
      findings.push(hung
        ? { ...where, kind: "hang", detail: `no progress for ${opts.hangMs / 1000} s` }
        : { ...where, kind: "exception", detail: `the process died (${code ?? signal}): ${stderr.trim().slice(-800)}` });
      opts.log?.(`fuzz: ${hung ? "hang" : "crash"} in ${where.target} case ${where.index}`);
      resolvePromise({ target: where.target, index: where.index + 1 });
    });
  });
}

/** Seconds with one decimal. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
