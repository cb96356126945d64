/**
 * Entry point of the interop worker: a Node process started inside the reference namespace
 * (`ip netns exec mpd-interop-r… node …`) so the reference stack's capture and injection never
 * touch the root namespace. It runs the named scenarios in order and prints one JSON line per
 * outcome (`{"outcome": …}`), or `{"error": …}` for an environment failure.
 */
import { runScenario } from "./run-scenario.ts";
import { SCENARIOS } from "./scenarios.ts";
import type { Topology } from "./topology.ts";

/** The worker's argument (one JSON argv entry). */
export interface WorkerArgs {
  readonly topology: Topology;
  readonly scenarios: readonly string[];
  readonly seed: number;
  readonly basePort: number;
  /** Write a tcpdump capture per scenario into this directory. */
  readonly captureDir?: string;
}

/**
 * The worker leads its own process group (the parent spawns it detached), and its kernel peers
 * and tcpdump are in that group. When the parent goes away, however it ended (SIGKILL included),
 * the worker's stdin pipe reaches its end: the whole group is killed at once, so no peer keeps
 * the namespace (and its veth pair) alive.
 */
function dieWithParent(): void {
  process.stdin.on("end", () => killGroup());
  process.stdin.on("error", () => killGroup());
  process.stdin.resume();
}

function killGroup(): void {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    process.exit(1);
  }
}

async function main(): Promise<void> {
  dieWithParent();
  const args = JSON.parse(process.argv[2] ?? "{}") as WorkerArgs;
  // Closed libpcap handles live until exit (see openLink in run-scenario.ts).
  const retain: unknown[] = [];
  let i = 0;
  for (const name of args.scenarios) {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) {
      process.stdout.write(`${JSON.stringify({ error: `unknown scenario '${name}'` })}\n`);
      continue;
    }
    try {
      const o = await runScenario(args.topology, s, args.basePort + i, args.seed + i, args.captureDir, retain);
      process.stdout.write(`${JSON.stringify({ outcome: o })}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ error: `${name}: ${(e as Error).message}` })}\n`);
    }
    i++;
  }
}

await main();
// Exit without tearing down the closed libpcap handles (their uv_poll handles were never closed).
process.stdout.write("", () => process.exit(0));
