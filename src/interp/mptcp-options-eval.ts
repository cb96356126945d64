/**
 * Static evaluation of MPTCP option forms (pkt-language.md §8.4–§8.8, RFC 8684 §3) into wire
 * option values. Fields that depend on run state (keys bound to variables, `auto`, hash calls,
 * relative DSN/DACK) are left 0 and named in `wild`; mptcp-complete.ts fills them per event.
 */
import type * as ast from "../script/ast.ts";
import { MPC_FLAG, type MptcpOption } from "../wire/mptcp-options.ts";
import { type ValueEnv, ScriptFault } from "./values.ts";

/** MP_CAPABLE `flags[flag_a, flag_h]` or `flags 0x81` as a byte. */
function mpcFlags(f: ast.FlagList | ast.OptValue, env: ValueEnv, wild: Set<string>): number {
  if (f.kind !== "flagList") {
    const v = env.opt(f);
    if (v === null) wild.add("flags");
    return Number(v ?? 0n) & 0xff;
  }
  let bits = 0;
  for (const name of f.flags) {
    if (name === "no_flags") continue;
    const letter = name.replace(/^flag_/, "").toUpperCase() as keyof typeof MPC_FLAG;
    const b = MPC_FLAG[letter];
    if (b === undefined) throw new ScriptFault(`unknown MP_CAPABLE flag: '${name}'`, f.span);
    bits |= b;
  }
  return bits;
}

/** A plain optional number field; wildcards and non-literal forms are recorded in `wild`. */
function field(v: ast.OptValue | ast.DssValue | ast.Auto | ast.JoinToken | null, name: string, env: ValueEnv, wild: Set<string>): bigint {
  if (v === null) {
    wild.add(name);
    return 0n;
  }
  if (v.kind === "int" || v.kind === "ident") return env.num(v);
  wild.add(name);
  return 0n;
}

/** The wire form of an MPTCP option as written; run-state fields are 0 and listed in `wild`. */
export function scriptMptcpOption(o: ast.TcpOption, env: ValueEnv, wild: Set<string>): MptcpOption {
  const base = { kind: "mptcp" } as const;
  switch (o.kind) {
    case "mpCapable": {
      const version = o.version === "v0" ? 0 : 1;
      let out: MptcpOption = { ...base, subtype: "mpCapable", version, flags: mpcFlags(o.flags, env, wild) };
      const [k1, k2] = o.keys;
      if (k1) out = { ...out, sendersKey: 0n };
      if (k2) out = { ...out, receiversKey: 0n };
      if (k1) wild.add("key");
      if (o.dataLength !== null) out = { ...out, receiversKey: out.receiversKey ?? 0n, dataLevelLength: Number(field(o.dataLength, "dll", env, wild)) };
      // RFC 8684 §3.1: "Checksum (2) if A was negotiated"; `cksum=*` keeps the 24-byte length.
      if (o.dataLength !== null && o.checksum !== null) out = { ...out, checksum: Number(BigInt.asUintN(16, field(o.checksum, "checksum", env, wild))) };
      return out;
    }
    case "dss": return dssOption(o, env, wild);
    case "mpJoinSyn":
      return {
        ...base, subtype: "mpJoinSyn", backup: field(o.backup, "backup", env, wild) !== 0n,
        addressId: Number(field(o.addressId, "address_id", env, wild)), receiversToken: Number(BigInt.asUintN(32, field(o.token, "token", env, wild))),
        sendersRandom: Number(BigInt.asUintN(32, field(o.rand, "rand", env, wild))),
      };
    case "mpJoinSynAck":
      wild.add("hmac");
      return {
        ...base, subtype: "mpJoinSynAck", backup: field(o.backup, "backup", env, wild) !== 0n,
        addressId: Number(field(o.addressId, "address_id", env, wild)), sendersHmac: 0n,
        sendersRandom: Number(BigInt.asUintN(32, field(o.rand, "rand", env, wild))),
      };
    case "mpJoinAck":
      wild.add("hmac");
      return { ...base, subtype: "mpJoinAck", sendersHmac: new Uint8Array(20) };
    case "addAddress": {
      wild.add("address");
      const v6 = o.address.init?.fn === "inet6_addr";
      let out: MptcpOption = {
        ...base, subtype: "addAddr", echo: o.echo !== null,
        addressId: Number(field(o.addressId, "address_id", env, wild)), address: new Uint8Array(v6 ? 16 : 4),
      };
      if (o.port !== null) out = { ...out, port: Number(field(o.port, "port", env, wild)) };
      if (o.hmac !== null) out = { ...out, hmac: field(o.hmac, "hmac", env, wild) };
      return out;
    }
    case "removeAddress":
      return { ...base, subtype: "removeAddr", addressIds: o.addressIds.map((v) => Number(field(v, "address_id", env, wild))).reverse() };
    case "mpPrio": {
      const out: MptcpOption = { ...base, subtype: "mpPrio", backup: field(o.backup, "backup", env, wild) !== 0n };
      return o.addressId === null ? out : { ...out, addressId: Number(field(o.addressId, "address_id", env, wild)) };
    }
    case "mpFail":
      return { ...base, subtype: "mpFail", dsn: field(o.dataSeq?.value ?? null, "dsn8", env, wild) };
    case "mpFastclose":
      wild.add("key");
      return { ...base, subtype: "mpFastclose", receiversKey: 0n };
    case "mpReset": {
      const t = o.flags?.kind === "flagList" ? (o.flags.flags.includes("flag_t") ? 1 : 0) : o.flags === null ? 0 : Number(field(o.flags, "flags", env, wild)) & 0xf;
      return { ...base, subtype: "mpTcpRst", flags: t, reason: Number(field(o.reason, "reason", env, wild)) };
    }
    case "mpCapableLegacy":
      throw new ScriptFault("the old mp_capable form is not supported; use mpcapable", o.span);
    default:
      throw new ScriptFault(`unsupported option '${o.kind}'`, o.span);
  }
}

function dssOption(o: ast.Dss, env: ValueEnv, wild: Set<string>): MptcpOption {
  const dack = o.dataAck;
  const dsn = o.dataSeq;
  let out: MptcpOption = {
    kind: "mptcp", subtype: "dss", dataFin: o.fin, dataAck64: dack?.width === 8, dsn64: dsn?.width === 8,
  };
  if (dack) out = { ...out, dataAck: field(dack.value, `dack${dack.width}`, env, wild) };
  if (dsn) {
    // §8.6: an omitted checksum is computed (inbound) or a wildcard (outbound); `nocs` is no
    // checksum. `cksum=0` is the value 0, sent and compared (the fork reads it as `nocs`, which
    // made a zero checksum impossible to inject or to expect; docs/compat.md).
    let cs: bigint | null;
    if (o.checksum === null) {
      wild.add("cksum");
      cs = 0n;
    } else cs = o.checksum.kind === "noChecksum" ? null : field(o.checksum, "cksum", env, wild);
    const m = {
      dsn: field(dsn.value, `dsn${dsn.width}`, env, wild),
      subflowSeq: Number(BigInt.asUintN(32, field(o.subflowSeq, "ssn", env, wild))),
      dataLevelLength: Number(field(o.dataLevelLength, "dll", env, wild)),
    };
    out = { ...out, mapping: cs === null ? m : { ...m, checksum: Number(cs) } };
  }
  return out;
}
