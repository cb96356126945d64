/**
 * SNMP MIB counters of the SUT's network namespace (`/proc/net/netstat`), named as `nstat` names
 * them: section + counter, e.g. `MPTcpExtMPCapableSYNRX`, `MPTcpExtMPFailTx`, `TcpExtTCPTimeouts`.
 * Code blocks see them as `mib_<name>` (pkt-language.md §7; an mptcpdrill extension).
 * RFC 8684 has no MIB; the MPTcpExt counters are Linux's (net/mptcp/mib.c).
 */
import { readFileSync } from "node:fs";

/**
 * Parses the text of `/proc/net/netstat`: pairs of lines `Section: Name1 Name2 …` and
 * `Section: v1 v2 …`. Malformed pairs are skipped; values above 2^53 keep their low precision.
 */
export function parseNetstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split("\n");
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    const section = names.shift();
    if (section === undefined || !section.endsWith(":") || values.shift() !== section || names.length !== values.length) continue;
    names.forEach((n, k) => {
      const v = Number(values[k]);
      if (Number.isFinite(v)) out[section.slice(0, -1) + n] = v;
    });
  }
  return out;
}

/** Reads the counters of the calling process's network namespace (`/proc/self/net/netstat`); `{}` when unreadable. */
export function readNetstatMib(): Record<string, number> {
  try {
    return parseNetstat(readFileSync("/proc/self/net/netstat", "utf8"));
  } catch {
    return {};
  }
}
