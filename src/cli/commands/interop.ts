/**
 * `mptcpdrill interop`: the reference stack (src/stack) against the live kernel's MPTCP over a
 * veth pair between two private network namespaces through libpcap, or over a TUN device in the
 * kernel's namespace (src/interop, issue 8).
 */
import { EXIT_FAIL, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import { isMptcpdrillError } from "../../errors.ts";
import { formatReport, reportJson } from "../../interop/report.ts";
import { runInterop, scenarioNames } from "../../interop/run-interop.ts";
import { SCENARIOS } from "../../interop/scenarios.ts";
import { LINK_KINDS, type LinkKind } from "../../interop/topology.ts";

const USAGE = `usage: mptcpdrill interop [--report] [--json] [--list] [--link veth|tun|both] [--capture DIR] [--seed N] [SCENARIO...]

Runs the reference stack against the kernel's MPTCP: MP_CAPABLE both ways with and without DSS
checksums, ADD_ADDR + MP_JOIN both ways, 20 MB each way over two subflows, and fallback (a
stripped SYN/ACK, a corrupted byte answered with MP_FAIL and an infinite mapping). Needs root,
iproute2, ethtool, nstat, python3, tcpdump and libpcap; everything happens in network namespaces
named mpd-interop-k<pid> / mpd-interop-r<pid> (veth) or mpd-interop-t<pid> (tun), removed afterwards.

options:
  --report        print the table (scenario, link, result, bytes, throughput, subflows, counters); default
  --json          print the outcomes as JSON
  --list          list the scenarios and exit
  --link KIND     veth: libpcap on a veth pair (default); tun: the reference stack owns a TUN
                  device's fd in the kernel's namespace; both: veth, then tun
  --capture DIR   write one tcpdump capture per scenario and link (DIR/NAME.LINK.pcap, kernel side)
  --seed N        seed of the reference stack (default 1)
  -h, --help      this help
exit status: 0 all scenarios pass, 1 a scenario failed, 2 usage or environment error,
             130 stopped by SIGINT, 143 by SIGTERM (the worker and namespaces are removed first;
             namespaces left by a run killed with SIGKILL are removed by the next interop run)
`;

interface Args {
  json: boolean; list: boolean; capture: string | undefined; seed: number; names: string[]; links: readonly LinkKind[];
}

function parseLink(v: string): readonly LinkKind[] | undefined {
  if (v === "both") return LINK_KINDS;
  return LINK_KINDS.includes(v as LinkKind) ? [v as LinkKind] : undefined;
}

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { json: false, list: false, capture: undefined, seed: 1, names: [], links: ["veth"] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] as string;
    if (x === "--report") continue;
    if (x === "--json") a.json = true;
    else if (x === "--list") a.list = true;
    else if (x === "--capture" || x === "--seed" || x === "--link") {
      const v = argv[++i];
      if (v === undefined) return `${x} needs a value`;
      if (x === "--capture") a.capture = v;
      else if (x === "--link") {
        const links = parseLink(v);
        if (!links) return `--link wants veth, tun or both, got '${v}'`;
        a.links = links;
      }
      else if (!/^\d+$/.test(v)) return `--seed wants a number, got '${v}'`;
      else a.seed = Number(v);
    } else if (x.startsWith("-")) return `unknown option '${x}'`;
    else if (!SCENARIOS.some((s) => s.name === x)) return `unknown scenario '${x}' (see --list)`;
    else a.names.push(x);
  }
  return a;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (args.list) {
    for (const s of SCENARIOS) io.stdout.write(`${s.name}  ${s.summary}${s.knownIssue ? ` (known issue, not run by default: ${s.knownIssue})` : ""}\n`);
    return EXIT_OK;
  }
  const controller = new AbortController();
  let stoppedBy: "SIGINT" | "SIGTERM" | null = null;
  const unsubscribe = io.onSignal?.((sig) => {
    if (stoppedBy === null) io.stderr.write(`\n${sig}: stopping: killing the worker, removing the namespaces\n`);
    stoppedBy ??= sig;
    controller.abort(sig);
  });
  try {
    const capture = args.capture === undefined ? {} : { captureDir: args.capture.startsWith("/") ? args.capture : `${io.cwd}/${args.capture}` };
    const r = await runInterop({ scenarios: args.names.length > 0 ? args.names : scenarioNames(), seed: args.seed, links: args.links, signal: controller.signal, ...capture });
    if (stoppedBy !== null) return stoppedBy === "SIGINT" ? EXIT_SIGINT : EXIT_SIGTERM;
    io.stdout.write(args.json ? `${reportJson(r.outcomes, r.errors)}\n` : formatReport(r.outcomes, r.errors));
    if (r.errors.length > 0 && r.outcomes.length === 0) return EXIT_USAGE;
    return r.errors.length === 0 && r.outcomes.every((o) => o.passed) ? EXIT_OK : EXIT_FAIL;
  } catch (e) {
    // Stopped by a signal while setting up or tearing down: the signal is the answer.
    if (stoppedBy !== null) return stoppedBy === "SIGINT" ? EXIT_SIGINT : EXIT_SIGTERM;
    if (!isMptcpdrillError(e)) throw e;
    io.stderr.write(`error[${e.code}]: ${e.message}\n`);
    return EXIT_USAGE;
  } finally {
    unsubscribe?.();
  }
}

/** The `interop` sub-command. */
export const interopCommand: Command = { name: "interop", summary: "run the reference stack against the live kernel's MPTCP (veth + libpcap, or TUN)", usage: USAGE, run };
