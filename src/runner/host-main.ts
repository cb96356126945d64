/**
 * Entry point of a script host (`unshare -n node dist/host.js`, started by host-process.ts; what
 * a host does is host-server.ts). Its first act is to start the blocking-call thread, whose start
 * (a worker, its own C library binding, its compiled call paths: ~70 ms) then overlaps this
 * thread's loading of the interpreter, the SUT and the warm-ups. It owns the process's life: it
 * dies with the parent (PR_SET_PDEATHSIG, a re-check of the parent pid, IPC disconnect, signals),
 * and it is the only module that exits, taking its whole process group (backtick commands
 * included) along when anything ends it abnormally. It talks to its run over Node IPC, or over a
 * virtio-serial port inside a VM (host-channel.ts).
 */
import { blockingCallInFlight, blockingThread } from "../sut/kernel-tun/blocking-thread.ts";

blockingThread();

const PR_SET_PDEATHSIG = 1;
const SIGTERM = 15;

const { openLibc } = await import("../sut/kernel-tun/libc.ts");
const { killStrayCommands } = await import("../sut/kernel-tun/commands.ts");
const { serveHost } = await import("./host-server.ts");
const { openHostChannel } = await import("./host-channel.ts");

const channel = await openHostChannel();
if (typeof channel === "string") {
  process.stderr.write(`${channel}\n`);
  process.exit(2);
}
const libc = openLibc();

/**
 * Exit now. `process.exit` waits for worker threads, and one stuck in a blocking call (a script
 * that ended with its `accept` still waiting) never finishes, so then the process leaves through
 * `_exit`. Everything sent to the parent before was flushed by the caller.
 */
function exitNow(code: number): never {
  if (blockingCallInFlight()) libc._exit(code);
  process.exit(code);
}

/** Kill every process in our group (the `sh` children of commands), then ourselves. */
function die(code: number): never {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // not a group leader (started without the parent helper): just exit
  }
  exitNow(code);
}

/** A normal exit: the last script's leftover commands first (the parent kills the group after, too). */
function leave(code: number): never {
  killStrayCommands();
  exitNow(code);
}

libc.prctl(PR_SET_PDEATHSIG, "unsigned long", SIGTERM);
const expectedParent = Number(process.env["MPD_PARENT_PID"] ?? "0");
if (expectedParent !== 0 && libc.getppid() !== expectedParent) die(1);
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => die(1));
channel.onClose(() => die(1));

serveHost(libc, { leave, die }, channel);
