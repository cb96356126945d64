/**
 * The registry of sub-commands. Each command lives in its own file in this folder and is loaded
 * on first use (a chunk of its own in dist/): `mptcpdrill --help` reads only the names and
 * summaries below, and `check` never loads the kernel SUT, koffi or libpcap.
 */
import type { Command } from "../command.ts";

/** A sub-command as the registry knows it before it is loaded. */
export interface CommandEntry {
  readonly name: string;
  /** One line for `mptcpdrill --help` (the same text as the loaded command's `summary`). */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** All sub-commands, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: "check", summary: "parse and statically check scripts, reporting every problem", load: async () => (await import("./check.ts")).checkCommand },
  { name: "fmt", summary: "print scripts in canonical form (--write rewrites, --check verifies)", load: async () => (await import("./fmt.ts")).fmtCommand },
  { name: "decode", summary: "print a pcap/pcapng capture as .pkt lines", load: async () => (await import("./decode.ts")).decodeCommand },
  { name: "run", summary: "run scripts against a SUT (kernel in a network namespace) and report verdicts", load: async () => (await import("./run.ts")).runCommand },
  { name: "merge", summary: "join the jsonl reports of a sharded run (run --shard I/N) into one set of reports", load: async () => (await import("./merge.ts")).mergeCommand },
  { name: "verify", summary: "check a pcap/pcapng capture against RFC 8684 (keys, HMACs, DSS checksums, mappings)", load: async () => (await import("./verify.ts")).verifyCommand },
  { name: "vm", summary: "run scripts against other kernels booted under qemu, with a verdict matrix", load: async () => (await import("./vm.ts")).vmCommand },
  { name: "interop", summary: "run the reference stack against the live kernel's MPTCP (veth + libpcap, or TUN)", load: async () => (await import("./interop.ts")).interopCommand },
];
