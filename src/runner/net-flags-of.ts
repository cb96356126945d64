/**
 * packetdrill's address flags of one job (`--local_ip`, `--remote_ip`, `--mtu`, …, pkt-language.md
 * §1.6), as merged from script option lines, config and command line, turned into the
 * {@link NetFlags} every SUT resolves its network from. One translation for the kernel and the
 * reference SUT, so a script sees the same addresses on both.
 */
import type { FlagValues } from "../interp/run-options.ts";
import type { IpVersion } from "../sut/sut.ts";
import type { NetFlags } from "../sut/net-flags.ts";

function optNumber(flags: FlagValues, name: string): number | undefined {
  const v = flags[name];
  return typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

/** A flag's string value, or undefined. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}

/** The address flags present in `flags` (absent ones are left to the IP version's defaults). */
export function netFlagsOf(ipVersion: IpVersion, flags: FlagValues): NetFlags {
  const fields = {
    localIp: stringFlag(flags, "local_ip"), remoteIp: stringFlag(flags, "remote_ip"), gatewayIp: stringFlag(flags, "gateway_ip"),
    netmaskIp: stringFlag(flags, "netmask_ip"), mtu: optNumber(flags, "mtu"), bindPort: optNumber(flags, "bind_port"),
    connectPort: optNumber(flags, "connect_port"), device: stringFlag(flags, "device"), speed: optNumber(flags, "speed"),
    anyIp: flags["is_anyip"] === true ? true : undefined,
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<NetFlags>;
  return { ipVersion, ...defined };
}
