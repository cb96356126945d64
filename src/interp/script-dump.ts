/**
 * The `script packet:` dump of an outbound line (pkt-language.md §9): the line in script space,
 * as the script wrote it where its values come from run state.
 *
 * An option with wildcards or run-state fields (`key[skey]`, `sender_hmac=auto`, `token=…`, an
 * omitted DSS checksum) has no value of its own before the live packet is matched: its wire form
 * holds zeros there. Such an option prints as written (fmt-print.ts), and an MP_CAPABLE key the
 * run has not bound yet prints by name, `key[skey=?]`, never as zeros (issue #13).
 */
import { printOption } from "../script/fmt-print.ts";
import type { SutNetConfig } from "../sut/sut.ts";
import { formatPacket } from "../wire/dump.ts";
import { formatTcpOption } from "../wire/option-format.ts";
import type { ConnectionMapping } from "./mapping.ts";
import { scriptPacketRepr } from "./packet-build.ts";
import type { ScriptOption, ScriptTcpPacket } from "./script-packet.ts";

/** `key[ckey=2, skey=?]`: the keys of an `mpcapable` node, unbound and unassigned ones as `name=?`. */
function keyList(o: ScriptOption, conn: ConnectionMapping): string | null {
  const n = o.node;
  if (n.kind !== "mpCapable" || n.noKey || n.keys.length === 0) return null;
  const run = conn.mptcp?.run;
  const one = n.keys.map((k) => {
    const assigned = k.value !== null && k.value.kind !== "wildcard";
    if (assigned || run?.key(k.name) !== undefined) return printOption({ ...n, keys: [k] }).match(/key\[([^\]]*)\]/)?.[1] ?? k.name;
    return `${k.name}=?`;
  });
  return `key[${one.join(", ")}]`;
}

/** One option of the dump: its wire form when fully known, else as written. */
function optionText(o: ScriptOption, conn: ConnectionMapping): string {
  if (o.wild.size === 0) return formatTcpOption(o.wire);
  const written = printOption(o.node);
  const keys = keyList(o, conn);
  return keys === null ? written : written.replace(/key\[[^\]]*\]/, keys);
}

/** The one-line dump of an outbound TCP line, e.g. `S. 0:0(0) ack 1 <mss 1460,mpcapable v1 flags[flag_h] key[skey=?]>`. */
export function formatScriptPacket(sp: ScriptTcpPacket, net: SutNetConfig, conn: ConnectionMapping): string {
  const repr = scriptPacketRepr(sp, net);
  const bare = formatPacket(repr.l4.kind === "tcp" ? { ...repr, l4: { ...repr.l4, options: [] } } : repr, { window: sp.window !== null });
  if (sp.options === null) return `${bare} <...>`;
  return sp.options.length === 0 ? bare : `${bare} <${sp.options.map((o) => optionText(o, conn)).join(",")}>`;
}
