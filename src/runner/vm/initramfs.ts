/**
 * The initramfs a VM boots with: a static busybox, the kernel's modules that are needed to reach
 * the host's root over virtio-9p and to talk to the run (virtio-pci, virtio_console for the
 * virtio-serial port, 9p, and tun for the kernel SUT), in dependency order (`modinfo -F depends`:
 * the Debian packages ship no modules.dep), and an `/init` that loads them, mounts the host's `/`
 * read-only over 9p with `cache=loose` (without it every file access crosses to the host), gives
 * it a writable /tmp, /run and /dev/shm, and switches into it to run the command the kernel
 * command line carries base64-encoded (`mpd.cmd=`). Built once per kernel and kept beside it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeCpio, type CpioEntry } from "./cpio.ts";
import { MptcpdrillError } from "../../errors.ts";
import type { VmKernelImage } from "./kernel-cache.ts";

/** Modules the guest needs (with their dependencies); those built into the kernel are skipped. */
export const GUEST_MODULES = ["virtio_pci", "virtio_console", "9pnet_virtio", "9p", "tun"] as const;

/** Bump when the init script or the module set changes: cached initramfs files are rebuilt. */
const INITRAMFS_VERSION = 1;

/** The 9p mount tag of the host's root. */
export const ROOT_TAG = "hostroot";

/** Where busybox-static puts its binary. */
const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"];

const norm = (m: string): string => m.replace(/-/g, "_");

/** The guest's /init (busybox sh). */
export function initScript(): string {
  const bb = "/bin/busybox";
  return `#!${bb} sh
${bb} mkdir -p /proc /sys /dev /newroot
${bb} mount -t proc proc /proc
${bb} mount -t sysfs sys /sys
${bb} mount -t devtmpfs dev /dev
for m in $(${bb} cat /modules.order); do
  ${bb} insmod /modules/$m || echo "mptcpdrill-init: insmod $m failed"
done
if ! ${bb} mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro ${ROOT_TAG} /newroot; then
  echo "mptcpdrill-init: cannot mount the host root over 9p"; echo o > /proc/sysrq-trigger
fi
for d in tmp run; do ${bb} mount -t tmpfs -o mode=1777 tmpfs /newroot/$d; done
${bb} mount --move /dev /newroot/dev
${bb} mkdir -p /newroot/dev/shm /newroot/dev/pts
${bb} mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
${bb} mount -t devpts devpts /newroot/dev/pts
${bb} mount --move /proc /newroot/proc
${bb} mount --move /sys /newroot/sys
cmd=$(${bb} sed -n 's/.*mpd\\.cmd=\\([^ ]*\\).*/\\1/p' /newroot/proc/cmdline | ${bb} base64 -d)
exec ${bb} switch_root /newroot /bin/sh -c "$cmd"
`;
}

function run(cmd: string, args: readonly string[]): Buffer {
  return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** Every module file of the kernel by normalized name. */
function moduleFiles(modulesDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = /^(.+)\.ko(\.xz|\.zst|\.gz)?$/.exec(e.name);
        if (m?.[1] !== undefined) out.set(norm(m[1]), p);
      }
    }
  };
  walk(join(modulesDir, "kernel"));
  return out;
}

/** Modules built into the kernel (modules.builtin), by normalized name. */
function builtins(modulesDir: string): Set<string> {
  const file = join(modulesDir, "modules.builtin");
  if (!existsSync(file)) return new Set();
  return new Set(readFileSync(file, "utf8").split("\n").map((l) => norm(l.replace(/^.*\//, "").replace(/\.ko$/, ""))).filter((l) => l !== ""));
}

/**
 * The module files to load, dependencies first, for `roots`; a string names a module that is
 * neither a file nor built in.
 */
export function moduleLoadOrder(modulesDir: string, roots: readonly string[]): string[] | string {
  const files = moduleFiles(modulesDir);
  const builtin = builtins(modulesDir);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): string | null => {
    const n = norm(name);
    if (seen.has(n)) return null;
    seen.add(n);
    const file = files.get(n);
    if (file === undefined) return builtin.has(n) ? null : `module '${name}' is neither in ${modulesDir} nor built in`;
    const deps = run("modinfo", ["-F", "depends", file]).toString("utf8").trim();
    for (const d of deps === "" ? [] : deps.split(",")) {
      const problem = visit(d);
      if (problem !== null) return problem;
    }
    order.push(file);
    return null;
  };
  for (const r of roots) {
    const problem = visit(r);
    if (problem !== null) return problem;
  }
  return order;
}

/** A module's bytes, decompressed (busybox insmod loads plain .ko files). */
function moduleBytes(file: string): Buffer {
  if (file.endsWith(".xz")) return run("xz", ["-dc", file]);
  if (file.endsWith(".zst")) return run("zstd", ["-dc", file]);
  if (file.endsWith(".gz")) return run("gzip", ["-dc", file]);
  return readFileSync(file);
}

/** The initramfs of `kernel` (built on first use, then reused). Throws MPD_ERR_TOOL_MISSING or MPD_ERR_KERNEL. */
export function initramfsFor(kernel: VmKernelImage): string {
  const out = join(kernel.workDir, `mptcpdrill-initramfs-v${INITRAMFS_VERSION}.cpio.gz`);
  if (existsSync(out)) return out;
  const busybox = BUSYBOX.find((p) => existsSync(p));
  if (busybox === undefined) throw new MptcpdrillError("MPD_ERR_TOOL_MISSING", "busybox is not installed (apt-get install busybox-static)");
  const order = moduleLoadOrder(kernel.modulesDir, GUEST_MODULES);
  if (typeof order === "string") throw new MptcpdrillError("MPD_ERR_KERNEL", order);
  const dir = (name: string): CpioEntry => ({ name, mode: 0o040755, data: new Uint8Array(0) });
  const names = order.map((f) => (f.split("/").pop() ?? f).replace(/\.(xz|zst|gz)$/, ""));
  const entries: CpioEntry[] = [
    dir("bin"), dir("dev"), dir("proc"), dir("sys"), dir("newroot"), dir("modules"),
    { name: "bin/busybox", mode: 0o100755, data: readFileSync(busybox) },
    { name: "init", mode: 0o100755, data: Buffer.from(initScript()) },
    { name: "modules.order", mode: 0o100644, data: Buffer.from(`${names.join("\n")}\n`) },
    ...order.map((f, i) => ({ name: `modules/${names[i] ?? ""}`, mode: 0o100644, data: moduleBytes(f) })),
  ];
  mkdirSync(kernel.workDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(encodeCpio(entries), { level: 6 }));
  renameSync(tmp, out);
  return out;
}
