/**
 * `mptcpdrill run [options] PATH…`: runs scripts against a SUT, script × variant jobs in child
 * processes, and reports through the selected reporters (house-style rules 15-17). The logic is in
 * `cli/run/`; this file holds the usage text and the production wiring of job runners.
 */
import { EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import type { RunArgs } from "../run/args.ts";
import { executeRun, type RunDeps } from "../run/execute.ts";
import type { RunJobSpec } from "../run/jobs.ts";
import { kernelRunner } from "../run/kernel-job.ts";
import { kernelPreflight } from "../run/preflight.ts";
import { referenceRunner } from "../run/reference-job.ts";
import type { RunJob } from "../run/scheduler.ts";

const USAGE = `usage: mptcpdrill run [options] [packetdrill flags] PATH...

Runs every .pkt script under PATH (files or folders, recursively, sorted) as each selected IP
variant, one child process in a fresh network namespace per script and variant.

options:
  --sut kernel|reference    system under test (default kernel)
  -j, --jobs N              run at most N jobs at once (default 1)
  --ip-version V            ipv4, ipv6, ipv4-mapped-ipv6, all (default) or a comma list; a script
                            named *v4.pkt runs as ipv4 and ipv4-mapped-ipv6 only, *v6.pkt as ipv6
                            only (as run_all.py); this option narrows that set
  --capture DIR             write a pcap per script and variant: DIR/<path with / as __>.<variant>.pcap
  --timeout SECONDS         per-job limit, then the job fails (default 180, as run_all.py)
  --config FILE             per-variant packetdrill flags and defines (JSON, see configs/README.md);
                            without it, the nearest mptcpdrill.json at or above each script's folder
  --reporter NAME[:FILE]    human (default), tap, junit, jsonl; repeatable; without FILE it writes
                            to stdout (at most one); human stays on stdout unless another takes it
  -v, --verbose             show passing events and packet dumps
  -h, --help                this help

packetdrill flags (pkt-language.md §1.6) are passed down to every job:
  -D NAME=VALUE, --define=NAME=VALUE, --tolerance_usecs=N, --non_fatal=packet, --mtu=N, ...
  --ip_version=V selects variants like --ip-version.
precedence, lowest first: packetdrill defaults < the script's option lines < config flags and
defines (common, then the variant's) < the command line.

exit status: 0 all passed, 1 a job failed or had an error, 2 usage, config or environment
problem (e.g. not root: every job is reported as error), 130 stopped by SIGINT/SIGTERM
`;

function kernelJobs(args: RunArgs, io: CliIo): RunJob<RunJobSpec> | string {
  const problem = kernelPreflight(io);
  if (problem !== null) return problem;
  // The child's own limit is a backstop: the scheduler fails the job at --timeout and kills it.
  return kernelRunner(io, { hostLimitMs: args.timeoutSeconds * 1000 + 30_000 });
}

/** Production job runners per SUT. */
export const DEFAULT_RUN_DEPS: RunDeps = {
  runnerFor: (args: RunArgs, io: CliIo) => (args.sut === "kernel" ? kernelJobs(args, io) : referenceRunner(io)),
};

/** Builds the `run` command with injected dependencies (tests pass fake job runners). */
export function createRunCommand(deps: RunDeps): Command {
  return {
    name: "run",
    summary: "run scripts against a SUT (kernel in a network namespace) and report verdicts",
    usage: USAGE,
    run: async (argv, io) => (argv.length === 0 ? (io.stderr.write(USAGE), EXIT_USAGE) : executeRun(argv, io, deps, USAGE)),
  };
}

/** The `run` sub-command. */
export const runCommand: Command = createRunCommand(DEFAULT_RUN_DEPS);
