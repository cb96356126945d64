/**
 * Entry point of a script host (`unshare -n node dist/host.js`; see host-server.ts for what a
 * host does). Its first act is to start the blocking-call thread, whose start (a worker, its own
 * C library binding, its compiled call paths: ~70 ms) then overlaps this thread's loading of the
 * interpreter, the SUT and the warm-ups; a job can only start once both are done.
 */
import { blockingThread } from "../sut/kernel-tun/blocking-thread.ts";

blockingThread();
const { serveHost } = await import("./host-server.ts");
serveHost();
