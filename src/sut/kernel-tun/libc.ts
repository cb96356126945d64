/**
 * The C library functions the kernel SUT calls, bound through koffi (Linux x86_64 glibc).
 *
 * Pointer parameters are `void *` and take Node Buffers (or null). Non-variadic functions also
 * have an `.async` form that runs on a libuv worker thread and reports errno to its callback;
 * variadic ones (fcntl, ioctl, open, prctl) are synchronous only.
 */
import koffi from "koffi";
import { MptcpdrillError } from "../../errors.ts";

/** A bound C function (sync call; `.async(...args, cb)` for non-variadic ones). */
export interface CFunction {
  (...args: unknown[]): number;
  async: (...args: unknown[]) => void;
}

const PROTOTYPES = {
  socket: "int socket(int, int, int)",
  bind: "int bind(int, void *, uint32_t)",
  listen: "int listen(int, int)",
  accept: "int accept(int, void *, void *)",
  connect: "int connect(int, void *, uint32_t)",
  read: "long read(int, void *, size_t)",
  readv: "long readv(int, void *, int)",
  recv: "long recv(int, void *, size_t, int)",
  recvfrom: "long recvfrom(int, void *, size_t, int, void *, void *)",
  recvmsg: "long recvmsg(int, void *, int)",
  write: "long write(int, void *, size_t)",
  writev: "long writev(int, void *, int)",
  send: "long send(int, void *, size_t, int)",
  sendto: "long sendto(int, void *, size_t, int, void *, uint32_t)",
  sendmsg: "long sendmsg(int, void *, int)",
  close: "int close(int)",
  shutdown: "int shutdown(int, int)",
  getsockopt: "int getsockopt(int, int, int, void *, void *)",
  setsockopt: "int setsockopt(int, int, int, void *, uint32_t)",
  poll: "int poll(void *, unsigned long, int)",
  sendfile: "long sendfile(int, int, void *, size_t)",
  epoll_create: "int epoll_create(int)",
  epoll_ctl: "int epoll_ctl(int, int, int, void *)",
  epoll_wait: "int epoll_wait(int, void *, int, int)",
  pipe: "int pipe(void *)",
  splice: "long splice(int, void *, int, void *, size_t, unsigned int)",
  fcntl: "int fcntl(int, int, ...)",
  ioctl: "int ioctl(int, unsigned long, ...)",
  open: "int open(const char *, int, ...)",
  prctl: "int prctl(int, ...)",
  gettid: "int gettid()",
  clock_gettime: "int clock_gettime(int, void *)",
  if_nametoindex: "unsigned int if_nametoindex(const char *)",
  sched_setscheduler: "int sched_setscheduler(int, int, void *)",
  getppid: "int getppid()",
  _exit: "void _exit(int)",
  sched_yield: "int sched_yield()",
  unshare: "int unshare(int)",
  eventfd: "int eventfd(unsigned int, int)",
  setns: "int setns(int, int)",
} as const;

/** The bound functions, by name. */
export type Libc = { readonly [K in keyof typeof PROTOTYPES]: CFunction } & {
  /** errno of the last call on this thread (inside an `.async` callback: of that call). */
  errno(): number;
  /** The address of a Buffer, for pointers stored inside structs (msghdr, iovec). */
  address(buf: Uint8Array): bigint;
};

let bound: Libc | null = null;

/**
 * glibc with every function bound, once per thread (each worker has its own module instance);
 * MPD_ERR_FFI when koffi or libc is unusable.
 */
export function openLibc(): Libc {
  bound ??= bindLibc();
  return bound;
}

function bindLibc(): Libc {
  try {
    const lib = koffi.load("libc.so.6");
    const fns = Object.fromEntries(
      Object.entries(PROTOTYPES).map(([name, proto]) => [name, lib.func(proto) as unknown as CFunction]),
    );
    return { ...fns, errno: () => koffi.errno(), address: (buf: Uint8Array) => koffi.address(buf) } as Libc;
  } catch (e) {
    throw new MptcpdrillError("MPD_ERR_FFI", `cannot bind the C library through koffi: ${String(e)}`, { cause: e });
  }
}

/** Call `fn.async(...args)` and resolve with its return value and errno. */
export function callAsync(libc: Libc, fn: CFunction, args: readonly unknown[]): Promise<{ ret: number; errno: number }> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, ret: number) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve({ ret: Number(ret), errno: Number(ret) < 0 ? libc.errno() : 0 });
    });
  });
}

/**
 * Closes `fd` on libuv's pool instead of this thread. Closing a TUN device's last descriptor
 * unregisters the device, and closing a packet socket waits for the network's RCU readers
 * (synchronize_net): 10–25 ms each measured on 6.18, spent in the kernel, that a script host
 * need not wait for between scripts. The descriptor is gone soon after (or at process exit).
 */
export function closeInBackground(libc: Libc, fd: number): void {
  callAsync(libc, libc.close, [fd]).catch(() => undefined);
}
