/**
 * Interpreter and SUT warm-up of a script host. In a fresh process, the first packet the
 * interpreter matches or builds pays for lazy compilation of the matcher, mapping, option codecs
 * and dumps: about 3 ms measured on a SYN → SYN/ACK → ACK exchange, which alone broke 4 ms
 * tolerances in upstream scripts (`close-local-close-then-remote-fin.pkt` line 8). packetdrill, in
 * C, has no such cost. So when a host starts, before it takes its first job, it runs small
 * scripts of our own and discards their events: TCP and MPTCP (with DSS) against the reference SUT
 * in virtual time, then, per IP variant the run needs, a TCP client with a blocking poll and a
 * code snapshot plus burst connections against the live kernel on a TUN device (`tun1`) with
 * addresses of its own (RFC 2544's 198.18.0.0/15 and a ULA prefix), in a namespace of its own.
 * A host runs many jobs, so this is paid once per host, not per script.
 */
import type { ScriptEvent, Variant } from "../interp/events.ts";
import { REFERENCE_SEED } from "./job-seed.ts";
import { openReferenceFor } from "./reference-runner.ts";
import { parseOwnScript, runScriptRequest, type OpenSut } from "./script-runner.ts";

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

const KERNEL_WARM_UP = `
--tolerance_usecs=1000000
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0   connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0   > S 0:0(0) <...>
+0...0.004 poll([{fd=3, events=POLLOUT, revents=POLLOUT}], 1, 1000) = 1
+.004 < S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>
+0   > . 1:1(0) ack 1
+0   %{ warm = tcpi_state }%
+0   write(3, ..., 100) = 100
+0   > P. 1:101(100) ack 1
+0   < . 1:1(0) ack 101 win 256
+0   getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
+0   close(3) = 0
+0   > F. 101:101(0) ack 1
`;

/**
 * One more connection for the kernel warm-up, without waits: a super-segment burst read from the
 * device (GSO frame, checksum completion, aggregation), its ACK, and both FINs. Repeated so the
 * frame path and the per-event interpreter code are optimized, not just compiled: a cold decode of
 * a 5000-byte frame took 110–160 µs against 5–12 µs warm, and a chain of such costs after a burst
 * decided `shutdown-rdwr-send-queue-ack-close.pkt` (docs/compat.md). The SYN/ACKs offer no SACK:
 * Linux sends a tail loss probe only on SACK connections, and one (its PTO is ~10 ms) ended the
 * warm-up early whenever the burst's sniff and ACK were slow, e.g. in a cold test process behind
 * IPC; acking the burst before sniffing it failed too, when write() returned before the last
 * segment left (an ACK of unsent data is dropped). Without SACK only the RTO (≥ 200 ms) resends.
 */
const KERNEL_WARM_UP_ROUND = `
+0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0   connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0   > S 0:0(0) <...>
+0   < S. 0:0(0) ack 1 win 65535 <mss 1000,nop,wscale 7>
+0   > . 1:1(0) ack 1
+0   write(3, ..., 10000) = 10000
+0   > P. 1:10001(10000) ack 1
+0   < . 1:1(0) ack 10001 win 256
+0   shutdown(3, SHUT_WR) = 0
+0   > F. 10001:10001(0) ack 1
+0   < F. 1:1(0) ack 10002 win 256
+0   > . 10002:10002(0) ack 2
+0   read(3, ..., 1000) = 0
+0   close(3) = 0
`;

/** How many burst connections follow the first one in the kernel warm-up. */
export const KERNEL_WARM_UP_ROUNDS = 8;

/** The kernel warm-up script: the first connection (blocking poll, code snapshot), then the rounds. */
export function kernelWarmUpScript(rounds = KERNEL_WARM_UP_ROUNDS): string {
  return KERNEL_WARM_UP + KERNEL_WARM_UP_ROUND.repeat(rounds);
}

/** The warm-up device's packetdrill flags per wire family (never the addresses of a script). */
export const KERNEL_WARM_UP_FLAGS = {
  4: { device: "tun1", local_ip: "198.18.0.2", gateway_ip: "198.18.0.1", netmask_ip: "255.255.255.0", remote_ip: "198.18.1.1/24" },
  6: { device: "tun1", local_ip: "fd00:77:77::2", gateway_ip: "fd00:77:77:8888::1", remote_ip: "fd00:78:78::1/48" },
} as const;

/** How one warm-up went: its verdict and first problem (a warm-up only exists for speed). */
export interface WarmUpOutcome {
  readonly verdict: string;
  readonly message: string | null;
}

/**
 * Runs the kernel warm-up script through `openSut` (a kernel SUT on the warm-up device), events
 * discarded; never throws (a warm-up that cannot run leaves the real run to report real problems).
 */
export async function warmUpKernel(variant: Variant, openSut: OpenSut, rounds = KERNEL_WARM_UP_ROUNDS): Promise<WarmUpOutcome> {
  const file = "<warm-up kernel>";
  try {
    const request = { file, script: parseOwnScript(kernelWarmUpScript(rounds), file), variant, flags: {}, defines: {}, seed: REFERENCE_SEED };
    const outcome = await runScriptRequest(request, openSut, () => undefined);
    return { verdict: outcome.verdict, message: outcome.failure?.message ?? null };
  } catch (e) {
    return { verdict: "error", message: e instanceof Error ? e.message : String(e) };
  }
}

/** Runs the warm-up scripts once; never fails the job (a warm-up problem only costs speed). */
export async function warmUpInterpreter(): Promise<void> {
  const discard = (_e: ScriptEvent): void => undefined;
  for (const [file, source] of [["<warm-up tcp>", TCP_WARM_UP], ["<warm-up mptcp>", MPTCP_WARM_UP]] as const) {
    try {
      const request = { file, script: parseOwnScript(source, file), variant: "ipv4" as const, flags: {}, defines: {}, seed: REFERENCE_SEED };
      await runScriptRequest(request, (flags, defines) => Promise.resolve(openReferenceFor({ variant: "ipv4" }, flags, defines, REFERENCE_SEED)), discard);
    } catch {
      // The warm-up only exists for speed; the real run reports any real problem.
    }
  }
}
