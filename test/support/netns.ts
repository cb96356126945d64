/**
 * Test support: named network namespaces and veth pairs for kernel tests, always cleaned up.
 *
 * Every name starts with `mpd-` and carries the test process id, so parallel runs and leftovers
 * of a crashed run never collide. A {@link NetnsLab} remembers what it created (namespaces and
 * background processes) and `cleanup()` removes all of it; call it from an `after()` hook.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";

/** Runs `ip …` (or any command) synchronously and returns its stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], ...(input === undefined ? {} : { input }) });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")}: ${err.stderr?.trim() || err.message}`);
  }
}

/** True when this process may create network namespaces (root with `ip netns`). */
export function canUseNetns(): boolean {
  try {
    return process.getuid?.() === 0 && run("ip", ["netns", "list"]) !== undefined;
  } catch {
    return false;
  }
}

/** One end of a veth pair inside a namespace, with an optional IPv4 address in CIDR form. */
export interface VethEnd {
  readonly netns: string;
  readonly ifname: string;
  readonly cidr?: string;
}

/** A set of namespaces and processes owned by one test file. */
export class NetnsLab {
  readonly namespaces: string[] = [];
  readonly children: ChildProcess[] = [];
  readonly tag: string;

  constructor(tag: string) {
    this.tag = `mpd-${tag}-${process.pid}`;
  }

  /** Creates namespace `mpd-<tag>-<pid>-<suffix>` with loopback up and IPv6 off; returns its name. */
  addNetns(suffix: string, options: { ipv6?: boolean } = {}): string {
    const name = `${this.tag}-${suffix}`;
    run("ip", ["netns", "add", name]);
    this.namespaces.push(name);
    this.exec(name, ["ip", "link", "set", "lo", "up"]);
    if (!options.ipv6) this.exec(name, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
    return name;
  }

  /** Creates a veth pair directly between two namespaces (no end ever lives in the host namespace). */
  addVeth(a: VethEnd, b: VethEnd): void {
    run("ip", ["-n", a.netns, "link", "add", a.ifname, "type", "veth", "peer", "name", b.ifname, "netns", b.netns]);
    for (const end of [a, b]) {
      if (end.cidr !== undefined) run("ip", ["-n", end.netns, "addr", "add", end.cidr, "dev", end.ifname]);
      run("ip", ["-n", end.netns, "link", "set", end.ifname, "up"]);
    }
  }

  /** Runs a command inside a namespace and returns stdout. */
  exec(netns: string, argv: readonly string[], input?: string): string {
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new Error("empty command");
    return run("ip", ["netns", "exec", netns, cmd, ...args], input);
  }

  /** Starts a background process inside a namespace; `cleanup()` kills it if it is still running. */
  spawn(netns: string, argv: readonly string[]): ChildProcess {
    const child = spawn("ip", ["netns", "exec", netns, ...argv], { stdio: ["pipe", "pipe", "pipe"] });
    this.children.push(child);
    return child;
  }

  /** Kills the remaining children (by pid), then deletes every namespace this lab created. */
  async cleanup(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited(child, 2000);
      }
    }
    for (const ns of this.namespaces.splice(0)) {
      try {
        run("ip", ["netns", "del", ns]);
      } catch {
        // Already gone; nothing left to clean.
      }
    }
  }
}

/** Resolves when `child` has exited (or after `timeoutMs`), with its exit code. */
export function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Resolves once `pattern` appears in the child's stderr or stdout; rejects on exit or after `timeoutMs`. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) finish(() => resolve(seen));
    };
    const onExit = (code: number | null): void => finish(() => reject(new Error(`exited with ${code} before ${pattern}: ${seen}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}: ${seen}`))), timeoutMs);
    const finish = (then: () => void): void => {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      then();
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}
