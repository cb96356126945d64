/**
 * Kernels for `mptcpdrill vm`: what `--kernel K` names, fetched and unpacked into a cache folder
 * that later runs reuse. `debian:X.Y` is the newest `linux-image-X.Y…-amd64` that apt's lists
 * offer (bookworm and its security updates carry 6.1, bookworm-backports 6.12): `apt-get
 * download` fetches its .deb and `dpkg-deb -x` unpacks kernel image and modules into
 * `<cache>/kernels/<package>/`; nothing is installed and no boot loader hook runs. A path names a
 * kernel image built elsewhere, with `--modules DIR`; `host` is the running kernel (no VM).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** A kernel to boot in a VM: its image and the folder of its modules (`lib/modules/<release>`). */
export interface VmKernelImage {
  readonly kind: "image";
  /** The column name: `debian:6.1`, or the image's path. */
  readonly label: string;
  readonly vmlinuz: string;
  /** `lib/modules/<release>` of this kernel (holds `kernel/…`, `modules.builtin`). */
  readonly modulesDir: string;
  /** Where this kernel's generated files (initramfs) are kept. */
  readonly workDir: string;
  /** The kernel release (`uname -r` in the guest). */
  readonly release: string;
}

/** The running kernel: the baseline column, run without a VM. */
export interface HostKernel {
  readonly kind: "host";
  readonly label: "host";
}

/** What a `--kernel` names. */
export type VmKernel = VmKernelImage | HostKernel;

/** The cache folder: `$MPTCPDRILL_CACHE`, else `$XDG_CACHE_HOME/mptcpdrill`, else `~/.cache/mptcpdrill`. */
export function cacheRoot(env: Readonly<Record<string, string | undefined>>): string {
  const own = env["MPTCPDRILL_CACHE"];
  if (own !== undefined && own !== "") return resolve(own);
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "mptcpdrill");
}

/** The kernels folder of the cache. */
export function kernelsDir(cache: string): string {
  return join(cache, "kernels");
}

const DEBIAN = /^debian:(\d+\.\d+)$/;

/** A Debian package name a `debian:X.Y` may resolve to (`linux-image-6.1.0-57-amd64`, `linux-image-6.12.95+deb12-amd64`). */
const IMAGE_PACKAGE = /^linux-image-(\d+\.\d+)[.\d]*[-+][\w.+-]*amd64$/;

function run(cmd: string, args: readonly string[], cwd?: string): { ok: true; out: string } | { ok: false; message: string } {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...(cwd === undefined ? {} : { cwd }), maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, out };
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === "ENOENT") return { ok: false, message: `'${cmd}' is not installed` };
    return { ok: false, message: (err.stderr ?? "").trim().split("\n").slice(-3).join(" / ") || err.message };
  }
}

/** Compares Debian-ish versions numerically, part by part (6.1.192-3 > 6.1.176-1). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^\d]+/).map(Number);
  const pb = b.split(/[^\d]+/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The newest linux-image package for `series` (`6.1`) that apt knows, read from the stanzas of
 * the `linux-image-amd64` meta-package (one per suite it is in).
 */
export function debianPackageFor(showOutput: string, series: string): string | null {
  let best: { version: string; pkg: string } | null = null;
  for (const stanza of showOutput.split(/\n\n+/)) {
    const version = /^Version: (\S+)$/m.exec(stanza)?.[1];
    const pkg = /^Depends: (linux-image-[^\s,(]+)/m.exec(stanza)?.[1];
    if (version === undefined || pkg === undefined || !version.startsWith(`${series}.`)) continue;
    if (best === null || compareVersions(version, best.version) > 0) best = { version, pkg };
  }
  return best?.pkg ?? null;
}

/** The unpacked kernel in `dir` (`boot/vmlinuz-*`, `lib/modules/*`), or null. */
function unpackedIn(dir: string, label: string): VmKernelImage | null {
  try {
    const image = readdirSync(join(dir, "boot")).find((f) => f.startsWith("vmlinuz-"));
    const release = readdirSync(join(dir, "lib", "modules"))[0];
    if (image === undefined || release === undefined) return null;
    return { kind: "image", label, vmlinuz: join(dir, "boot", image), modulesDir: join(dir, "lib", "modules", release), workDir: dir, release };
  } catch {
    return null;
  }
}

/** Cached packages of a series, newest first (used when apt cannot answer). */
function cachedPackages(kernels: string, series: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(kernels);
  } catch {
    return [];
  }
  return names.filter((n) => IMAGE_PACKAGE.exec(n)?.[1] === series).sort((a, b) => compareVersions(b, a));
}

/** Downloads and unpacks `pkg` into `<kernels>/<pkg>`; returns a problem or null. */
function fetchPackage(kernels: string, pkg: string): string | null {
  const tmp = mkdtempSync(join(kernels, `.fetch-${process.pid}-`));
  try {
    const dl = run("apt-get", ["download", "-q", pkg], tmp);
    if (!dl.ok) return `apt-get download ${pkg} failed: ${dl.message}`;
    const deb = readdirSync(tmp).find((f) => f.endsWith(".deb"));
    if (deb === undefined) return `apt-get download ${pkg} left no .deb`;
    const out = join(tmp, "root");
    const x = run("dpkg-deb", ["-x", join(tmp, deb), out]);
    if (!x.ok) return `dpkg-deb -x ${deb} failed: ${x.message}`;
    renameSync(out, join(kernels, pkg));
    return null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Resolves `debian:X.Y`: the cached unpacked package, fetching it first when missing. */
function debianKernel(kernels: string, label: string, series: string, log: (line: string) => void): VmKernel | string {
  const shown = run("apt-cache", ["show", "linux-image-amd64"]);
  const pkg = shown.ok ? debianPackageFor(shown.out, series) : null;
  if (pkg === null) {
    const cached = cachedPackages(kernels, series)[0];
    const k = cached === undefined ? null : unpackedIn(join(kernels, cached), label);
    if (k !== null) return k;
    const why = shown.ok ? `apt knows no linux-image-amd64 ${series}.x (6.12 is in bookworm-backports: add that suite to apt's sources and run apt-get update; docs/kernels.md)` : `apt-cache failed: ${shown.message}`;
    return `cannot resolve '${label}': ${why}`;
  }
  const have = unpackedIn(join(kernels, pkg), label);
  if (have !== null) return have;
  log(`vm: fetching ${pkg} (apt-get download, dpkg-deb -x) into ${kernels}`);
  const problem = fetchPackage(kernels, pkg);
  if (problem !== null) return `cannot fetch '${label}': ${problem}`;
  return unpackedIn(join(kernels, pkg), label) ?? `cannot use '${label}': ${pkg} has no boot/vmlinuz-* or lib/modules/*`;
}

/** Resolves a kernel image path with its modules folder (`lib/modules/<release>` or a folder holding one). */
function pathKernel(kernels: string, image: string, modules: string | null): VmKernel | string {
  if (!existsSync(image) || !statSync(image).isFile()) return `no such kernel image: '${image}'`;
  if (modules === null) return `kernel image '${image}' needs --modules DIR (its lib/modules/<release> folder)`;
  let modulesDir = modules;
  if (!existsSync(join(modulesDir, "kernel"))) {
    const inner = existsSync(modulesDir) ? readdirSync(modulesDir).find((d) => existsSync(join(modulesDir, d, "kernel"))) : undefined;
    if (inner === undefined) return `--modules '${modules}' holds no kernel/ folder (expected lib/modules/<release>)`;
    modulesDir = join(modulesDir, inner);
  }
  const tag = `${image}|${modulesDir}|${statSync(image).mtimeMs}`.replace(/[^\w.-]+/g, "_").slice(-120);
  const workDir = join(kernels, "custom", tag);
  return { kind: "image", label: image, vmlinuz: image, modulesDir, workDir, release: modulesDir.split("/").filter((p) => p !== "").pop() ?? "" };
}

/** Where a kernel comes from and how to report progress. */
export interface ResolveOptions {
  readonly cache: string;
  /** `--modules DIR` for a kernel given as a path. */
  readonly modules: string | null;
  readonly log: (line: string) => void;
}

/** Resolves one `--kernel` value (fetching a Debian kernel on first use); a string says why not. */
export function resolveKernel(spec: string, o: ResolveOptions): VmKernel | string {
  if (spec === "host") return { kind: "host", label: "host" };
  const kernels = kernelsDir(o.cache);
  try {
    execFileSync("mkdir", ["-p", kernels]);
  } catch {
    return `cannot create the kernel cache '${kernels}'`;
  }
  const debian = DEBIAN.exec(spec);
  if (debian !== null) return debianKernel(kernels, spec, debian[1] ?? "", o.log);
  if (spec.includes("/") || existsSync(spec)) return pathKernel(kernels, resolve(spec), o.modules === null ? null : resolve(o.modules));
  return `unknown kernel '${spec}' (expected debian:X.Y, a path to a bzImage/vmlinuz with --modules DIR, or host)`;
}

/** One cached kernel, for `--list-kernels`. */
export interface CachedKernel {
  readonly pkg: string;
  readonly release: string;
  readonly dir: string;
  /** `debian:X.Y` that resolves to it (when it is the newest of its series in the cache). */
  readonly series: string;
}

/** The kernels unpacked in the cache, by package name. */
export function listCachedKernels(cache: string): CachedKernel[] {
  const kernels = kernelsDir(cache);
  let names: string[] = [];
  try {
    names = readdirSync(kernels);
  } catch {
    return [];
  }
  const out: CachedKernel[] = [];
  for (const pkg of names.sort()) {
    const series = IMAGE_PACKAGE.exec(pkg)?.[1];
    const k = series === undefined ? null : unpackedIn(join(kernels, pkg), pkg);
    if (k !== null && k.kind === "image") out.push({ pkg, release: k.release, dir: join(kernels, pkg), series: `debian:${series ?? ""}` });
  }
  return out;
}
