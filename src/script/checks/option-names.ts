/**
 * Pass `option-names`: every `--name[=value]` line names a known flag, and gives a value exactly
 * when the flag takes one (pkt-language.md §1.5-§1.6: packetdrill's config.c flags, plus ours).
 */
import { error } from "../diagnostic.ts";
import type { CheckPass } from "./pass.ts";

/** Whether a flag takes a value: `required` (`--name=V`) or `none` (`--name`). */
type Takes = "required" | "none";

/** packetdrill's flags (G and the MPTCP fork) and mptcpdrill's own, with what they take. */
export const KNOWN_OPTIONS: ReadonlyMap<string, Takes> = new Map<string, Takes>([
  ...(
    [
      "ip_version", "bind_port", "connect_port", "local_ip", "remote_ip", "gateway_ip", "netmask_ip",
      "speed", "mtu", "mss", "init_scripts", "tolerance_usecs", "tolerance_percent", "tcp_ts_tick_usecs",
      "non_fatal", "define", "code_command", "code_format", "code_sockopt", "so_filename", "so_flags",
      "wire_server_ip", "wire_server_at", "wire_server_port", "wire_client_dev", "wire_server_dev",
      "psp_udp_port",
    ] as const
  ).map((name) => [name, "required"] as const),
  ...(
    [
      "tcp_ts_ecr_scaled", "strict_segments", "dry_run", "verbose", "debug", "send_omit_free", "is_anyip",
      "wire_client", "wire_server",
    ] as const
  ).map((name) => [name, "none"] as const),
]);

/** Edit distance between two short names, for `did you mean` notes. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The closest known option name, if it is close enough to be a typo. */
export function closestOption(name: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const known of KNOWN_OPTIONS.keys()) {
    const d = distance(name.replace(/-/g, "_"), known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** The pass. */
export const optionNames: CheckPass = {
  name: "option-names",
  run({ script, report }) {
    for (const option of script.options) {
      const takes = KNOWN_OPTIONS.get(option.name);
      if (takes === undefined) {
        const guess = closestOption(option.name);
        const notes = guess === null ? [] : [`did you mean '--${guess}'?`];
        report(error("unknown-option", `Unknown option '--${option.name}'`, option.span, notes));
      } else if (takes === "required" && option.value === null) {
        report(error("option-value", `Option '--${option.name}' requires a value`, option.span, [`write it as '--${option.name}=VALUE'`]));
      } else if (takes === "none" && option.value !== null) {
        report(error("option-value", `Option '--${option.name}' takes no value`, option.value.span, [`write it as '--${option.name}'`]));
      }
    }
  },
};
