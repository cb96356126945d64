/**
 * packetdrill's flags (pkt-language.md §1.6; G's `config.c` option table, 36 long options) as
 * mptcpdrill handles them: each one either works, with its value checked, or is refused with the
 * reason. One table for every place a flag can come from: the command line, a config file and a
 * script's option lines (§1.5). Refused flags are never accepted and ignored.
 *
 * Value problems use packetdrill's wording (`bad --tolerance_usecs: abc`) followed by what a
 * good value is; packetdrill reads numbers with `atoi`, so `12abc` passes there, here it does not.
 */

/** Whether a flag takes a value: `required` (`--name=V`) or `none` (`--name`). */
export type FlagTakes = "required" | "none";

/** How mptcpdrill handles a flag. */
export type FlagSupport = { readonly kind: "implemented" } | { readonly kind: "refused"; readonly reason: string };

/** One packetdrill flag. */
export interface FlagSpec {
  readonly name: string;
  readonly takes: FlagTakes;
  readonly support: FlagSupport;
  /** For a valued flag: null when `value` is good, else what a good value is. */
  readonly check?: (value: string) => string | null;
  /** Set when the flag works on the command line only: why not in a config or script. */
  readonly commandLineOnly?: string;
}

/** Where a flag was written. */
export type FlagSource = "command line" | "config" | "script";

const IMPLEMENTED: FlagSupport = { kind: "implemented" };

function refused(reason: string): FlagSupport {
  return { kind: "refused", reason };
}

/** An integer written in decimal (no sign, no fraction, no trailing text) between min and max. */
function intIn(min: number, max: number, what = `an integer from ${min} to ${max}`): (v: string) => string | null {
  return (v) => (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? null : `expected ${what}`);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for dotted-quad IPv4 text. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** True for IPv6 text (hex groups, one `::` at most, an embedded IPv4 tail allowed). */
export function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.split("::").length > 2) return false;
  let rest = text;
  let groups = 0;
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail !== null) {
    if (!isIpv4(tail[1] ?? "")) return false;
    rest = text.slice(0, text.length - (tail[1] ?? "").length);
    rest = rest.endsWith("::") ? rest : rest.slice(0, -1);
    groups = 2;
  }
  const halves = rest.split("::");
  const parts = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  if (parts.some((p) => !/^[0-9A-Fa-f]{1,4}$/.test(p))) return false;
  groups += parts.length;
  return halves.length === 2 ? groups < 8 : groups === 8;
}

const anIp = (v: string): string | null => (isIpv4(v) || isIpv6(v) ? null : "expected an IPv4 or IPv6 address");

function ipWithPrefix(v: string): string | null {
  const [ip = "", len, extra] = v.split("/");
  if (extra !== undefined || anIp(ip) !== null) return "expected an IPv4 or IPv6 address, optionally with /PREFIX_LEN";
  if (len === undefined) return null;
  return /^\d+$/.test(len) && Number(len) <= (isIpv4(ip) ? 32 : 128) ? null : "expected a prefix length of 0-32 (IPv4) or 0-128 (IPv6) after '/'";
}

function netmask(v: string): string | null {
  if (!isIpv4(v)) return "expected a dotted IPv4 netmask such as 255.255.0.0";
  const bits = v.split(".").reduce((acc, p) => acc * 256 + Number(p), 0);
  const ones = (2 ** 32 - 1 - bits).toString(2);
  return bits === 0 || /^1*$/.test(ones) ? null : "expected a contiguous netmask (ones, then zeros)";
}

const NON_FATAL = ["packet", "syscall"];

function nonFatal(v: string): string | null {
  const words = v.split(/[, ]+/).filter((w) => w !== "");
  const bad = words.filter((w) => !NON_FATAL.includes(w));
  if (words.length === 0) return "expected a comma list of packet, syscall";
  return bad.length === 0 ? null : `unknown type '${bad[0] ?? ""}' (expected a comma list of packet, syscall)`;
}

function percent(v: string): string | null {
  return /^\d+(\.\d+)?$|^\.\d+$/.test(v) && Number(v) <= 100 ? null : "expected a number from 0 to 100";
}

const nonEmpty = (what: string) => (v: string): string | null => (v.trim() === "" ? `expected ${what}` : null);

/** The code-block sockopts packetdrill knows (`--code_sockopt`; empty = all of them). */
export const CODE_SOCKOPTS = ["TCP_INFO", "TCP_CC_INFO", "SO_MEMINFO"] as const;

/** A `--code_sockopt` value. */
export type CodeSockopt = (typeof CODE_SOCKOPTS)[number];

const WIRE = refused("mptcpdrill has no wire client/server mode (packetdrill on one machine driving the stack of another over a real NIC); the kernel SUT runs behind a TUN device in a namespace");
const SO = refused("mptcpdrill has no shared-object SUT (a user-space stack loaded with dlopen); it tests the running kernel or its reference stack");

/** Every packetdrill long option, in packetdrill's usage order. */
export const PACKETDRILL_FLAGS: readonly FlagSpec[] = [
  { name: "ip_version", takes: "required", support: IMPLEMENTED, check: (v) => (["ipv4", "ipv4-mapped-ipv6", "ipv6"].includes(v) ? null : "expected ipv4, ipv4-mapped-ipv6 or ipv6") },
  { name: "bind_port", takes: "required", support: IMPLEMENTED, check: intIn(1, 65535) },
  { name: "code_command", takes: "required", support: IMPLEMENTED, check: nonEmpty("a command line") },
  { name: "code_format", takes: "required", support: IMPLEMENTED, check: (v) => (v === "python" ? null : "the only format is python") },
  { name: "code_sockopt", takes: "required", support: IMPLEMENTED, check: (v) => (v === "" || (CODE_SOCKOPTS as readonly string[]).includes(v) ? null : `expected ${CODE_SOCKOPTS.join(", ")} or empty (all)`) },
  { name: "connect_port", takes: "required", support: IMPLEMENTED, check: intIn(1, 65535) },
  { name: "remote_ip", takes: "required", support: IMPLEMENTED, check: ipWithPrefix },
  { name: "local_ip", takes: "required", support: IMPLEMENTED, check: anIp },
  { name: "gateway_ip", takes: "required", support: IMPLEMENTED, check: anIp },
  { name: "netmask_ip", takes: "required", support: IMPLEMENTED, check: netmask },
  { name: "init_scripts", takes: "required", support: IMPLEMENTED, check: nonEmpty("a comma list of commands") },
  { name: "speed", takes: "required", support: IMPLEMENTED, check: intIn(1, 2 ** 32 - 2, "a speed in Mbps (an integer from 1)") },
  { name: "mss", takes: "required", support: IMPLEMENTED, check: intIn(1, 65535, "an integer from 1 to 65535") },
  { name: "mtu", takes: "required", support: IMPLEMENTED, check: intIn(68, 65535, "an integer from 68 (the least the kernel takes) to 65535") },
  { name: "tolerance_usecs", takes: "required", support: IMPLEMENTED, check: intIn(1, Number.MAX_SAFE_INTEGER, "an integer greater than 0") },
  { name: "tolerance_percent", takes: "required", support: IMPLEMENTED, check: percent },
  { name: "tcp_ts_ecr_scaled", takes: "none", support: IMPLEMENTED },
  { name: "tcp_ts_tick_usecs", takes: "required", support: IMPLEMENTED, check: intIn(0, 1_000_000) },
  { name: "strict_segments", takes: "none", support: IMPLEMENTED },
  { name: "non_fatal", takes: "required", support: IMPLEMENTED, check: nonFatal },
  { name: "wire_client", takes: "none", support: WIRE },
  { name: "wire_server", takes: "none", support: WIRE },
  { name: "wire_server_ip", takes: "required", support: WIRE },
  { name: "wire_server_at", takes: "required", support: WIRE },
  { name: "wire_server_port", takes: "required", support: WIRE },
  { name: "wire_client_dev", takes: "required", support: WIRE },
  { name: "wire_server_dev", takes: "required", support: WIRE },
  { name: "so_filename", takes: "required", support: SO },
  { name: "so_flags", takes: "required", support: SO },
  { name: "dry_run", takes: "none", support: IMPLEMENTED },
  { name: "is_anyip", takes: "none", support: IMPLEMENTED },
  { name: "send_omit_free", takes: "none", support: IMPLEMENTED },
  { name: "psp_udp_port", takes: "required", support: refused("PSP needs packetdrill's wire client/server mode, which mptcpdrill does not have") },
  { name: "debug", takes: "none", support: refused("mptcpdrill has no internal debug log; -v prints every event and packet") },
  { name: "define", takes: "required", support: IMPLEMENTED, check: (v) => (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v) ? null : "expected NAME=VALUE") },
  { name: "verbose", takes: "none", support: IMPLEMENTED, commandLineOnly: "what a run prints is its reporters' choice, made once for the run: give -v on the command line" },
];

/** The table by name. */
export const FLAG_SPECS: ReadonlyMap<string, FlagSpec> = new Map(PACKETDRILL_FLAGS.map((f) => [f.name, f]));

/**
 * What is wrong with `--name[=value]` as a packetdrill flag written in `source`, or null when it is
 * usable: unknown, refused (with the reason), command-line only, a value where none is taken or
 * missing, or a bad value. The message
 * names the flag; bad values read `bad --NAME: VALUE (expected …)`.
 */
export function flagProblem(name: string, value: string | true, source: FlagSource = "command line"): string | null {
  const spec = FLAG_SPECS.get(name);
  if (spec === undefined) return `unknown packetdrill flag '--${name}'`;
  if (spec.support.kind === "refused") return `--${name}: not supported: ${spec.support.reason}`;
  if (source !== "command line" && spec.commandLineOnly !== undefined) return `--${name}: not supported in a ${source}: ${spec.commandLineOnly}`;
  if (spec.takes === "none") return value === true ? null : `option '--${name}' forbids an argument`;
  if (value === true) return `option '--${name}' requires an argument`;
  const why = spec.check?.(value) ?? null;
  return why === null ? null : `bad --${name}: ${value} (${why})`;
}

/** The address flags whose family must be the wire's. */
const ADDRESS_FLAGS = ["local_ip", "remote_ip", "gateway_ip"] as const;

/**
 * packetdrill's check of the address flags once the IP version is known (G `ip_address.c`:
 * `bad IPv4 address: …` / `bad IPv6 address: …`): for an IPv6 wire every address is IPv6, for
 * IPv4 and IPv4-mapped-IPv6 every one is IPv4. Null when they agree.
 */
export function addressFamilyProblem(flags: Readonly<Record<string, string | true>>, wireFamily: 4 | 6): string | null {
  for (const name of ADDRESS_FLAGS) {
    const v = flags[name];
    if (typeof v !== "string") continue;
    const ip = v.split("/")[0] ?? "";
    if (wireFamily === 6 ? !isIpv6(ip) : !isIpv4(ip)) return `bad IPv${wireFamily} address: ${v} (--${name})`;
  }
  return null;
}
