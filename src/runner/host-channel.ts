/**
 * The script host's end of the host protocol (host-protocol.ts), over one of two transports: the
 * Node IPC channel of a host started by a run on this machine (host-process.ts), or a
 * virtio-serial port when the host runs inside a VM (`mptcpdrill vm`, runner/vm/): then the
 * environment names the port's device and messages travel as length-prefixed V8 frames
 * (vm/frame.ts). The host serves jobs the same way over either.
 */
import { open, read, write } from "node:fs";
import type { HostMessage, HostRequest } from "./host-protocol.ts";
import { encodeFrame, FrameDecoder } from "./vm/frame.ts";

/** Names the virtio-serial port device of a host inside a VM (set by the guest's init command). */
export const HOST_PORT_ENV = "MPD_HOST_PORT";

/** The first frame a run sends on a port when it attaches: the guest may talk from then on. */
export const PORT_ATTACH = "mptcpdrill-attach";

/** How a host talks to its run. */
export interface HostChannel {
  /** Sends `msg`; resolves once it is written (so exiting next cannot lose it). */
  send(msg: HostMessage): Promise<void>;
  /** Calls `listener` for every request from the run. */
  onRequest(listener: (req: HostRequest) => void): void;
  /** Calls `listener` once when the run has gone away. */
  onClose(listener: () => void): void;
}

/** Node's IPC channel to the parent; null when this process has none. */
function ipcChannel(): HostChannel | null {
  if (process.send === undefined) return null;
  return {
    send: (msg) => new Promise((resolve) => {
      if (!process.connected || process.send === undefined) resolve();
      else process.send(msg, undefined, {}, () => resolve());
    }),
    onRequest: (listener) => void process.on("message", (raw) => listener(raw as HostRequest)),
    onClose: (listener) => void process.once("disconnect", listener),
  };
}

const READ_CHUNK = 64 * 1024;
/** How long to wait before reading again while the run has not attached (reads return 0). */
const IDLE_POLL_MS = 20;

/**
 * A virtio-serial port (a character device). Reads block a libuv pool thread; writes are queued
 * so frames never interleave. Until the run's attach frame arrives a read returns 0 at once (no
 * host side connected) and this side does not write; after it, end of stream means the run left.
 */
function portChannel(device: string): Promise<HostChannel | string> {
  return new Promise((resolve) => {
    open(device, "r+", (err, fd) => {
      if (err !== null) {
        resolve(`cannot open the host port '${device}': ${err.message}`);
        return;
      }
      resolve(portOnFd(fd));
    });
  });
}

function portOnFd(fd: number): HostChannel {
  const requests: ((req: HostRequest) => void)[] = [];
  const closers: (() => void)[] = [];
  const decoder = new FrameDecoder();
  let attached = false;
  let closed = false;
  let markAttached: () => void = () => undefined;
  const attachedP = new Promise<void>((resolve) => (markAttached = resolve));
  let writes: Promise<void> = Promise.resolve();
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const c of closers) c();
  };
  const writeAll = (buf: Buffer): Promise<void> => new Promise((resolve) => {
    const step = (off: number): void => {
      if (off >= buf.length || closed) return resolve();
      write(fd, buf, off, buf.length - off, null, (err, n) => (err !== null ? (close(), resolve()) : step(off + n)));
    };
    step(0);
  });
  const buf = Buffer.alloc(READ_CHUNK);
  const loop = (): void => {
    read(fd, buf, 0, READ_CHUNK, null, (err, n) => {
      if (err !== null) return close();
      if (n === 0) {
        if (attached) return close();
        setTimeout(loop, IDLE_POLL_MS);
        return;
      }
      for (const m of decoder.push(buf.subarray(0, n))) {
        if (m === PORT_ATTACH) {
          attached = true;
          markAttached();
        } else if (attached) {
          for (const l of requests) l(m as HostRequest);
        }
      }
      if (decoder.broken !== null) return close();
      loop();
    });
  };
  loop();
  return {
    send: (msg) => {
      const frame = encodeFrame(msg);
      writes = writes.then(() => attachedP).then(() => writeAll(frame));
      return writes;
    },
    onRequest: (listener) => void requests.push(listener),
    onClose: (listener) => void closers.push(listener),
  };
}

/** The channel this host was started with, or why it has none. */
export async function openHostChannel(): Promise<HostChannel | string> {
  const port = process.env[HOST_PORT_ENV];
  if (port !== undefined && port !== "") return portChannel(port);
  return ipcChannel() ?? "script host: must be started by a run (needs an IPC channel or a host port)";
}
