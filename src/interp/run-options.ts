/**
 * The interpreter's options (pkt-language.md §1.5, §1.6): script option lines merged under the
 * flags the caller passes (script first, then the command line / config overrides), and the
 * typed options `runScript` takes.
 */
import type { Rng } from "../rng.ts";
import type { Script } from "../script/ast.ts";
import { CODE_SOCKOPTS, type CodeSockopt } from "../script/flag-table.ts";
import type { Variant } from "./events.ts";
import type { Clock } from "./clock.ts";
import { DEFAULT_TIMING, type TimingConfig } from "./timeline.ts";

/** packetdrill flags by name without `--`: `true` for a switch, else the value text. */
export type FlagValues = Readonly<Record<string, string | true>>;

/** Everything `runScript` needs besides the script and the SUT. */
export interface RunOptions {
  readonly clock: Clock;
  /**
   * The job's seeded generator: every random value the interpreter draws (the script side's
   * MPTCP key when the script leaves it unbound, MP_JOIN randoms) comes from it (house-style rule 4).
   */
  readonly rng: Rng;
  readonly timing: TimingConfig;
  /** `--strict_segments`: no outbound aggregation. */
  readonly strictSegments: boolean;
  /** `--tcp_ts_tick_usecs` (0 = TS val unchecked). */
  readonly tcpTsTickUsecs: number;
  /** `--tcp_ts_ecr_scaled`. */
  readonly tcpTsEcrScaled: boolean;
  /** `--non_fatal=packet`: packet and timing mismatches become warnings. */
  readonly nonFatalPacket: boolean;
  /** `--mss`: GSO size of injected TCP packets (0 = off). */
  readonly mss: number;
  /** `-D NAME=VALUE` defines (G semantics, pkt-language.md §1.4). */
  readonly defines: ReadonlyMap<string, string>;
  /** The job the events name. */
  readonly file: string;
  readonly variant: Variant;
  /** Emit `log` events with packet dumps (`-v`). */
  readonly verbose: boolean;
  /** First ephemeral port for the script side of passive connections. */
  readonly ephemeralPortStart: number;
  /** `--code_sockopt`: the one getsockopt code blocks see (absent: all of them). */
  readonly codeSockopt?: CodeSockopt;
}

/** Script option lines as flags (`--tolerance_usecs=100000` → `{tolerance_usecs: "100000"}`). */
export function scriptFlags(script: Script): FlagValues {
  const out: Record<string, string | true> = {};
  for (const o of script.options) out[o.name] = o.value === null ? true : o.value.value;
  return out;
}

/**
 * The script's `--define=NAME=VALUE` lines (§1.4) under `overrides` (`-D` from config and command
 * line, which win as every command-line flag does).
 */
export function mergeDefines(script: Script, overrides: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of script.options) {
    const v = o.value?.value;
    if (o.name !== "define" || v === undefined || v.indexOf("=") <= 0) continue;
    out[v.slice(0, v.indexOf("="))] = v.slice(v.indexOf("=") + 1);
  }
  return { ...out, ...overrides };
}

/** §1.5: script option lines first, then `overrides` (config and command line). */
export function mergeFlags(script: Script, overrides: FlagValues): FlagValues {
  return { ...scriptFlags(script), ...overrides };
}

function num(flags: FlagValues, name: string, dflt: number): number {
  const v = flags[name];
  if (v === undefined || v === true) return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

/** Typed run options from merged flags; `clock`, job and defines come from the caller. */
export function runOptionsFromFlags(
  flags: FlagValues,
  base: Pick<RunOptions, "clock" | "rng" | "file" | "variant" | "defines"> & Partial<Pick<RunOptions, "verbose" | "ephemeralPortStart">>,
): RunOptions {
  const nonFatal = typeof flags["non_fatal"] === "string" ? flags["non_fatal"].split(/[, ]+/) : [];
  const sockopt = CODE_SOCKOPTS.find((s) => s === flags["code_sockopt"]);
  return {
    clock: base.clock, rng: base.rng, file: base.file, variant: base.variant, defines: base.defines,
    timing: {
      toleranceUsecs: num(flags, "tolerance_usecs", DEFAULT_TIMING.toleranceUsecs),
      tolerancePercent: num(flags, "tolerance_percent", DEFAULT_TIMING.tolerancePercent),
      exact: base.clock.kind === "virtual",
    },
    strictSegments: flags["strict_segments"] !== undefined,
    tcpTsTickUsecs: num(flags, "tcp_ts_tick_usecs", 0),
    tcpTsEcrScaled: flags["tcp_ts_ecr_scaled"] !== undefined,
    nonFatalPacket: nonFatal.includes("packet"),
    mss: num(flags, "mss", 0),
    verbose: base.verbose ?? false,
    ephemeralPortStart: base.ephemeralPortStart ?? 40000,
    ...(sockopt === undefined ? {} : { codeSockopt: sockopt }),
  };
}
