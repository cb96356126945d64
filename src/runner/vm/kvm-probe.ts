/**
 * Whether KVM can run a guest here (`--accel auto`). `/dev/kvm` existing is not enough: on some
 * hosts (a PVM variant, ../shared/docs/env-notes.md) it opens but a stock guest never runs. The
 * probe boots the kernel under test with KVM, without an initramfs, and waits for the kernel's
 * "no root" panic on the console: a kernel that got that far runs. The answer is cached per host
 * kernel and kernel image in the cache folder, so only the first run pays for it (a few seconds).
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";

/** How long the probe waits for the guest kernel to reach its root mount. */
const PROBE_MS = 20_000;

/** What the probe decided, with why. */
export interface KvmProbe {
  readonly usable: boolean;
  readonly why: string;
}

/** Probes (or recalls) whether `vmlinuz` boots under KVM on this host. */
export function probeKvm(cache: string, vmlinuz: string): KvmProbe {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return { usable: false, why: "no usable /dev/kvm" };
  }
  const file = join(cache, "kvm-probe.json");
  const key = `${release()}|${vmlinuz}`;
  let known: Record<string, KvmProbe> = {};
  try {
    known = JSON.parse(readFileSync(file, "utf8")) as Record<string, KvmProbe>;
  } catch {
    // no probe yet
  }
  const recalled = known[key];
  if (recalled !== undefined) return recalled;
  const r = spawnSync("qemu-system-x86_64", [
    "-accel", "kvm", "-cpu", "host", "-m", "256", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
    "-serial", "stdio", "-kernel", vmlinuz, "-append", "console=ttyS0 panic=-1 loglevel=4",
  ], { encoding: "utf8", timeout: PROBE_MS, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 8 * 1024 * 1024 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const ran = /Kernel panic|VFS: Unable to mount root/.test(out);
  const probe: KvmProbe = ran
    ? { usable: true, why: "a KVM guest booted to its root mount" }
    : { usable: false, why: r.error !== undefined ? `a KVM guest did not reach its root mount within ${PROBE_MS / 1000} s` : `qemu with KVM: ${out.trim().split("\n").slice(-1)[0] ?? `exit ${String(r.status)}`}` };
  try {
    mkdirSync(cache, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...known, [key]: probe }, null, 2)}\n`);
  } catch {
    // not cached: the next run probes again
  }
  return probe;
}
