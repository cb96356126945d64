/**
 * Backtick commands and code programs (pkt-language.md §7): `/bin/sh -c` (packetdrill's `system()`;
 * dash on Debian, so `cmd &> f` backgrounds `cmd` like it does there) in the script's folder with
 * packetdrill's environment (`OPT_*`, defines, `PACKETDRILL_PID`), and `python3 <file>` for the
 * assembled `%{ }%` program, with a scrubbed environment ({@link scrubbedEnv}). Children stay
 * in the host's process group so killing the group (timeout, SIGINT) takes them too.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandResult } from "../sut.ts";
import { monoNowUs } from "./clock.ts";

/** How commands run. */
export interface CommandOptions {
  /** Working directory: the script's folder. */
  readonly cwd: string;
  /** Extra environment (OPT_*, defines); PACKETDRILL_PID is added here. */
  readonly env: Readonly<Record<string, string>>;
  /** Kill a command after this long (ms). */
  readonly timeoutMs: number;
  /** Interpreter for code programs, e.g. `["python3"]`. */
  readonly codeCommand: readonly string[];
}

/**
 * The part of this process's environment a script's commands see (docs/security.md): what
 * programs need to run and to print (PATH, HOME, locale, terminal, TMPDIR — the host's own
 * folder), nothing else. CI secrets (tokens, cloud credentials), loader hooks (LD_PRELOAD,
 * NODE_OPTIONS) and mptcpdrill's own variables stay out; the script's OPT_* and defines are
 * added by the caller.
 */
export function scrubbedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (KEPT_ENV.has(k) || k.startsWith("LC_"))) out[k] = v;
  }
  return out;
}

const KEPT_ENV: ReadonlySet<string> = new Set(["PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TMPDIR", "TZ", "USER", "LOGNAME", "SHELL"]);

/** Output kept per stream. */
const MAX_OUTPUT = 1 << 20;

/** Run argv to completion with the given options. */
export function runProcess(argv: readonly string[], opts: CommandOptions): Promise<CommandResult> {
  const startUs = monoNowUs();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"],
      env: { ...scrubbedEnv(process.env), ...opts.env, PACKETDRILL_PID: String(process.pid) },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (into: Buffer[]) => (b: Buffer): void => {
      if (size < MAX_OUTPUT) into.push(b);
      size += b.length;
    };
    child.stdout.on("data", keep(out));
    child.stderr.on("data", keep(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    const finish = (code: number | null, signal: string | null, extra = ""): void => {
      clearTimeout(timer);
      resolve({
        exitCode: code, signal, timedOut,
        stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + extra,
        startUs, endUs: monoNowUs(),
      });
    };
    child.on("error", (e) => finish(127, null, String(e)));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** A backtick command: `/bin/sh -c <command>`, as packetdrill's `system()` runs it. */
export function runShellCommand(command: string, opts: CommandOptions): Promise<CommandResult> {
  return runProcess(["/bin/sh", "-c", command], opts);
}

/** A code program: written to `/tmp/code_XXXXXX/code.py` and run with the code command. */
export async function runCodeProgram(program: string, opts: CommandOptions): Promise<CommandResult> {
  const dir = mkdtempSync(join(tmpdir(), "code_"));
  const file = join(dir, "code.py");
  writeFileSync(file, program);
  try {
    return await runProcess([...opts.codeCommand, file], opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Kills (SIGKILL) every process of this process's group except this one: what a script's
 * commands left running (`cmd &` in a backtick line, a code block's children), so the next
 * script in a long-lived host starts with none of them. Returns how many were killed.
 */
export function killStrayCommands(): number {
  const self = process.pid;
  let killed = 0;
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^[0-9]+$/.test(d));
  } catch {
    return 0;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === self) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${p}/stat`, "latin1");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== self) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // gone already
    }
  }
  return killed;
}
