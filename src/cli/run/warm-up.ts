/**
 * Interpreter warm-up for kernel jobs. Each kernel job runs in a fresh process, so the first
 * packet the interpreter matches or builds pays for lazy compilation of the matcher, mapping,
 * option codecs and dumps: about 3 ms measured on a SYN → SYN/ACK → ACK exchange, which alone
 * broke 4 ms tolerances in upstream scripts (`close-local-close-then-remote-fin.pkt` line 8).
 * packetdrill, in C, has no such cost. So before the kernel SUT opens, the child runs two small
 * scripts of our own (TCP, and MPTCP with DSS) against the reference SUT in virtual time; their
 * events are discarded. It costs a few tens of milliseconds before the script's clock starts.
 */
import type { ScriptEvent } from "../../interp/events.ts";
import { runScriptRequest } from "../script-runner.ts";
import { openReferenceFor } from "./reference-job.ts";

const TCP_WARM_UP = `
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0   < S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop,nop,wscale 7>
+0   > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
+.01 < . 1:1(0) ack 1 win 256
+0   accept(3, ..., ...) = 4
+0   < P. 1:101(100) ack 1 win 256
+0   > . 1:1(0) ack 101
+0   read(4, ..., 1000) = 100
+0   write(4, ..., 50) = 50
+0   > P. 1:51(50) ack 101
+0   close(4) = 0
+0   > F. 51:51(0) ack 101
`;

const MPTCP_WARM_UP = `
0    socket(..., SOCK_STREAM, IPPROTO_MPTCP) = 3
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+0   < S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop,nop,wscale 7,mpcapable v1 flags[flag_h] nokey>
+0   > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7,mpcapable v1 flags[flag_h] key[skey]>
+.01 < . 1:1(0) ack 1 win 256 <mpcapable v1 flags[flag_h] key[ckey=2,skey]>
+0   accept(3, ..., ...) = 4
+0   < P. 1:11(10) ack 1 win 256 <dss dack8=1 dsn8=1 ssn=1 dll=10 nocs,nop,nop>
+0   > . 1:1(0) ack 11 <dss dack8=11 nocs>
+0   read(4, ..., 100) = 10
`;

/** Runs the warm-up scripts once; never fails the job (a warm-up problem only costs speed). */
export async function warmUpInterpreter(): Promise<void> {
  const discard = (_e: ScriptEvent): void => undefined;
  for (const [file, source] of [["<warm-up tcp>", TCP_WARM_UP], ["<warm-up mptcp>", MPTCP_WARM_UP]] as const) {
    const request = { file, source, variant: "ipv4" as const, flags: {}, defines: {} };
    try {
      await runScriptRequest(request, (flags, defines) => Promise.resolve(openReferenceFor({ variant: "ipv4" }, flags, defines)), discard);
    } catch {
      // The warm-up only exists for speed; the real run reports any real problem.
    }
  }
}
