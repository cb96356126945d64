/** Process entry point: the only module that calls `process.exit` (house-style rule 16). */
import { runCli } from "./cli.ts";
import { processIo } from "./io.ts";

// A reader that goes away (`mptcpdrill decode x.pcap | head`) ends the process quietly, as
// other Unix filters do, instead of an unhandled EPIPE error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

const code = await runCli(process.argv.slice(2), processIo());
// Writes to a pipe can still be queued (`decode big.pcap | wc -c` lost the tail): wait until
// stdout and stderr have handed everything to the OS before exiting.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => void s.write("", () => resolve()))));
// Exit now: an interrupted or timed-out `run` may leave an abandoned job's timers behind
// (stdout/stderr writes to pipes, files and TTYs are synchronous on Linux, so nothing is lost).
process.exit(code);
