/**
 * A script host inside a VM: qemu boots a kernel with the initramfs of initramfs.ts, the guest
 * mounts this machine's root read-only and runs the same script host entry (`node dist/host.js`)
 * as a local run does, and the host protocol travels over a virtio-serial port (a chardev socket
 * on this side, vm/frame.ts framing, host-channel.ts in the guest). To the pool it is one more
 * {@link ScriptHost}: its pid is qemu's, `kill()` kills qemu's process group, and its exit carries
 * the tail of the guest's serial console (a panic or a stuck boot shows there).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { entryPoint } from "../../entry-points.ts";
import { MptcpdrillError } from "../../errors.ts";
import { PORT_ATTACH, HOST_PORT_ENV } from "../host-channel.ts";
import type { HostExit, ScriptHost } from "../host-process.ts";
import type { HostMessage, HostRequest } from "../host-protocol.ts";
import { makeHostTemp, removeHostTemp } from "../host-temp.ts";
import { monoNowUs } from "../../sut/kernel-tun/clock.ts";
import { encodeFrame, FrameDecoder } from "./frame.ts";
import { ROOT_TAG } from "./initramfs.ts";
import type { VmKernelImage } from "./kernel-cache.ts";

/** How to start one VM. */
export interface VmHostOptions {
  readonly kernel: VmKernelImage;
  readonly initramfs: string;
  /** `tcg` (emulation) or `kvm`. */
  readonly accel: "tcg" | "kvm";
  readonly cpus: number;
  readonly memoryMb: number;
  /** Extra environment for the script host in the guest. */
  readonly env: Readonly<Record<string, string>>;
  /** The guest's working folder (on the shared root). */
  readonly cwd: string;
  /** Folders of this machine the guest may write (captures): shared read-write at the same path. */
  readonly writable: readonly string[];
  /** Folders the guest must read (the jobs' script folders), shown at their paths even under /tmp. */
  readonly readable?: readonly string[];
  /** Runs qemu with this niceness (0: as this process). */
  readonly nice: number;
  /**
   * The VM must boot and have its host warmed up (`ready`) within this, or qemu is killed and
   * the host's exit (with the console's tail: a stuck boot or a panic shows there) says so.
   */
  readonly bootTimeoutMs: number;
}

/** Keep this much of the guest's console. */
const CONSOLE_KEEP = 64 * 1024;
/** How long to wait for qemu's socket to appear. */
const SOCKET_WAIT_MS = 15_000;
const PORT_NAME = "mpd";

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** True for a path the guest's own tmpfs mounts hide (/tmp, /run). */
function underGuestTmpfs(p: string): boolean {
  return /^\/(tmp|run)(\/|$)/.test(p);
}

/**
 * Host folders under /tmp or /run the guest must see read-only (its tmpfs there hides the shared
 * root's): the checkout the script host runs from (the nearest folder above `entryFile` with a
 * node_modules), the run's working directory and the jobs' script folders, unless a writable share
 * or one of them already covers them.
 */
export function hiddenHostFolders(entryFile: string, cwd: string, writable: readonly string[], readable: readonly string[] = []): string[] {
  let root = dirname(entryFile);
  while (root !== "/" && !existsSync(join(root, "node_modules"))) root = dirname(root);
  const covered = (d: string): boolean => writable.some((w) => d === w || d.startsWith(`${w}/`));
  const out: string[] = [];
  // Each as its top folder under /tmp or /run (`/tmp/ci/shared/x` → `/tmp/ci`): a script's
  // `../common/…` next to its own folder must be there too.
  const top = (d: string): string => (underGuestTmpfs(d) ? d.split("/").slice(0, 3).join("/") : d);
  for (const d of [root, cwd, ...readable].map(top).sort((a, b) => a.length - b.length)) {
    if (underGuestTmpfs(d) && !covered(d) && !out.some((o) => d === o || d.startsWith(`${o}/`))) out.push(d);
  }
  return out;
}

/** The shell command the guest's init runs in the shared root. */
export function guestCommand(o: Pick<VmHostOptions, "env" | "cwd" | "writable">, node: string, args: readonly string[], hidden: readonly string[] = []): string {
  const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/tmp", TMPDIR: "/tmp", UV_THREADPOOL_SIZE: "8", ...o.env };
  // A folder under /tmp or /run is hidden by the guest's tmpfs there: its mount point is made first.
  const mounts = o.writable.map((dir, i) => `mkdir -p ${quote(dir)} 2>/dev/null; mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 w${i} ${quote(dir)}`);
  // Read-only folders hidden the same way (a checkout under /tmp): a bind of the shared root alone
  // (not recursive, so without the tmpfs mounts on it) shows them, and each is bound at its path.
  const view = "/run/mptcpdrill-hostroot";
  const binds = hidden.length === 0 ? [] : [
    `mkdir -p ${view} && mount --bind / ${view}`,
    ...hidden.map((d) => `mkdir -p ${quote(d)} && mount --bind ${quote(`${view}${d}`)} ${quote(d)}`),
  ];
  return [
    ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`),
    "ip link set lo up 2>/dev/null",
    ...binds,
    ...mounts,
    `for d in /sys/class/virtio-ports/*; do [ "$(cat $d/name 2>/dev/null)" = ${PORT_NAME} ] && export ${HOST_PORT_ENV}=/dev/\${d##*/}; done`,
    `echo "mptcpdrill-guest: up $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r), port $${HOST_PORT_ENV}"`,
    `cd ${quote(o.cwd)}`,
    [node, ...args].map(quote).join(" "),
    `echo "mptcpdrill-guest: script host exited with status $?"`,
    "echo o > /proc/sysrq-trigger",
    "sleep 10",
  ].join("\n");
}

/** qemu's arguments for `o`, its socket path and the guest command. */
export function qemuArgs(o: VmHostOptions, socketPath: string, command: string): string[] {
  const append = ["console=ttyS0", "panic=-1", "oops=panic", "loglevel=4", "mitigations=off", `mpd.cmd=${Buffer.from(command).toString("base64")}`].join(" ");
  const accel = o.accel === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg,thread=multi", "-cpu", "max"];
  return [
    ...accel, "-smp", String(o.cpus), "-m", String(o.memoryMb),
    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
    "-kernel", o.kernel.vmlinuz, "-initrd", o.initramfs, "-append", append,
    "-fsdev", `local,id=root,path=/,security_model=none,readonly=on,multidevs=remap`, "-device", `virtio-9p-pci,fsdev=root,mount_tag=${ROOT_TAG}`,
    ...o.writable.flatMap((dir, i) => ["-fsdev", `local,id=w${i},path=${dir},security_model=none,multidevs=remap`, "-device", `virtio-9p-pci,fsdev=w${i},mount_tag=w${i}`]),
    "-chardev", `socket,id=${PORT_NAME},path=${socketPath},server=on,wait=off`,
    "-device", "virtio-serial-pci", "-device", `virtserialport,chardev=${PORT_NAME},name=${PORT_NAME}`,
  ];
}

/** Boots one VM running a script host; throws MPD_ERR_VM when qemu cannot start. */
export function spawnVmHost(o: VmHostOptions): { host: ScriptHost; temp: string } {
  const temp = makeHostTemp();
  const socketPath = join(temp, "port.sock");
  const entry = entryPoint("host");
  const command = guestCommand(o, process.execPath, [...entry.nodeArgs, entry.file], hiddenHostFolders(entry.file, o.cwd, o.writable, o.readable ?? []));
  const args = qemuArgs(o, socketPath, command);
  // setpriv makes qemu die with this process even when it is killed with SIGKILL (then no exit
  // handler runs); nice keeps an emulated CPU from starving the rest of the machine.
  const niced = o.nice > 0 ? ["nice", "-n", String(o.nice)] : [];
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", ...niced, "qemu-system-x86_64", ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) {
    removeHostTemp(temp);
    throw new MptcpdrillError("MPD_ERR_VM", "cannot start qemu-system-x86_64 (apt-get install qemu-system-x86)");
  }
  const pid = child.pid;
  let consoleTail = "";
  const keep = (b: Buffer): void => {
    consoleTail = (consoleTail + b.toString("utf8")).slice(-CONSOLE_KEEP);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let reason: HostExit["reason"] = "exit";
  let socket: Socket | null = null;
  let held = true;
  const listeners = new Set<(m: HostMessage) => void>();
  const decoder = new FrameDecoder();
  const killGroup = (): void => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  let exitedFlag = false;
  const exited = new Promise<HostExit>((resolve) => {
    const done = (code: number | null, signal: string | null): void => {
      exitedFlag = true;
      socket?.destroy();
      killGroup();
      removeHostTemp(temp);
      resolve({ code, signal, reason, stderr: consoleTail });
    };
    child.on("error", (e) => {
      consoleTail += String(e);
      done(null, null);
    });
    child.on("exit", (code, signal) => done(code, signal));
  });
  // The guest's CLOCK_MONOTONIC counts from its own boot: a job's `done` stamps are moved onto
  // this machine's clock by the offset seen when its `scriptStart` arrived (transit included).
  let startSeenUs: number | null = null;
  const toHostClock = (m: HostMessage): HostMessage => {
    if (m.type === "event" && m.event.kind === "scriptStart") startSeenUs = monoNowUs();
    if (m.type !== "done" || m.scriptStartUs === null || m.scriptEndUs === null) return m;
    const seen = startSeenUs;
    startSeenUs = null;
    if (seen === null) return { ...m, scriptStartUs: null, scriptEndUs: null };
    return { ...m, scriptStartUs: seen, scriptEndUs: m.scriptEndUs + (seen - m.scriptStartUs) };
  };
  const t0 = Date.now();
  const attach = (): void => {
    if (exitedFlag) return;
    if (!existsSync(socketPath)) {
      if (Date.now() - t0 > SOCKET_WAIT_MS) {
        consoleTail += `\nmptcpdrill: qemu made no port socket within ${SOCKET_WAIT_MS / 1000} s`;
        killGroup();
      } else setTimeout(attach, 50);
      return;
    }
    const s = connect(socketPath);
    socket = s;
    if (!held) s.unref();
    s.on("connect", () => s.write(encodeFrame(PORT_ATTACH)));
    s.on("data", (chunk: Buffer) => {
      for (const m of decoder.push(chunk)) {
        const msg = toHostClock(m as HostMessage);
        for (const l of listeners) l(msg);
      }
      if (decoder.broken !== null) {
        consoleTail += `\nmptcpdrill: host port: ${decoder.broken}`;
        killGroup();
      }
    });
    s.on("error", (e) => {
      consoleTail += `\nmptcpdrill: host port: ${e.message}`;
    });
  };
  attach();
  const bootTimer = setTimeout(() => {
    reason = "timeout";
    consoleTail += `\nmptcpdrill: the VM did not boot and warm up within ${o.bootTimeoutMs / 1000} s`;
    killGroup();
  }, o.bootTimeoutMs);
  bootTimer.unref();
  listeners.add((m) => {
    if (m.type === "ready" || m.type === "fatal") clearTimeout(bootTimer);
  });
  void exited.then(() => clearTimeout(bootTimer));
  const host: ScriptHost = {
    pid,
    send: (msg: HostRequest) => {
      if (socket === null || socket.destroyed) return false;
      socket.write(encodeFrame(msg));
      return true;
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    kill() {
      if (reason === "exit") reason = "killed";
      killGroup();
    },
    hold(active) {
      held = active;
      if (active) {
        child.ref();
        socket?.ref();
      } else {
        child.unref();
        socket?.unref();
      }
      for (const s of [child.stdout, child.stderr]) {
        const h = s as unknown as { ref?: () => void; unref?: () => void } | null;
        if (active) h?.ref?.();
        else h?.unref?.();
      }
    },
    exited,
  };
  return { host, temp };
}
