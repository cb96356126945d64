/**
 * The composition root (house-style rule 16): picks the sub-command and runs it with injected I/O.
 * Returns an exit code; it never calls `process.exit` and never lets an exception escape as a
 * stack trace: a bug or environment problem prints `error[CODE]: message` and exits 2.
 */
import { isMptcpdrillError } from "../errors.ts";
import { EXIT_USAGE } from "./command.ts";
import { COMMANDS, type CommandEntry } from "./commands/index.ts";
import type { CliIo } from "./io.ts";

const VERSION = "0.1.0";

function help(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "usage: mptcpdrill <command> [options] [PATH...]",
    "",
    "packetdrill-style conformance tests for TCP and Multipath TCP (RFC 8684)",
    "",
    "commands:",
    ...lines,
    "",
    "Run `mptcpdrill <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and the script path) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(help(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`mptcpdrill ${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`error[MPD_ERR_USAGE]: unknown command '${name}'\n\n${help(commands)}`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (isMptcpdrillError(e)) {
      io.stderr.write(`error[${e.code}]: ${e.message}\n`);
    } else {
      const message = e instanceof Error ? e.message : String(e);
      io.stderr.write(`error[MPD_ERR_INTERNAL]: ${message}\n(this is a bug in mptcpdrill; run with MPTCPDRILL_DEBUG=1 for a stack trace)\n`);
      if (io.env["MPTCPDRILL_DEBUG"] && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    }
    return EXIT_USAGE;
  }
}
