/**
 * `mptcpdrill run [options] PATH…`: runs scripts against a SUT, script × variant jobs in child
 * processes, and reports through the selected reporters (house-style rules 15-17). The logic is in
 * `cli/run/`; this file holds the usage text and the production wiring of job runners.
 */
import { EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import type { RunArgs } from "../run/args.ts";
import { executeRun, type RunDeps } from "../run/execute.ts";
import type { JobRunner } from "../../runner/job-runner.ts";
import type { RunJobSpec } from "../../runner/job-spec.ts";
import { kernelPreflight } from "../run/preflight.ts";

const USAGE = `usage: mptcpdrill run [options] [packetdrill flags] PATH...

Runs every .pkt script under PATH (files or folders, recursively, sorted) as each selected IP
variant. Kernel jobs run in warm script hosts (one per -j slot), each script and variant in a
fresh network namespace with its own TUN device.

options:
  --sut kernel|reference    system under test (default kernel)
  -j, --jobs N              run at most N jobs at once (default: the number of CPUs)
  --ip-version V            ipv4, ipv6, ipv4-mapped-ipv6, all (default) or a comma list; a script
                            named *v4.pkt runs as ipv4 and ipv4-mapped-ipv6 only, *v6.pkt as ipv6
                            only (as run_all.py); this option narrows that set
  --capture DIR             write a pcap per script and variant: DIR/<path with / as __>.<variant>.pcap
  --seed N                  the run's seed (0-4294967295): each job's random values (the script
                            side's unbound keys, MP_JOIN randoms; the reference stack's ISNs, keys
                            and nonces) derive from it and the job; default 8684 with --sut
                            reference, a fresh one per kernel run; failures print it
  --timeout SECONDS         per-job limit, then the job fails (default 180, as run_all.py)
  --config FILE             per-variant packetdrill flags and defines (JSON, see configs/README.md);
                            without it, the nearest mptcpdrill.json at or above each script's folder,
                            not above the working directory; such a config may not name programs
                            (code_command, init_scripts) unless --allow-script-programs
  --reporter NAME[:FILE]    human (default), tap, junit, jsonl; repeatable; without FILE it writes
                            to stdout (at most one); human stays on stdout unless another takes it
  -v, --verbose             show passing events and packet dumps
  --list                    print the jobs the run would start (script [variant] and the flags and
                            defines each passes down), run nothing, exit 0
  --no-shell                refuse every script that would run a program (backtick commands,
                            %{ }% blocks, --code_command/--init_scripts option lines): the script
                            is an error naming each refused line and nothing of it runs
                            (docs/security.md)
  --allow-script-programs   obey a script's own --code_command/--init_scripts option line; without
                            it such a script is an error and runs nothing (a program given on the
                            command line is always used)
  -h, --help                this help

selection and scale-out (a job's name is 'FILE [VARIANT]', as --list prints it):
  --grep REGEX              run only jobs whose name matches (repeatable: any of them)
  --exclude REGEX           skip jobs whose name matches (repeatable)
  --shard I/N               run the I-th of N parts of the (filtered) job list: every job is in
                            exactly one part, the same on every machine; merge the parts' jsonl
                            reports with 'mptcpdrill merge'
  --durations FILE          a previous run's jsonl report: --shard balances the parts by its job
                            durations (jobs it lacks weigh its mean)

gating:
  --baseline FILE           expected failures (JSON, docs/schema/baseline.schema.json), per SUT
                            and kernel release pattern: a job failing with its row's verdict and
                            line is xfail; a failure without a row or on another line fails the
                            run; a row whose job now passes is reported as fixed (exit 0)
  --update-baseline         write FILE from this run's failures (this SUT and release; rows of jobs
                            not run are kept), exit 0 unless interrupted
  --retries N               rerun a failing job up to N times, each in a fresh namespace; a job
                            that passes on a retry is 'flaky' (counted apart, exit 0), every
                            attempt is kept in the reports
  --repeat N                run every job N times and print each script's pass rate

packetdrill flags (pkt-language.md §1.6) are passed down to every job:
  -D NAME=VALUE, --define=NAME=VALUE, --tolerance_usecs=N, --non_fatal=packet, --mtu=N, ...
  --ip_version=V selects variants like --ip-version.
  --dry_run parses and checks every script and runs none (no root, no namespace needed).
  Each value is checked as packetdrill checks it ("bad --tolerance_usecs: abc"); flags mptcpdrill
  cannot honour (--wire_*, --so_filename, --so_flags, --psp_udp_port, --debug) are refused, also
  in configs and script option lines; the full table is in docs/compat.md.
precedence, lowest first: packetdrill defaults < the script's own option lines < config flags and
defines (common, then the variant's) < the command line.

run_all.py options, as they map here:
  -4, -6, --ipv4mappedv6    select variants (together: their union)
  -P N                      = -j N          -S    = -j 1        -c DIR   = --capture DIR
  -t DIR                    TAP report in DIR/packetdrill_<PATH's name>.tap (one PATH)
  -l, -L                    the packet log of failing (-l) / passing (-L) jobs under their result
  (run_all.py's --dry_run is --list here; -p and -s are refused)

exit status: 0 all passed (flaky, xfail and baseline-known failures included), 1 a job failed,
had an error or was xpass, 2 usage, config or environment
problem (e.g. not root: every job is reported as error), 130 stopped by SIGINT, 143 by SIGTERM
`;

const readUtf8 = (io: CliIo) => (file: string): string => io.fs.readFileSync(file, "utf8");

async function kernelJobs(args: RunArgs, io: CliIo, jobs: readonly RunJobSpec[]): Promise<JobRunner | string> {
  const problem = kernelPreflight(io);
  if (problem !== null) return problem;
  const { kernelRunner } = await import("../../runner/kernel-runner.ts");
  return kernelRunner({ hosts: Math.min(args.jobs, jobs.length), variants: jobs.map((j) => j.variant), readFile: readUtf8(io) });
}

/** Production job runners per SUT (loaded on use: a reference run never loads the kernel's). */
export const DEFAULT_RUN_DEPS: RunDeps = {
  runnerFor: async (args, io, jobs) => {
    if (args.sut === "kernel") return kernelJobs(args, io, jobs);
    const { referenceRunner } = await import("../../runner/reference-runner.ts");
    return referenceRunner(readUtf8(io));
  },
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
