/**
 * Data and readiness syscalls on the reference stack (pkt-language.md §6.3): read/recv,
 * write/send, poll and ioctl FIONREAD. A blocking socket that has nothing to read, no room to
 * write, or a poll with no ready fd and a timeout gives a {@link CallWait}; the SUT advances
 * virtual time and asks again (RFC 9293 §3.10.2 SEND and §3.10.3 RECEIVE: "the call … is queued").
 */
import { lookupSymbol, type SysValue } from "../sut.ts";
import { ArgProblem, type CallDone, type CallStep, fail, intArg, ok } from "./call-step.ts";
import type { CallContext } from "./socket-calls.ts";

const sym = (name: string): number => lookupSymbol(name) ?? -1;
const EAGAIN = sym("EAGAIN");
const MSG_DONTWAIT = sym("MSG_DONTWAIT");
const POLLERR = sym("POLLERR");
const POLLHUP = sym("POLLHUP");
const POLLNVAL = sym("POLLNVAL");

function nonblocking(ctx: CallContext, fd: number, flags: number): boolean {
  return (flags & MSG_DONTWAIT) !== 0 || ctx.fds.get(fd)?.nonblock === true;
}

function readCall(withFlags: boolean) {
  return (ctx: CallContext, a: readonly SysValue[]): CallStep => {
    const fd = intArg(a[0], "fd");
    const count = intArg(a[2], "count");
    const flags = withFlags ? intArg(a[3], "flags") : 0;
    const buf = a[1];
    const length = buf?.kind === "buffer" ? buf.length : count;
    const attempt = (): CallDone | null => {
      const r = ctx.host.recv(fd, count);
      if (!r.ok) return r.errno === EAGAIN ? null : fail(r.errno);
      return ok(r.value.length, [null, { kind: "buffer", length, data: r.value }]);
    };
    const now = attempt();
    if (now) return now;
    return nonblocking(ctx, fd, flags) ? fail(EAGAIN) : { kind: "wait", poll: attempt };
  };
}

function payloadOf(v: SysValue | undefined, count: number): Uint8Array {
  if (v?.kind === "buffer" && v.data) {
    const out = new Uint8Array(count);
    out.set(v.data.subarray(0, count));
    return out;
  }
  if (v === undefined || v.kind === "buffer" || v.kind === "null" || v.kind === "ellipsis") return new Uint8Array(count);
  if (v.kind === "string") return new TextEncoder().encode(v.value).subarray(0, count);
  if (v.kind === "bytes") return v.value.subarray(0, count);
  throw new ArgProblem(`buffer: expected a buffer, got ${v.kind}`);
}

function writeCall(withFlags: boolean) {
  return (ctx: CallContext, a: readonly SysValue[]): CallStep => {
    const fd = intArg(a[0], "fd");
    const count = intArg(a[2], "count");
    const flags = withFlags ? intArg(a[3], "flags") : 0;
    const data = payloadOf(a[1], count);
    let sent = 0;
    // Blocking send(2) returns once every byte is queued (or an error stops it after a partial write).
    const attempt = (): CallDone | null => {
      while (sent < data.length) {
        const r = ctx.host.send(fd, data.subarray(sent));
        if (!r.ok) {
          if (r.errno !== EAGAIN) return sent > 0 ? ok(sent) : fail(r.errno);
          return null;
        }
        sent += r.value;
      }
      return ok(sent);
    };
    if (data.length === 0) return ok(0);
    const now = attempt();
    if (now) return now;
    if (nonblocking(ctx, fd, flags)) return sent > 0 ? ok(sent) : fail(EAGAIN);
    return { kind: "wait", poll: attempt };
  };
}

function pollCall(ctx: CallContext, a: readonly SysValue[], nowUs: number): CallStep {
  const list = a[0];
  if (list?.kind !== "list") throw new ArgProblem("fds: expected a list of pollfds");
  const timeout = intArg(a[2], "timeout");
  const scan = (): { n: number; out: SysValue } => {
    let n = 0;
    const items = list.items.map((it) => {
      if (it.kind !== "pollfd") return it;
      const ev = ctx.host.pollEvents(it.fd) & (it.events | POLLERR | POLLHUP | POLLNVAL);
      if (ev !== 0) n++;
      return { ...it, revents: ev };
    });
    return { n, out: { kind: "list", items } };
  };
  const attempt = (): CallDone | null => {
    const s = scan();
    return s.n > 0 ? ok(s.n, [s.out]) : null;
  };
  const now = attempt();
  if (now || timeout === 0) return now ?? ok(0, [scan().out]);
  const expire = (): CallDone => ok(0, [scan().out]);
  return timeout < 0 ? { kind: "wait", poll: attempt } : { kind: "wait", poll: attempt, deadlineUs: nowUs + timeout * 1000, expire };
}

function ioctlCall(ctx: CallContext, a: readonly SysValue[]): CallStep {
  const fd = intArg(a[0], "fd");
  const req = intArg(a[1], "request");
  const s = ctx.host.sockets.get(fd);
  if (!s) return fail(sym("EBADF"));
  if (req === sym("FIONREAD")) return ok(0, [null, null, { kind: "intPtr", value: s.stream?.unread ?? 0 }]);
  return fail(sym("ENOTTY"));
}

/** The data and readiness calls by name (`poll` needs the virtual time for its timeout). */
export const IO_CALLS: Readonly<Record<string, (ctx: CallContext, a: readonly SysValue[], nowUs: number) => CallStep>> = {
  read: readCall(false), recv: readCall(true), write: writeCall(false), send: writeCall(true), poll: pollCall, ioctl: ioctlCall,
};
