// `--no-shell`: every line that would run a program is refused with a diagnostic, and a refused
// script runs nothing at all (no backtick, no code block, no packet, on either SUT). `check
// --no-shell` names the same lines. Upstream scripts that use commands are all refused.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin/mptcpdrill.js");
const CORPUS = resolve(ROOT, "../shared/corpus");

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pktFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? pktFiles(p) : e.endsWith(".pkt") ? [p] : [];
  });
}

describe("cli: --no-shell", function () {
  this.timeout(300_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mpd-noshell-"));
    writeFileSync(join(dir, "uses-shell.pkt"), [
      "--code_command=/bin/true",
      "`touch ran-init`",
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "+0 `touch ran-command`",
      "+0 %{ open('ran-code', 'w') }%",
      "+0 close(3) = 0",
      "",
    ].join("\n"));
    writeFileSync(join(dir, "plain.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("check --no-shell names every line that would run a program", () => {
    const r = cli(dir, "check", "--no-cache", "--no-shell", "uses-shell.pkt", "plain.pkt");
    expect(r.status).to.equal(1);
    const refused = r.stdout.split("\n").filter((l) => l.includes("refused by --no-shell"));
    expect(refused).to.deep.equal([
      "uses-shell.pkt:1:1: error: refused by --no-shell: option '--code_command' names a program to run",
      "uses-shell.pkt:2:1: error: refused by --no-shell: a backtick line runs a shell command",
      "uses-shell.pkt:4:4: error: refused by --no-shell: a backtick line runs a shell command",
      "uses-shell.pkt:5:4: error: refused by --no-shell: a %{ }% block runs a code program",
    ]);
    expect(cli(dir, "check", "--no-cache", "uses-shell.pkt").stdout).to.not.contain("refused");
  });

  for (const sut of ["reference", "kernel"] as const) {
    it(`run --no-shell on the ${sut} SUT: the script is an error naming each line, and nothing of it ran`, function () {
      if (sut === "kernel" && (process.getuid?.() !== 0 || !existsSync("/dev/net/tun"))) this.skip();
      const r = cli(dir, "run", "--sut", sut, "--no-shell", "--ip-version", "ipv4", "--reporter", "jsonl", "uses-shell.pkt", "plain.pkt");
      const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict?: string; line?: number; message?: string });
      const byFile = new Map(rows.filter((x) => x.file !== undefined).map((x) => [x.file, x]));
      expect(byFile.get("plain.pkt")?.verdict).to.equal("pass");
      const refused = byFile.get("uses-shell.pkt");
      expect([refused?.verdict, refused?.line]).to.deep.equal(["error", 1]);
      expect(refused?.message).to.equal("refused by --no-shell (nothing was run): line 1: option '--code_command' names a program to run; line 2: a backtick line runs a shell command; line 4: a backtick line runs a shell command; line 5: a %{ }% block runs a code program");
      for (const marker of ["ran-init", "ran-command", "ran-code"]) expect(existsSync(join(dir, marker)), marker).to.equal(false);
      expect(r.status).to.equal(1);
    });
  }

  it("every upstream script that runs a command or code block is refused, and nothing runs", () => {
    const withShell = [...pktFiles(join(CORPUS, "gpd")), ...pktFiles(join(CORPUS, "mpd"))].filter((f) => /`|%\{/.test(readFileSync(f, "utf8")));
    expect(withShell.length).to.be.greaterThan(100);
    const r = cli(ROOT, "run", "--sut", "reference", "--no-shell", "--ip-version", "ipv4", "--reporter", "jsonl", ...withShell);
    const ends = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file?: string; verdict?: string; message?: string }).filter((x) => x.file !== undefined);
    expect(ends.length).to.be.greaterThan(100);
    const notRefused = ends.filter((e) => e.verdict !== "error" || !/^refused by --no-shell \(nothing was run\): line \d+: /.test(e.message ?? ""));
    expect(notRefused.map((e) => `${e.file}: ${e.verdict} ${e.message}`)).to.deep.equal([]);
  });

  it("a script's own --code_command runs nothing without --allow-script-programs; with it, or set on the command line, it is obeyed", () => {
    writeFileSync(join(dir, "own-program.pkt"), "--code_command=python3\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    const refused = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--reporter", "jsonl", "own-program.pkt");
    const row = JSON.parse(refused.stdout.split("\n")[0] ?? "{}") as { verdict?: string; line?: number; message?: string };
    expect([row.verdict, row.line]).to.deep.equal(["error", 1]);
    expect(row.message).to.match(/^the script names a program to run \(--code_command\); nothing was run: pass --allow-script-programs/);
    for (const extra of [["--allow-script-programs"], ["--code_command=python3"]]) {
      const ok = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", ...extra, "own-program.pkt");
      expect(ok.status, `${extra.join(" ")}: ${ok.stdout}`).to.equal(0);
    }
  });

  it("a script's commands see a scrubbed environment: no CI secrets or loader hooks, PATH and the script's OPT_* kept", function () {
    if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) this.skip();
    writeFileSync(join(dir, "env-v4.pkt"), [
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "+0 `test -z \"$MPD_SECRET_TOKEN\" && test -z \"$LD_PRELOAD\" && test -n \"$PATH\" && test -n \"$OPT_LOCAL_IP\"`",
      "+0 close(3) = 0",
      "",
    ].join("\n"));
    const r = spawnSync(process.execPath, [BIN, "run", "--ip-version", "ipv4", "env-v4.pkt"], {
      cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, MPD_SECRET_TOKEN: "s3cret", LD_PRELOAD: "" },
    });
    expect(r.status, r.stdout).to.equal(0);
  });

  it("a config planted next to scripts may not name a program: refused unless named with --config or --allow-script-programs", () => {
    const planted = join(dir, "planted");
    mkdirSync(planted, { recursive: true });
    writeFileSync(join(planted, "mptcpdrill.json"), JSON.stringify({ flags: { code_command: "/bin/sh" } }));
    writeFileSync(join(planted, "t.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    const refused = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "planted");
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.contain(`config ${join(planted, "mptcpdrill.json")} (found next to the scripts, not named with --config) sets --code_command`);
    expect(refused.stdout).to.equal("");
    expect(cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--allow-script-programs", "planted").status).to.equal(0);
    expect(cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--config", join(planted, "mptcpdrill.json"), "planted").status).to.equal(0);
  });

  it("a config above the working directory is never read", () => {
    const project = join(dir, "project");
    mkdirSync(join(project, "s"), { recursive: true });
    writeFileSync(join(dir, "mptcpdrill.json"), "this is not JSON: reading it would fail the run");
    writeFileSync(join(project, "s/t.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n");
    const r = cli(project, "run", "--sut", "reference", "--ip-version", "ipv4", "s");
    expect(r.status, r.stderr).to.equal(0);
    rmSync(join(dir, "mptcpdrill.json"));
  });

  it("\"noShell\": true in a config refuses like --no-shell for the scripts it applies to", () => {
    const guarded = join(dir, "guarded");
    mkdirSync(guarded, { recursive: true });
    writeFileSync(join(guarded, "mptcpdrill.json"), JSON.stringify({ noShell: true }));
    writeFileSync(join(guarded, "cmd.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `true`\n+0 close(3) = 0\n");
    const r = cli(dir, "run", "--sut", "reference", "--ip-version", "ipv4", "--reporter", "jsonl", "guarded");
    const row = JSON.parse(r.stdout.split("\n")[0] ?? "{}") as { verdict?: string; message?: string };
    expect(row.verdict).to.equal("error");
    expect(row.message).to.match(/^refused by --no-shell \(nothing was run\): line 2: /);
    writeFileSync(join(guarded, "mptcpdrill.json"), JSON.stringify({ noShell: "yes" }));
    expect(cli(dir, "run", "--sut", "reference", "guarded").stderr).to.contain("config.noShell: expected true or false");
  });
});
