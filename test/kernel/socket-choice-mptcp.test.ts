/**
 * The MPTCP fork's socket choice on the live kernel (pkt-language.md §8.3): the suites/mptcp
 * scripts written for its two rules pass in every variant their names select, and a mutant of
 * each fails at the mutated line.
 * - Newest first: `dss-07-data-fin-on-every-subflow-listener.pkt` names the initial subflow for the
 *   first DATA_FIN and leaves the second line without addresses (the joined subflow, the newest
 *   socket). The mutant swaps the two lines (wrong subflow order): the first line then expects the
 *   DATA_FIN on the joined subflow while the kernel sends it on the initial one first.
 * - Outbound MP_JOIN SYN by destination only: `mpj-01-join-from-announced-address-initiator-*.pkt`
 *   expect the kernel's join from its announced address (`addr[c1]`, bound by the ADD_ADDR with the
 *   initial subflow's port, in the -v4 script) to the peer's initial address `addr[s0]`. The mutant
 *   names the kernel's own initial endpoint `addr[c0]` as the destination: no live SYN goes there.
 * Mutants are written to a temporary folder next to a symlink to suites/mptcp/common. One CLI run
 * (`-j 2`, the suite's config) covers the originals and the mutants; a job off only through a
 * timing error on another line is run once more. Needs root and /dev/net/tun.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { canRunKernel, repoRoot } from "../support/kernel-script.ts";
import { type LineMutation, type MutantStage, createMutantStage, mutateLine } from "../support/mutate-script.ts";

const REPO = repoRoot;
const SUITE = join(REPO, "suites/mptcp");

/** One script of suites/mptcp, its mutation (one or more lines) and what the mutant must say at its line. */
interface Case {
  readonly script: string;
  readonly rule: string;
  readonly mutations: readonly LineMutation[];
  /** The line the mutant must fail at. */
  readonly line: number;
  /** The failure messages (after `error handling packet: `) the mutant may give at that line. */
  readonly messages: readonly string[];
}

const FIN_NAMED = "> addr[s0] > addr[c0] . 1:1(0)";
const FIN_BARE = "> . 1:1(0)";
const CASES: readonly Case[] = [
  {
    script: "dss/dss-07-data-fin-on-every-subflow-listener.pkt",
    rule: "wrong subflow order",
    mutations: [{ line: 28, from: FIN_NAMED, to: FIN_BARE }, { line: 29, from: FIN_BARE, to: FIN_NAMED }],
    line: 28,
    // The cause first (issue #13); packetdrill's own words where no cause was found.
    messages: ["live packet belongs to another connection or subflow", "packet is not for expected socket"],
  },
  ...["v4", "v6"].map((v): Case => ({
    script: `mp-join/mpj-01-join-from-announced-address-initiator-${v}.pkt`,
    rule: "wrong join destination",
    mutations: [{ line: 22, from: "> addr[c1] > addr[s0] S", to: "> addr[c1] > addr[c0] S" }],
    line: 22,
    // Nothing goes to addr[c0]: the wait ends on a packet of the initial subflow or on the timeout.
    messages: ["live packet belongs to another connection or subflow", "packet is not for expected socket", "Timed out waiting for packet"],
  })),
];

/** The variants run_all.py's file-name rule gives a script. */
function variantsOf(file: string): string[] {
  if (file.endsWith("v4.pkt")) return ["ipv4", "ipv4-mapped-ipv6"];
  if (file.endsWith("v6.pkt")) return ["ipv6"];
  return ["ipv4", "ipv4-mapped-ipv6", "ipv6"];
}

/** One line of the jsonl report. */
interface Row {
  readonly file: string;
  readonly variant: string;
  readonly verdict: string;
  readonly message: string | null;
}

const key = (file: string, variant: string): string => `${resolve(REPO, file)} [${variant}]`;

/** Runs the CLI on `paths` with the suite's config (variants by file name) and returns the rows by path and variant. */
async function runCli(paths: readonly string[], report: string, extra: readonly string[] = []): Promise<Map<string, Row>> {
  const args = [
    "bin/mptcpdrill.js", "run", "--sut", "kernel", "-j", "2", "--config", "suites/mptcp/mptcpdrill.json",
    "--timeout", "60", "--reporter", `jsonl:${report}`, ...extra, ...paths,
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()));
  const status = await new Promise<number | null>((done) => child.on("close", done));
  if (status !== 0 && status !== 1) throw new Error(`mptcpdrill run exited ${status}: ${stderr.slice(-2000)}`);
  const rows = readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Partial<Row>)
    .filter((r): r is Row => typeof r.file === "string" && typeof r.verdict === "string" && typeof r.variant === "string");
  return new Map(rows.map((r) => [key(r.file, r.variant), r]));
}

/** The line a failure message points at (`FILE:LINE: …`), `null` if none. */
function messageLine(r: Row): number | null {
  const m = /\.pkt:(\d+):/.exec(r.message ?? "");
  return m ? Number(m[1]) : null;
}

/** Why a row is not what the job needs (`null`: as expected). */
function problem(r: Row | undefined, c: Case, mutant: boolean): string | null {
  if (r === undefined) return "no verdict";
  if (!mutant) return r.verdict === "pass" ? null : `original ${r.verdict}: ${r.message}`;
  if (r.verdict !== "fail") return `mutant ${r.verdict}${r.message ? `: ${r.message}` : " (the mutation was not detected)"}`;
  if (messageLine(r) !== c.line) return `mutant failed at line ${messageLine(r)}, not ${c.line}: ${r.message}`;
  const said = c.messages.some((m) => (r.message ?? "").includes(`:${c.line}: error handling packet: ${m}`));
  return said ? null : `mutant message is none of ${JSON.stringify(c.messages)}: ${r.message}`;
}

/** A problem that scheduling noise can cause: a timing error at a line other than the mutated one. */
function isNoise(r: Row | undefined, c: Case, mutant: boolean): boolean {
  return r !== undefined && /timing error/.test(r.message ?? "") && !(mutant && messageLine(r) === c.line);
}

/** The mutant text of a case. */
function mutant(c: Case): string {
  return c.mutations.reduce((text, m) => mutateLine(text, m), readFileSync(join(SUITE, c.script), "utf8"));
}

(canRunKernel ? describe : describe.skip)("kernel runner: the MPTCP fork's socket choice (§8.3), scripts and mutants", function () {
  this.timeout(240_000);
  let stage: MutantStage;
  const jobs: { path: string; variant: string; c: Case; mutant: boolean }[] = [];

  before(() => {
    stage = createMutantStage({ "mptcp/common": join(SUITE, "common") });
    for (const c of CASES) {
      const original = join(SUITE, c.script);
      const copy = stage.write(`mptcp/${c.script}`, mutant(c));
      for (const variant of variantsOf(c.script)) {
        jobs.push({ path: original, variant, c, mutant: false }, { path: copy, variant, c, mutant: true });
      }
    }
  });
  after(() => stage?.cleanup());

  it("mutates each script at the lines its rule is about", () => {
    for (const c of CASES) expect(mutant(c), c.script).to.not.equal(readFileSync(join(SUITE, c.script), "utf8"));
    expect(new Set(CASES.map((c) => c.rule))).to.deep.equal(new Set(["wrong subflow order", "wrong join destination"]));
  });

  it("passes every original in every variant and fails every mutant at its line", async () => {
    const paths = [...new Set(jobs.map((j) => j.path))];
    let rows = await runCli(paths, join(stage.root, "run1.jsonl"));
    const noisy = jobs.filter((j) => {
      const r = rows.get(key(j.path, j.variant));
      return problem(r, j.c, j.mutant) !== null && isNoise(r, j.c, j.mutant);
    });
    for (const j of noisy) {
      const again = await runCli([j.path], join(stage.root, `rerun-${jobs.indexOf(j)}.jsonl`), ["--ip-version", j.variant]);
      rows = new Map([...rows, ...again]);
    }
    const problems = jobs
      .map((j) => ({ j, p: problem(rows.get(key(j.path, j.variant)), j.c, j.mutant) }))
      .filter((x) => x.p !== null)
      .map(({ j, p }) => `${j.c.script} [${j.variant}]${j.mutant ? ` (mutant: ${j.c.rule})` : ""}: ${p}`);
    expect(jobs.filter((j) => j.mutant)).to.have.length(6);
    expect(problems, `rerun after a timing error elsewhere: ${noisy.length} job(s)`).to.deep.equal([]);
  });
});
