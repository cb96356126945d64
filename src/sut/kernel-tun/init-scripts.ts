/**
 * `--init_scripts` on the kernel SUT: each command with `/bin/sh -c` (packetdrill's `system()`),
 * in the job's fresh namespace, before the TUN device is created, as G `packetdrill.c` orders it.
 */
import { MptcpdrillError } from "../../errors.ts";
import { initScriptCommands, initScriptFailure } from "../init-scripts.ts";
import { type CommandOptions, runShellCommand } from "./commands.ts";

/** Runs every command of `value` in order; throws MPD_ERR_CHILD at the first that fails. */
export async function runInitScripts(value: string, opts: CommandOptions): Promise<void> {
  for (const command of initScriptCommands(value)) {
    const r = await runShellCommand(command, opts);
    if (r.exitCode !== 0) throw new MptcpdrillError("MPD_ERR_CHILD", initScriptFailure(command, r));
  }
}
