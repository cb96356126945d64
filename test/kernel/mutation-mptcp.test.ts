/**
 * MPTCP mutation test on the live kernel (RFC 8684 §3; pkt-language.md §8.9): 11 MPTCP scripts
 * that pass (upstream mpd rows packetdrill passes in corpus/baseline/mpd.tsv, and suites/mptcp),
 * each run as written and with ONE MPTCP field changed in memory (a Data ACK, an SSN, an
 * MP_CAPABLE flag and version, an MP_TCPRST reason, an MP_FASTCLOSE key, an MP_FAIL DSN, a
 * REMOVE_ADDR id, an ADD_ADDR port, a DSS checksum, an MP_JOIN backup bit). Every original must
 * pass; every mutant must fail at the mutated line with `live packet field mptcp <option> <field>`.
 * Mutants are written to a temporary folder that mirrors the script's path next to a symlink to
 * its `common/` helpers, so `../common/…` backticks resolve as for the original. One CLI run
 * (`-j 2`, ipv4, the mpd config) covers all 22 jobs; a job off only through a timing error on
 * another line is run once more. Needs root and /dev/net/tun.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { canRunKernel, repoRoot, sharedCorpus } from "../support/kernel-script.ts";
import { createMutantStage, mutateLine, type LineMutation, type MutantStage } from "../support/mutate-script.ts";

const REPO = repoRoot;
const CORPUS = sharedCorpus;
const canRun = canRunKernel && existsSync(join(CORPUS, "mpd"));

/** One script (`mpd/…` in the corpus, `mptcp/…` in suites/), its mutation, and the field the failure must name. */
interface Case extends LineMutation {
  readonly script: string;
  readonly field: string;
}

const M = "mpd/net/mptcp/";
const CASES: readonly Case[] = [
  { script: `${M}dss/dss_fin_server.pkt`, line: 17, from: "dack4=2", to: "dack4=3", field: "dss dack4" },
  { script: `${M}dss/mpc_with_data_server.pkt`, line: 20, from: "ssn=1 dll=1000", to: "ssn=2 dll=1000", field: "dss ssn" },
  { script: `${M}dss/dss_ssn_specified_client.pkt`, line: 15, from: "flags[flag_h]", to: "flags[flag_c, flag_h]", field: "mpcapable flags" },
  { script: `${M}mp_join/mp_join_server_bad_token.pkt`, line: 15, from: "mp_reset 1", to: "mp_reset 2", field: "mp_reset reason" },
  { script: `${M}mp_capable/v1_mp_capable_connect_no_cs.pkt`, line: 15, from: "mpcapable v1", to: "mpcapable v0", field: "mpcapable version" },
  { script: "mptcp/fastclose/fc-02-close-with-unread-data-listener.pkt", line: 24, from: "fkey=0x0200000000000000", to: "fkey=0x0300000000000000", field: "mp_fastclose key" },
  { script: "mptcp/fallback/fb-02-mp-fail-infinite-mapping-listener.pkt", line: 32, from: "mp_fail dsn8=1001", to: "mp_fail dsn8=1", field: "mp_fail dsn8" },
  { script: "mptcp/remove-addr/ra-01-endpoint-delete-sends-remove-addr-listener-v4.pkt", line: 23, from: "address_id=[1]", to: "address_id=[2]", field: "remove_address address_id" },
  { script: "mptcp/add-addr/aa-03-port-echoed-initiator-v4.pkt", line: 17, from: "port=8080", to: "port=8081", field: "add_address port" },
  { script: "mptcp/checksum/cs-01-kernel-requires-checksum-listener.pkt", line: 28, from: "dll=500>", to: "dll=500 cksum=7>", field: "dss cksum" },
  { script: "mptcp/remove-addr/ra-01-inbound-remove-addr-closes-subflow-listener.pkt", line: 22, from: "mp_join_syn_ack address_id=0", to: "mp_join_syn_ack backup=1 address_id=0", field: "mp_join_syn_ack backup" },
];

/** Where a case's original lives. */
function originalPath(script: string): string {
  return script.startsWith("mpd/") ? join(CORPUS, script) : join(REPO, "suites", script);
}

/** One line of the jsonl report. */
interface Verdict {
  readonly file: string;
  readonly verdict: string;
  readonly message: string | null;
  /** The failure as data: its `text` has packetdrill's field line under the cause. */
  readonly failure?: { readonly text: string } | null;
}

/** Runs the CLI on `paths` (ipv4, mpd config, -j 2) and returns the verdict per path. */
async function runCli(paths: readonly string[], reportFile: string): Promise<Map<string, Verdict>> {
  const args = [
    "bin/mptcpdrill.js", "run", "--sut", "kernel", "-j", "2", "--ip-version", "ipv4", "--config", "configs/packetdrill-mptcp.json",
    "--timeout", "60", "--reporter", `jsonl:${reportFile}`, ...paths,
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()));
  const status = await new Promise<number | null>((done) => child.on("close", done));
  if (status !== 0 && status !== 1) throw new Error(`mptcpdrill run exited ${status}: ${stderr.slice(-2000)}`);
  const rows = readFileSync(reportFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Partial<Verdict>);
  return new Map(rows.filter((r): r is Verdict => typeof r.file === "string" && typeof r.verdict === "string").map((r) => [resolve(REPO, r.file), r]));
}

/** The line a failure message points at (`FILE:LINE: …`), `null` if none. */
function messageLine(v: Verdict): number | null {
  const m = /\.pkt:(\d+):/.exec(v.message ?? "");
  return m ? Number(m[1]) : null;
}

/** Why a verdict is not what the job needs (`null`: as expected). */
function problem(v: Verdict | undefined, c: Case, mutant: boolean): string | null {
  if (v === undefined) return "no verdict";
  if (!mutant) return v.verdict === "pass" ? null : `original ${v.verdict}: ${v.message}`;
  if (v.verdict !== "fail") return `mutant ${v.verdict}${v.message ? `: ${v.message}` : " (the mutation was not detected)"}`;
  if (messageLine(v) !== c.line) return `mutant failed at line ${messageLine(v)}, not ${c.line}: ${v.message}`;
  const text = v.failure?.text ?? v.message ?? "";
  return text.includes(`\nlive packet field mptcp ${c.field}: expected: `) ? null : `mutant message does not name 'mptcp ${c.field}': ${text}`;
}

/** A problem that scheduling noise can cause: a timing error at a line other than the mutated one. */
function isNoise(v: Verdict | undefined, c: Case, mutant: boolean): boolean {
  return v !== undefined && /timing error/.test(v.message ?? "") && !(mutant && messageLine(v) === c.line);
}

(canRun ? describe : describe.skip)("kernel runner: MPTCP scripts and one MPTCP-field mutant each (ipv4, -j 2)", function () {
  this.timeout(300_000);
  let stage: MutantStage;
  const jobs: { path: string; c: Case; mutant: boolean }[] = [];

  before(() => {
    stage = createMutantStage({ "mpd/net/mptcp/common": join(CORPUS, "mpd/net/mptcp/common"), "mptcp/common": join(REPO, "suites/mptcp/common") });
    for (const c of CASES) {
      const original = originalPath(c.script);
      jobs.push({ path: original, c, mutant: false });
      jobs.push({ path: stage.write(c.script, mutateLine(readFileSync(original, "utf8"), c)), c, mutant: true });
    }
  });
  after(() => stage?.cleanup());

  it("has distinct scripts (upstream and suites/mptcp), each with one mutation that changes its text", () => {
    expect(new Set(CASES.map((c) => c.script)).size).to.equal(CASES.length);
    expect(CASES.length).to.be.at.least(10);
    expect(CASES.filter((c) => c.script.startsWith("mpd/")).length).to.be.at.least(5);
    for (const c of CASES) expect(mutateLine(readFileSync(originalPath(c.script), "utf8"), c)).to.not.equal(readFileSync(originalPath(c.script), "utf8"));
  });

  it("passes every original and fails every mutant at its line, naming the MPTCP field", async () => {
    let verdicts = await runCli(jobs.map((j) => j.path), join(stage.root, "run1.jsonl"));
    const noisy = jobs.filter((j) => problem(verdicts.get(j.path), j.c, j.mutant) !== null && isNoise(verdicts.get(j.path), j.c, j.mutant));
    if (noisy.length > 0) verdicts = new Map([...verdicts, ...await runCli(noisy.map((j) => j.path), join(stage.root, "run2.jsonl"))]);
    const problems = jobs
      .map((j) => ({ j, p: problem(verdicts.get(j.path), j.c, j.mutant) }))
      .filter((x) => x.p !== null)
      .map(({ j, p }) => `${j.c.script}${j.mutant ? ` (mutant line ${j.c.line})` : ""}: ${p}`);
    expect(problems, `rerun after a timing error elsewhere: ${noisy.length} job(s)`).to.deep.equal([]);
  });
});
