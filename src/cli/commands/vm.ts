/**
 * `mptcpdrill vm --kernel K [--kernel K2 …] [run options] PATH…`: runs the scripts against each
 * kernel in turn, booted under qemu (runner/vm/), with `run`'s planning, scheduler, reporters and
 * exit codes (cli/run/execute.ts), then prints the verdict matrix across kernels (cli/vm/).
 */
import * as path from "node:path";
import { EXIT_FAIL, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import { parseVmArgs } from "../vm/vm-args.ts";
import { fetchKernels, runOnKernels } from "../vm/run-kernels.ts";

const USAGE = `usage: mptcpdrill vm --kernel K [--kernel K2 ...] [vm options] [run options] PATH...
       mptcpdrill vm --list-kernels
       mptcpdrill vm --fetch --kernel K...

Runs every script under PATH against each kernel K in turn, the same way as 'mptcpdrill run':
a kernel other than 'host' boots under qemu, the guest mounts this machine's root read-only and
runs the script hosts there. The same reporters and exit codes as 'run', per kernel; then the
verdict matrix (one row per script and variant, one column per kernel, differing rows first).

kernels (K):
  debian:6.1, debian:6.12   Debian's linux-image (6.12 from bookworm-backports), fetched with
                            apt-get download and unpacked with dpkg-deb -x into the cache
                            ($MPTCPDRILL_CACHE, else ~/.cache/mptcpdrill); reused afterwards
  PATH --modules DIR        a bzImage/vmlinuz and its lib/modules/<release> folder
  host                      the running kernel, without a VM (the baseline column)

vm options:
  --list-kernels            show the cached kernels and exit
  --fetch                   fetch the --kernel kernels into the cache, build their initramfs, exit
  --tolerance-scale X       multiply every job's tolerance_usecs by X in a VM (default 10 under
                            emulation, 1 with kvm and on host)
  --accel auto|tcg|kvm      qemu accelerator (default auto: KVM when a probe guest boots with it,
                            remembered in the cache per host kernel and image; else TCG)
  --vm-memory MB            guest memory (default 1024)
  --vm-cpus N               guest CPUs (default 1)
  --boot-timeout SECONDS    a VM must boot and warm up within this (default 240)
  --nice N                  run qemu with this niceness (default 0)
  --matrix FILE             write the matrix as JSON
  --matrix-junit FILE       write the matrix as JUnit XML, one suite per kernel
  --features FILE           write the feature table (RFC 8684 checklist item -> kernel) as JSON;
                            it is printed after the matrix when any script carries an item ID
In a VM, -j N runs N VMs at once (default 1). With several kernels, report files and --capture
folders get the kernel's name: FILE.xml -> FILE.debian-6.1.xml, DIR -> DIR/debian-6.1/.

run options: see 'mptcpdrill run --help' (--sut kernel only).

exit status: the worst over the kernels (130/143 when stopped by a signal), as 'run'
`;

/** The `vm` sub-command. */
export const vmCommand: Command = {
  name: "vm",
  summary: "run scripts against other kernels booted under qemu, with a verdict matrix",
  usage: USAGE,
  run: async (argv: readonly string[], io: CliIo): Promise<number> => {
    const parsed = parseVmArgs(argv);
    if (!parsed.ok) {
      io.stderr.write(`error[MPD_ERR_USAGE]: ${parsed.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    const args = parsed.value;
    if (args.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    if (args.listKernels) {
      const { listCachedKernels, cacheRoot, kernelsDir } = await import("../../runner/vm/kernel-cache.ts");
      const cache = cacheRoot(io.env);
      const list = listCachedKernels(cache);
      io.stdout.write(list.length === 0 ? `no kernel in ${kernelsDir(cache)}\n` : `kernels in ${kernelsDir(cache)}:\n${list.map((k) => `  ${k.series.padEnd(12)} ${k.release.padEnd(24)} ${path.basename(k.dir)}`).join("\n")}\n`);
      return EXIT_OK;
    }
    if (args.fetchOnly) return fetchKernels(args, io);
    const codes = await runOnKernels(args, io);
    if (codes.some((c) => c === EXIT_SIGINT)) return EXIT_SIGINT;
    if (codes.some((c) => c === EXIT_SIGTERM)) return EXIT_SIGTERM;
    if (codes.some((c) => c === EXIT_USAGE)) return EXIT_USAGE;
    return codes.some((c) => c === EXIT_FAIL) ? EXIT_FAIL : EXIT_OK;
  },
};
