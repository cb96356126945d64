/**
 * Entry of the blocking-call thread (a worker_threads Worker; see blocking-thread.ts). It binds
 * the C library itself, compiles its call paths (calls on fd -1), says which kernel thread it is,
 * then runs one request at a time synchronously: it reports the moment the call goes into the
 * kernel, and the call's end is stamped on this thread right after the kernel returns.
 */
import { parentPort } from "node:worker_threads";
import type { SyscallOutcome, SyscallRequest, SysValue } from "../sut.ts";
import { monoNowUs } from "./clock.ts";
import { enterNetnsAt } from "./fresh-netns.ts";
import { openLibc } from "./libc.ts";
import { callNow, marshalRequest } from "./syscall-exec.ts";

/** Main thread → worker: a call, or "enter the network namespace at `path`" (setns). */
export type BlockingCallRequest =
  | { readonly type: "call"; readonly id: number; readonly req: SyscallRequest }
  | { readonly type: "setns"; readonly id: number; readonly path: string };

/** Worker → main thread. */
export type BlockingCallMessage =
  | { readonly type: "ready"; readonly tid: number }
  /** Sent right before the C call (its `startUs`). */
  | { readonly type: "started"; readonly id: number; readonly startUs: number }
  | { readonly type: "done"; readonly id: number; readonly outcome: SyscallOutcome }
  /** The answer to a `setns`: 0, or the errno. */
  | { readonly type: "setns"; readonly id: number; readonly errno: number };


const WARM_UP_ROUNDS = 30;
const int = (value: number): SysValue => ({ kind: "int", value });
const BADF = int(-1);
const ELLIPSIS: SysValue = { kind: "ellipsis" };
const BUF: SysValue = { kind: "buffer", length: 1000 };
const PEER: SysValue = { kind: "sockaddr", family: "inet", address: "192.0.2.1", port: 8080 };
const MSG: SysValue = { kind: "msghdr", name: { kind: "null" }, iov: [{ kind: "iovec", base: BUF, len: 1000 }], control: null, flags: 0 };
const WARM_UP_CALLS: readonly SyscallRequest[] = ([
  ["accept", [BADF, ELLIPSIS, ELLIPSIS]], ["connect", [BADF, PEER, int(16)]], ["read", [BADF, BUF, int(1000)]],
  ["recv", [BADF, BUF, int(1000), int(0)]], ["recvfrom", [BADF, BUF, int(1000), int(0), ELLIPSIS, ELLIPSIS]],
  ["recvmsg", [BADF, MSG, int(0)]], ["write", [BADF, BUF, int(1000)]], ["send", [BADF, BUF, int(1000), int(0)]],
  ["sendto", [BADF, BUF, int(1000), int(0x20000000), PEER, int(16)]], ["sendmsg", [BADF, MSG, int(0)]],
  ["poll", [{ kind: "list", items: [{ kind: "pollfd", fd: -1, events: 4, revents: 0 }] }, int(1), int(0)]],
  ["epoll_wait", [BADF, { kind: "list", items: [{ kind: "epollEvent", events: 0, data: 0 }] }, int(1), int(0)]],
] as const).map(([name, args]) => ({ name, args, blocking: true }));

const port = parentPort;
if (port !== null) {
  const libc = openLibc();
  const post = (m: BlockingCallMessage): void => port.postMessage(m);
  const run = (req: SyscallRequest, onStart: (startUs: number) => void): SyscallOutcome => {
    try {
      const m = marshalRequest(req, libc);
      if (typeof m === "string") return { kind: "invalid", message: m };
      onStart(monoNowUs());
      return callNow(libc, req, m);
    } catch (e) {
      return { kind: "invalid", message: `${req.name}: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
  // Compile this thread's paths before the first real call: the blocking calls scripts make, on
  // fd -1 (EBADF at once, no side effects).
  for (let i = 0; i < WARM_UP_ROUNDS; i++) for (const req of WARM_UP_CALLS) run(req, () => undefined);
  post({ type: "ready", tid: Number(libc.gettid()) });
  port.on("message", (m: BlockingCallRequest) => {
    if (m.type === "setns") {
      post({ type: "setns", id: m.id, errno: enterNetnsAt(libc, m.path) });
      return;
    }
    const outcome = run(m.req, (startUs) => post({ type: "started", id: m.id, startUs }));
    post({ type: "done", id: m.id, outcome });
  });
}
