/**
 * Pass `syscall-arity`: a known system call gets as many arguments as it takes
 * (pkt-language.md §6.3, table in ../syscall-table.ts); an unknown name is a warning, since
 * packetdrill only rejects it when the line runs. Both underline `name(args)` only, not the
 * expected result.
 */
import { error, warning } from "../diagnostic.ts";
import { describeArity, SYSCALLS } from "../syscall-table.ts";
import type { CheckPass } from "./pass.ts";

/** The pass. */
export const syscallArity: CheckPass = {
  name: "syscall-arity",
  run({ script, report }) {
    for (const event of script.events) {
      const call = event.action;
      if (call.kind !== "syscall") continue;
      const arity = SYSCALLS.get(call.name);
      if (arity === undefined) {
        report(warning("unknown-syscall", `Unknown system call '${call.name}'`, call.callSpan, ["packetdrill fails this line when it runs"]));
        continue;
      }
      const n = call.args.length;
      if (n < arity.min || n > arity.max) {
        const got = `${n} ${n === 1 ? "was" : "were"} given`;
        report(error("syscall-arity", `System call '${call.name}' takes ${describeArity(arity)} but ${got}`, call.callSpan));
      }
    }
  },
};
