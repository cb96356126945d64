/**
 * Backtick commands against the reference stack (pkt-language.md §7). There is no shell and no
 * kernel behind the reference SUT, so only a small, documented set of commands is understood;
 * each is turned into a {@link HostCommand} the SUT applies to its stack. Anything else is an
 * error with a clear message (exit status 127), never silently ignored. The set mirrors what the
 * suites write for the kernel SUT (docs/conformance.md, "Commands on the reference SUT"):
 *
 * - `true`, `:`, `sleep N` (no-op in virtual time), `sysctl -q|-w net.mptcp.enabled=1`,
 *   `ip mptcp limits set …`: accepted (`add_addr_accepted N` > 0 joins announced addresses);
 * - `sysctl -q net.ipv4.tcp_rmem=…` / `tcp_wmem=…`: accepted; the suites use them to pin the
 *   kernel's window scale to the reference stack's 7;
 * - `sysctl -q|-w net.mptcp.checksum_enabled=0|1`: RFC 8684 §3.1 A flag on new connections;
 * - `ip addr add ADDR[/LEN] dev DEV`: a new local address;
 * - `ip mptcp endpoint add ADDR [dev DEV] [id N] [port P] signal|subflow [backup]`: an endpoint of
 *   the path manager (announce with ADD_ADDR, RFC 8684 §3.4.1, or join from it, §3.2).
 *
 * `$NAME` and `${NAME}` expand from the packetdrill environment (`OPT_*` and defines). Commands
 * may be joined with `;` or `&&`.
 */

/** What a command asks of the reference host. */
export type HostCommand =
  | { readonly kind: "noop" }
  | { readonly kind: "checksum"; readonly enabled: boolean }
  /** `ip mptcp limits set … add_addr_accepted N`: join announced addresses when N > 0. */
  | { readonly kind: "limits"; readonly addAddrAccepted: number | undefined }
  | { readonly kind: "address"; readonly address: string }
  | {
      readonly kind: "endpoint"; readonly address: string; readonly id: number | undefined; readonly port: number | undefined;
      readonly signal: boolean; readonly subflow: boolean; readonly backup: boolean;
    };

/** A parsed command line: the steps, or why it cannot run on the reference SUT. */
export type ParsedCommand = { readonly ok: true; readonly steps: readonly HostCommand[] } | { readonly ok: false; readonly message: string };

/** Expands `$NAME` / `${NAME}` from `env` (unknown names expand to the empty string, as sh). */
export function expandVariables(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string | undefined, b: string | undefined) => env[a ?? b ?? ""] ?? "");
}

function unquote(word: string): string {
  return word.replace(/^(['"])(.*)\1$/, "$2");
}

function sysctl(words: readonly string[]): HostCommand | string {
  const setting = words.filter((w) => !w.startsWith("-")).join("");
  // The suites pin the kernel's buffer sysctls to what the reference stack models (wscale 7).
  if (/^net\.ipv4\.tcp_[rw]mem=/.test(setting)) return { kind: "noop" };
  const m = /^net\.mptcp\.(enabled|checksum_enabled)=(\d+)$/.exec(setting.replace(/\//g, "."));
  if (!m) return `sysctl setting '${setting}' is not modelled by the reference stack`;
  return m[1] === "checksum_enabled" ? { kind: "checksum", enabled: m[2] !== "0" } : { kind: "noop" };
}

function endpoint(words: readonly string[]): HostCommand | string {
  const [address, ...rest] = words;
  if (address === undefined) return "ip mptcp endpoint add: missing address";
  let id: number | undefined;
  let port: number | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i] ?? "";
    if (w === "id" || w === "port" || w === "dev") {
      const v = rest[++i] ?? "";
      if (w === "id") id = Number(v);
      if (w === "port") port = Number(v);
    } else flags.add(w);
  }
  const unknown = [...flags].filter((f) => !["signal", "subflow", "backup"].includes(f));
  if (unknown.length > 0) return `ip mptcp endpoint flag '${unknown[0] ?? ""}' is not modelled by the reference stack`;
  return { kind: "endpoint", address: address.split("/")[0] ?? address, id, port, signal: flags.has("signal"), subflow: flags.has("subflow"), backup: flags.has("backup") };
}

function parseOne(line: string): HostCommand | string {
  const words = line.trim().split(/\s+/).filter((w) => w !== "").map(unquote);
  const [cmd, ...args] = words;
  if (cmd === undefined || cmd === "true" || cmd === ":") return { kind: "noop" };
  if (cmd === "sleep") return { kind: "noop" };
  if (cmd === "sysctl") return sysctl(args);
  if (cmd === "ip") {
    const a = args.filter((w) => w !== "-4" && w !== "-6");
    if (a[0] === "mptcp" && a[1] === "limits" && a[2] === "set") {
      const i = a.indexOf("add_addr_accepted");
      return { kind: "limits", addAddrAccepted: i < 0 ? undefined : Number(a[i + 1]) };
    }
    if (a[0] === "mptcp" && a[1] === "endpoint" && a[2] === "add") return endpoint(a.slice(3));
    if ((a[0] === "addr" || a[0] === "address") && a[1] === "add" && a[2] !== undefined) return { kind: "address", address: a[2].split("/")[0] ?? a[2] };
  }
  return `command not supported by the reference SUT: '${line.trim()}' (see docs/conformance.md)`;
}

/** Parses a backtick command for the reference SUT, after variable expansion. */
export function parseHostCommand(text: string, env: Readonly<Record<string, string>>): ParsedCommand {
  const steps: HostCommand[] = [];
  for (const part of expandVariables(text, env).split(/;|&&|\n/)) {
    const r = parseOne(part);
    if (typeof r === "string") return { ok: false, message: r };
    steps.push(r);
  }
  return { ok: true, steps };
}
