/**
 * `mptcpdrill vm` argument parsing: the VM's own options are taken out of argv, everything else
 * is `run`'s (parsed by cli/run/args.ts for each kernel). Errors are values.
 */

/** Parsed VM options; `runArgv` is what is left for `run`. */
export interface VmArgs {
  readonly kernels: readonly string[];
  readonly modules: string | null;
  readonly listKernels: boolean;
  /** `--fetch`: fetch the kernels and build their initramfs, run nothing. */
  readonly fetchOnly: boolean;
  /** `--tolerance-scale X`, or null for the default of the accelerator. */
  readonly toleranceScale: number | null;
  readonly accel: "auto" | "tcg" | "kvm";
  readonly memoryMb: number;
  readonly cpus: number;
  readonly bootTimeoutSeconds: number;
  /** `nice` level of qemu (0: none). */
  readonly nice: number;
  /** `--matrix FILE`: the matrix as JSON. */
  readonly matrixJson: string | null;
  /** `--matrix-junit FILE`: the matrix as JUnit, one suite per kernel. */
  readonly matrixJunit: string | null;
  /** `--features FILE`: the feature table as JSON. */
  readonly featuresJson: string | null;
  readonly runArgv: readonly string[];
  readonly help: boolean;
}

/** Parsed arguments or a usage message. */
export type VmArgsResult = { readonly ok: true; readonly value: VmArgs } | { readonly ok: false; readonly message: string };

type Draft = { -readonly [K in keyof VmArgs]: VmArgs[K] extends readonly string[] ? string[] : VmArgs[K] };

function positive(name: string, v: string, integer: boolean): number | string {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) return `${name} expects a positive ${integer ? "integer" : "number"}, got '${v}'`;
  return n;
}

const VALUED: Readonly<Record<string, (d: Draft, v: string) => string | null>> = {
  "--kernel": (d, v) => (d.kernels.push(v), null),
  "--modules": (d, v) => ((d.modules = v), null),
  "--matrix": (d, v) => ((d.matrixJson = v), null),
  "--matrix-junit": (d, v) => ((d.matrixJunit = v), null),
  "--features": (d, v) => ((d.featuresJson = v), null),
  "--tolerance-scale": (d, v) => {
    const n = positive("--tolerance-scale", v, false);
    if (typeof n === "string") return n;
    d.toleranceScale = n;
    return null;
  },
  "--accel": (d, v) => {
    if (v !== "auto" && v !== "tcg" && v !== "kvm") return `--accel expects auto, tcg or kvm, got '${v}'`;
    d.accel = v;
    return null;
  },
  "--vm-memory": (d, v) => {
    const n = positive("--vm-memory", v, true);
    return typeof n === "string" ? n : ((d.memoryMb = n), null);
  },
  "--vm-cpus": (d, v) => {
    const n = positive("--vm-cpus", v, true);
    return typeof n === "string" ? n : ((d.cpus = n), null);
  },
  "--boot-timeout": (d, v) => {
    const n = positive("--boot-timeout", v, false);
    return typeof n === "string" ? n : ((d.bootTimeoutSeconds = n), null);
  },
  "--nice": (d, v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 19) return `--nice expects 0-19, got '${v}'`;
    d.nice = n;
    return null;
  },
};

/** Parses `vm`'s argv. */
export function parseVmArgs(argv: readonly string[]): VmArgsResult {
  const d: Draft = {
    kernels: [], modules: null, listKernels: false, fetchOnly: false, toleranceScale: null, accel: "auto", memoryMb: 1024, cpus: 1,
    bootTimeoutSeconds: 240, nice: 0, matrixJson: null, matrixJunit: null, featuresJson: null, runArgv: [], help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      d.runArgv.push(...argv.slice(i));
      break;
    }
    if (a === "--list-kernels") {
      d.listKernels = true;
      continue;
    }
    if (a === "--fetch") {
      d.fetchOnly = true;
      continue;
    }
    if (a === "-h" || a === "--help") {
      d.help = true;
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    const set = VALUED[name];
    if (set === undefined) {
      d.runArgv.push(a);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return { ok: false, message: `${name} needs a value` };
    const problem = set(d, value);
    if (problem !== null) return { ok: false, message: problem };
  }
  if (!d.help && !d.listKernels && d.kernels.length === 0) return { ok: false, message: "give at least one --kernel (debian:6.1, debian:6.12, a kernel image path with --modules, or host)" };
  if (new Set(d.kernels).size !== d.kernels.length) return { ok: false, message: "the same --kernel is given twice" };
  return { ok: true, value: d };
}
