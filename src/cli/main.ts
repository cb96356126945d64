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
// Exit now: an interrupted or timed-out `run` may leave an abandoned job's timers behind
// (stdout/stderr writes to pipes, files and TTYs are synchronous on Linux, so nothing is lost).
process.exit(code);
