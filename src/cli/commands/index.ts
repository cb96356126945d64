/** The registry of sub-commands. Each command lives in its own file in this folder. */
import type { Command } from "../command.ts";
import { checkCommand } from "./check.ts";
import { decodeCommand } from "./decode.ts";
import { fmtCommand } from "./fmt.ts";
import { interopCommand } from "./interop.ts";
import { runCommand } from "./run.ts";
import { verifyCommand } from "./verify.ts";

/** All sub-commands, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand, fmtCommand, decodeCommand, runCommand, verifyCommand, interopCommand];
