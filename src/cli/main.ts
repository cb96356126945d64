/** Process entry point: the only module that calls `process.exit` (house-style rule 16). */
import { runCli } from "./cli.ts";
import { processIo } from "./io.ts";

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
