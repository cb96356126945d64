/**
 * MPTCP addresses in packet lines (pkt-language.md §8.1, §8.3, §8.7; RFC 8684 §3.4.1): the
 * script's `addr[VAR]` endpoints, packetdrill-side address allocation (the highest address + 1
 * in its last byte, next address id), and ADD_ADDR with its HMAC or echo.
 */
import type * as ast from "../script/ast.ts";
import { formatIpAddress, parseIpAddress } from "../wire/address.ts";
import { addAddrHmac } from "../wire/mptcp-crypto.ts";
import type { AddAddrOption } from "../wire/mptcp-options.ts";
import type { LiveEndpoint } from "./mapping.ts";
import type { ExpectedMptcp } from "./mptcp-keys.ts";
import type { MptcpEvalContext, MptcpRunState } from "./mptcp-state.ts";
import { canonicalIp } from "./sockets.ts";
import { ScriptFault, decodeString } from "./values.ts";

/**
 * A new packetdrill-side address (§8.1): the highest known one (the remote address first) + 1
 * in its last byte, e.g. 192.0.2.1 → 192.0.2.2, 2001:db8::1 → 2001:db8::2; registered with the next id.
 */
export function allocatePeerIp(run: MptcpRunState, remoteIp: string): string {
  run.peerAddressId(canonicalIp(remoteIp));
  let best: Uint8Array | null = null;
  for (const a of run.peerAddresses) {
    const b = parseIpAddress(a.ip);
    if (b === undefined || b.length !== (parseIpAddress(remoteIp)?.length ?? 4)) continue;
    if (best === null || compareBytes(b, best) > 0) best = b;
  }
  const next = new Uint8Array(best ?? (parseIpAddress(remoteIp) as Uint8Array));
  next[next.length - 1] = ((next[next.length - 1] as number) + 1) & 0xff;
  const ip = formatIpAddress(next);
  run.peerAddressId(ip);
  return ip;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** The address an `addr[VAR=inet_addr("…")]` initializer names, canonical text. */
export function initAddress(ref: ast.AddrRef): string | null {
  if (ref.init === null) return null;
  const text = decodeString(ref.init.address);
  const b = parseIpAddress(text);
  if (b === undefined || (b.length === 16) !== (ref.init.fn === "inet6_addr")) throw new ScriptFault(`bad address '${text}'`, ref.init.span);
  return formatIpAddress(b);
}

/** Address bytes of `ip` sized for an option of `len` bytes (a v6 address in a v4 option keeps its last 4 bytes). */
function sized(ip: string, len: number): Uint8Array {
  const b = parseIpAddress(ip) ?? new Uint8Array(len);
  if (b.length === len) return b;
  if (len === 4) return b.subarray(12);
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(b, 12);
  return out;
}

/**
 * Inbound ADD_ADDR (§8.7): the variable's endpoint (initializer, bound value, else a newly
 * allocated packetdrill address bound now), the id registered for that address unless written,
 * and `hmac=auto` = the rightmost 64 bits of HMAC(Kp ‖ Kk, id ‖ address ‖ port).
 */
export function inboundAddAddr(o: ast.AddAddress, wire: AddAddrOption, ctx: MptcpEvalContext): AddAddrOption {
  const ref = o.address;
  const remote = ctx.mapping.liveRemote;
  let ep: LiveEndpoint | undefined = ctx.run.addr(ref.name);
  const init = initAddress(ref);
  if (init !== null) ep = { ip: init, port: wire.port ?? remote?.port ?? 0 };
  if (ep === undefined) ep = { ip: allocatePeerIp(ctx.run, remote?.ip ?? ""), port: wire.port ?? remote?.port ?? 0 };
  ctx.run.bindAddr(ref.name, ep);
  const address = sized(ep.ip, wire.address.length);
  const explicitId = o.addressId !== null && (o.addressId.kind === "int" || o.addressId.kind === "ident");
  const addressId = explicitId ? wire.addressId : ctx.run.peerAddressId(canonicalIp(ep.ip));
  let out: AddAddrOption = { ...wire, address, addressId };
  if (o.hmac?.kind === "auto") {
    const { peerKey: kp, kernelKey: kk } = ctx.conn;
    if (kp === null || kk === null) throw new ScriptFault("ADD_ADDR hmac=auto before both MPTCP keys are known", o.hmac.span);
    out = { ...out, hmac: addAddrHmac(kp, kk, addressId, address, wire.port ?? 0) };
  }
  return out;
}

/**
 * Outbound ADD_ADDR (§8.7): a bound or initialised variable's address is compared, an unbound one
 * binds to the advertised address (port: the option's, else the packet's source port); omitted
 * id/port are wildcards; `hmac=auto` is HMAC(Kk ‖ Kp, id ‖ address ‖ port) of the live fields.
 */
export function outboundAddAddr(o: ast.AddAddress, wire: AddAddrOption, live: AddAddrOption, wild: ReadonlySet<string>, ctx: MptcpEvalContext): ExpectedMptcp {
  const w = new Set(wild);
  w.delete("address");
  w.delete("hmac");
  const ref = o.address;
  const known = initAddress(ref) ?? ctx.run.addr(ref.name)?.ip ?? null;
  let expected: AddAddrOption = wire;
  if (known === null) {
    w.add("address");
    ctx.run.bindAddr(ref.name, { ip: formatIpAddress(live.address), port: live.port ?? ctx.mapping.liveLocal?.port ?? 0 });
  } else expected = { ...expected, address: sized(known, wire.address.length) };
  if (o.hmac?.kind === "auto") {
    const { peerKey: kp, kernelKey: kk } = ctx.conn;
    if (kp === null || kk === null) w.add("hmac");
    else expected = { ...expected, hmac: addAddrHmac(kk, kp, live.addressId, live.address, live.port ?? 0) };
  } else if (o.hmac?.kind === "wildcard") w.add("hmac");
  return { expected, wild: w };
}
