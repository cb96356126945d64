/**
 * Mutation test of the kernel runner (pkt-language.md §3.5, §9): 20 upstream gpd scripts that
 * packetdrill passes (corpus/baseline/gpd.tsv, ipv4) and that pass here reliably, each run once
 * as written and once with ONE mutation (a flag, a seq, an ack, an option value, a window, a
 * payload length, an errno, a time shifted by 50 ms). Every original must pass; every mutant must
 * fail at the mutated line with a message naming the mutated field. One CLI run with `-j 2`
 * covers all 40 jobs. Needs root and /dev/net/tun.
 *
 * Timing: the machine is shared and loaded, so every job runs with `--tolerance_usecs=20000`
 * (packetdrill's default is 4000). The two timing mutants move a blocking call's return 50 ms
 * EARLIER than the kernel can return it (the reply that unblocks it is injected at its scheduled
 * time, never early), so scheduling lag only widens the gap they must report.
 * A job whose outcome is off only through a timing error on another line is run once more.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { canRunKernel, repoRoot, sharedCorpus } from "../support/kernel-script.ts";
import { createMutantStage, mutateLine, type LineMutation, type MutantStage } from "../support/mutate-script.ts";

const REPO = repoRoot;
const CORPUS = sharedCorpus;
const canRun = canRunKernel && existsSync(join(CORPUS, "gpd"));

/** One script, its mutation, and what the failure message must name. */
interface Case extends LineMutation {
  readonly script: string;
  readonly field: RegExp;
}

const T = "gpd/net/tcp/";
const CASES: readonly Case[] = [
  { script: `${T}blocking/blocking-connect.pkt`, line: 8, from: "...0.200", to: "...0.150", field: /timing error: expected system call return/ },
  { script: `${T}close/close-on-syn-sent.pkt`, line: 20, from: "> R 1:1(0)", to: "> R. 1:1(0)", field: /live packet field tcp_ack:/ },
  { script: `${T}eor/no-coalesce-large.pkt`, line: 30, from: "> P. 1:10001", to: "> . 1:10001", field: /live packet field tcp_psh:/ },
  { script: `${T}eor/no-coalesce-retrans.pkt`, line: 40, from: "10001:10801(800)", to: "10002:10802(800)", field: /live packet field tcp_seq:/ },
  { script: `${T}epoll/epoll_in_edge.pkt`, line: 28, from: "ack 4001", to: "ack 4000", field: /live packet field tcp_ack_seq:/ },
  { script: `${T}shutdown/shutdown-rd-close.pkt`, line: 27, from: "> F. 1001", to: "> . 1001", field: /live packet field tcp_fin:/ },
  { script: `${T}fastopen/client/nonblocking-sendto-empty-buf.pkt`, line: 10, from: "wscale 8", to: "wscale 7", field: /\(kind=3\)/ },
  { script: `${T}fastopen/client/sendto-af-unspec.pkt`, line: 9, from: "EOPNOTSUPP", to: "EINVAL", field: /errno/ },
  { script: `${T}fastopen/client/simultaneous-fast-open.pkt`, line: 15, from: "ack 1", to: "ack 1 win 1", field: /live packet field tcp_window:/ },
  { script: `${T}fastopen/server/basic-cookie-not-reqd.pkt`, line: 15, from: "nop,nop,sackOK>", to: "nop,nop,nop,nop>", field: /TCP option/ },
  { script: `${T}fastopen/server/basic-zero-payload.pkt`, line: 20, from: "1:101(100)", to: "1:51(50)", field: /payload: expected 50 bytes vs actual 100 bytes/ },
  { script: `${T}fastopen/server/listener-closed-trigger-rst.pkt`, line: 15, from: "ack 11", to: "ack 12", field: /live packet field tcp_ack_seq:/ },
  { script: `${T}fastopen/server/opt34/pure-syn-data.pkt`, line: 12, from: "wscale 8", to: "wscale 9", field: /\(kind=3\)/ },
  { script: `${T}fastopen/server/opt34/reset-after-accept.pkt`, line: 16, from: "> S. ", to: "> SE. ", field: /live packet field tcp_ece:/ },
  { script: `${T}fastopen/server/reset-before-accept.pkt`, line: 16, from: "nop,wscale 8>", to: "nop,nop,nop,nop,nop,wscale 8>", field: /live packet field (ipv4_total_length|tcp_data_offset):/ },
  { script: `${T}fastopen/server/reset-non-tfo-socket.pkt`, line: 15, from: "FOEXP TFO_COOKIE", to: "FOEXP 0011223344556677", field: /\(kind=254\)/ },
  { script: `${T}fastopen/server/unread-data-closed-trigger-rst.pkt`, line: 16, from: "1:1(0)", to: "2:2(0)", field: /live packet field tcp_seq:/ },
  { script: `${T}md5/md5-only-on-client-ack.pkt`, line: 13, from: "mss 1460", to: "mss 1000", field: /\(kind=2\)/ },
  { script: `${T}mss/mss-setsockopt-tcp_maxseg-client.pkt`, line: 12, from: "...0.180", to: "...0.130", field: /timing error: expected system call return/ },
  { script: `${T}nagle/https_client.pkt`, line: 24, from: "> . 518:518(0)", to: "> R. 518:518(0)", field: /live packet field tcp_rst:/ },
];

/** One line of the jsonl report. */
interface Verdict {
  readonly file: string;
  readonly verdict: string;
  readonly line: number | null;
  readonly message: string | null;
  /** The failure as data: its `text` has packetdrill's field line under the cause. */
  readonly failure?: { readonly text: string } | null;
}

/** Runs the CLI on `paths` (ipv4, gpd config, -j 2) and returns the verdict per path. */
async function runCli(paths: readonly string[], reportFile: string): Promise<Map<string, Verdict>> {
  const args = [
    "bin/mptcpdrill.js", "run", "--sut", "kernel", "-j", "2", "--ip-version", "ipv4", "--config", "configs/packetdrill.json",
    "--tolerance_usecs=20000", "--timeout", "60", "--reporter", `jsonl:${reportFile}`, ...paths,
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()));
  const status = await new Promise<number | null>((done) => child.on("close", done));
  if (status !== 0 && status !== 1) throw new Error(`mptcpdrill run exited ${status}: ${stderr.slice(-2000)}`);
  const rows = readFileSync(reportFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Partial<Verdict>);
  return new Map(rows.filter((r): r is Verdict => typeof r.file === "string").map((r) => [r.file, r]));
}

/** Why a verdict is not what the job needs (`null`: as expected). */
function problem(v: Verdict | undefined, c: Case, mutant: boolean): string | null {
  if (v === undefined) return "no verdict";
  if (!mutant) return v.verdict === "pass" ? null : `original ${v.verdict}: ${v.message}`;
  if (v.verdict !== "fail") return `mutant ${v.verdict}${v.message ? `: ${v.message}` : " (the mutation was not detected)"}`;
  if (messageLine(v) !== c.line) return `mutant failed at line ${messageLine(v)}, not ${c.line}: ${v.message}`;
  const text = v.failure?.text ?? v.message ?? "";
  return c.field.test(text) ? null : `mutant message does not name ${c.field}: ${text}`;
}

/** The line a failure message points at (`FILE:LINE: …`), `null` if none. */
function messageLine(v: Verdict): number | null {
  const m = /\.pkt:(\d+):/.exec(v.message ?? "");
  return m ? Number(m[1]) : null;
}

/** A problem that scheduling noise can cause: a timing error at a line other than the mutated one. */
function isNoise(v: Verdict | undefined, c: Case, mutant: boolean): boolean {
  return v !== undefined && /timing error/.test(v.message ?? "") && !(mutant && messageLine(v) === c.line);
}

(canRun ? describe : describe.skip)("kernel runner: 20 upstream scripts and one mutant each (gpd, ipv4, -j 2)", function () {
  this.timeout(400_000);
  let stage: MutantStage;
  const jobs: { path: string; c: Case; mutant: boolean }[] = [];

  before(() => {
    // Scripts reach net/tcp/common (`../common/…` from net/tcp/<f>/) and net/common (`../../common/…` from net/tcp/<f>/).
    stage = createMutantStage({ "gpd/net/tcp/common": join(CORPUS, "gpd/net/tcp/common"), "gpd/net/common": join(CORPUS, "gpd/net/common") });
    for (const c of CASES) {
      const original = join(CORPUS, c.script);
      jobs.push({ path: original, c, mutant: false });
      jobs.push({ path: stage.write(c.script, mutateLine(readFileSync(original, "utf8"), c)), c, mutant: true });
    }
  });
  after(() => stage?.cleanup());

  it("has 20 distinct scripts, each with one mutation that changes its text", () => {
    expect(new Set(CASES.map((c) => c.script)).size).to.equal(20);
    for (const c of CASES) {
      const text = readFileSync(join(CORPUS, c.script), "utf8");
      expect(mutateLine(text, c)).to.not.equal(text);
      expect(c.to).to.not.equal(c.from);
    }
  });

  let verdicts = new Map<string, Verdict>();

  it("passes every original and fails every mutant at its line, naming the field", async () => {
    verdicts = await runCli(jobs.map((j) => j.path), join(stage.root, "run1.jsonl"));
    const noisy = jobs.filter((j) => problem(verdicts.get(j.path), j.c, j.mutant) !== null && isNoise(verdicts.get(j.path), j.c, j.mutant));
    if (noisy.length > 0) {
      const again = await runCli(noisy.map((j) => j.path), join(stage.root, "run2.jsonl"));
      verdicts = new Map([...verdicts, ...again]);
    }
    const problems = jobs
      .map((j) => ({ j, p: problem(verdicts.get(j.path), j.c, j.mutant) }))
      .filter((x) => x.p !== null)
      .map(({ j, p }) => `${j.c.script}${j.mutant ? ` (mutant line ${j.c.line})` : ""}: ${p}`);
    expect(problems, `rerun after a timing error elsewhere: ${noisy.length} job(s)`).to.deep.equal([]);
  });

  // The report's `line` must be the line the message names. A blocking call whose return is late
  // is noticed while a later event runs; the message names the call's line, and so must `line`.
  it("reports each failure at the line its message names (jsonl 'line')", function () {
    if (verdicts.size === 0) this.skip();
    const off = [...verdicts.values()]
      .filter((v) => v.verdict === "fail" && messageLine(v) !== null && v.line !== messageLine(v))
      .map((v) => `${v.file}: line ${v.line}, message: ${v.message}`);
    expect(off).to.deep.equal([]);
  });
});
