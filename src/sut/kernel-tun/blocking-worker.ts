/**
 * Entry of the blocking-call thread (a worker_threads Worker; see blocking-thread.ts). It binds
 * the C library itself, says which kernel thread it is, then runs one request at a time
 * synchronously, so the call's end is stamped on this thread right after the kernel returns.
 */
import { parentPort } from "node:worker_threads";
import type { SyscallOutcome, SyscallRequest } from "../sut.ts";
import { openLibc } from "./libc.ts";
import { callNow, marshalRequest } from "./syscall-exec.ts";

/** Main thread → worker. */
export interface BlockingCallRequest {
  readonly id: number;
  readonly req: SyscallRequest;
}

/** Worker → main thread. */
export type BlockingCallMessage =
  | { readonly type: "ready"; readonly tid: number }
  | { readonly type: "done"; readonly id: number; readonly outcome: SyscallOutcome };

const port = parentPort;
if (port !== null) {
  const libc = openLibc();
  const post = (m: BlockingCallMessage): void => port.postMessage(m);
  post({ type: "ready", tid: Number(libc.gettid()) });
  port.on("message", ({ id, req }: BlockingCallRequest) => {
    let outcome: SyscallOutcome;
    try {
      const m = marshalRequest(req, libc);
      outcome = typeof m === "string" ? { kind: "invalid", message: m } : callNow(libc, req, m);
    } catch (e) {
      outcome = { kind: "invalid", message: `${req.name}: ${e instanceof Error ? e.message : String(e)}` };
    }
    post({ type: "done", id, outcome });
  });
}
