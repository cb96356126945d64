/**
 * The canonical text of each AST node, for the formatter (fmt.ts): the inverse of the grammar,
 * with one space between tokens and `, ` between list items. Numbers, names, strings and
 * commands are printed exactly as written (their `text`/`raw`), so reparsing gives the same AST.
 */
import type {
  Action, AddrRef, Encap, Endpoint, Expr, FlagList, HashCall, IcmpEchoed, IpInfo, IpInfoItem, JoinHmac,
  MplsEntry, MptcpOption, MptcpVar, Packet, PlusValue, SeqRange, StringExpr, Syscall, TcpOption, TcpOptions,
  TcpSegment, Tuple, GreHeader, DssNumber, Auto, OptValue, IcmpMessage, UdpDatagram, IpProtoPayload, HexBytes,
} from "./ast.ts";

/** A value that prints as itself: numbers keep their text, names their name. */
type Value = OptValue | Auto | HashCall | PlusValue | AddrRef | MptcpVar | FlagList;

const opt = (prefix: string, v: Value | null): string[] => (v === null ? [] : [`${prefix}${printValue(v)}`]);

const hex = (h: HexBytes): string => `0x${h.text}`;

/** Prints a value of an option or packet field. */
export function printValue(v: Value): string {
  switch (v.kind) {
    case "int":
      return v.text;
    case "ident":
      return v.name;
    case "wildcard":
      return "*";
    case "auto":
      return "auto";
    case "hashCall":
      return `${v.fn}(${v.args.map(printValue).join(" ")})`;
    case "plus":
      return `${printValue(v.base)} + ${printValue(v.addend)}`;
    case "addrRef":
      return `addr[${v.name}${v.init === null ? "" : `=${v.init.fn}(${printString(v.init.address)})`}]`;
    case "mptcpVar":
      return v.value === null ? v.name : `${v.name}=${printValue(v.value)}`;
    case "flagList":
      return `flags[${v.flags.join(", ")}]`;
  }
}

function printString(s: StringExpr): string {
  return s.parts.map((p) => `"${p.raw}"`).join(" ") + (s.ellipsis ? "..." : "");
}

function printIpInfoItem(item: IpInfoItem): string {
  return item.kind === "ecn" ? item.codepoint : `${item.kind} ${printValue(item.value)}`;
}

function printIpInfo(info: IpInfo): string {
  const close = info.bracket === "[" ? "]" : ")";
  return `${info.bracket}${info.items.map(printIpInfoItem).join(", ")}${close}`;
}

const GRE_FLAG_TEXT: Readonly<Record<string, string>> = { checksum: "checksum present", key: "key present", sequence: "sequence# present" };

function printGreHeader(h: GreHeader): string {
  const flags = h.flags.kind === "flagList" ? `flags[${h.flags.flags.map((f) => GRE_FLAG_TEXT[f] ?? f).join(", ")}]` : `flags ${printValue(h.flags)}`;
  return `${flags}, sum ${printValue(h.sum)}, off ${printValue(h.off)}, key ${printValue(h.key)}, seq ${printValue(h.seq)}`;
}

function printMplsEntry(e: MplsEntry): string {
  return `(label ${printValue(e.label)}, tc ${printValue(e.tc)}, ${e.bottom ? "[S], " : ""}ttl ${printValue(e.ttl)})`;
}

function printEncap(e: Encap): string {
  switch (e.kind) {
    case "ipEncap":
      return [e.version, ...(e.ipInfo ? [printIpInfo(e.ipInfo)] : []), e.src.text, ">", e.dst.text, ":"].join(" ");
    case "greEncap":
      return [e.keyword, ...(e.header ? [printGreHeader(e.header)] : []), ":"].join(" ");
    case "mplsEncap":
      return ["mpls", ...e.entries.map(printMplsEntry), ":"].join(" ");
  }
}

function printEndpoint(e: Endpoint): string {
  if (e.kind === "port") return printValue(e.port);
  if (e.kind === "hostPort") return `${e.address.text}:${printValue(e.port)}`;
  return printValue(e);
}

function printTuple(t: Tuple): string {
  return [...(t.src ? [printEndpoint(t.src)] : []), ">", ...(t.dst ? [printEndpoint(t.dst)] : [])].join(" ");
}

function printSeq(s: SeqRange): string {
  return `${printValue(s.start)}:${printValue(s.end)}(${printValue(s.length)})`;
}

function printDssNumber(name: string, n: DssNumber | null): string[] {
  if (n === null) return [];
  return [`${name}${n.width}${n.value === null ? "" : `=${printValue(n.value)}`}`];
}

function printJoinHmac(h: JoinHmac): string {
  return `${h.field}=${printValue(h.value)}`;
}

/** Prints one MPTCP option (pkt-language.md §8). */
function printMptcpOption(o: MptcpOption): string {
  const words = ((): string[] => {
    switch (o.kind) {
      case "mpCapable": {
        const flags = o.flags.kind === "flagList" ? printValue(o.flags) : `flags ${printValue(o.flags)}`;
        const keys = o.noKey ? "nokey" : `key[${o.keys.map(printValue).join(", ")}]`;
        return ["mpcapable", o.version, flags, keys, ...opt("mpcdatalen ", o.dataLength), ...opt("cksum=", o.checksum)];
      }
      case "mpCapableLegacy":
        return [o.keyword, printValue(o.sender), ...opt("", o.receiver), ...o.flags];
      case "mpJoinSyn":
        return ["mp_join_syn", ...opt("backup=", o.backup), ...opt("address_id=", o.addressId), `token=${printValue(o.token)}`, ...opt("rand=", o.rand), ...opt("rsv=", o.reserved)];
      case "mpJoinSynAck":
        return ["mp_join_syn_ack", ...opt("backup=", o.backup), ...opt("address_id=", o.addressId), printJoinHmac(o.hmac), ...opt("rand=", o.rand), ...opt("rsv=", o.reserved)];
      case "mpJoinAck":
        return ["mp_join_ack", printJoinHmac(o.hmac), ...opt("rsv=", o.reserved)];
      case "dss": {
        const checksum = o.checksum === null ? [] : o.checksum.kind === "noChecksum" ? ["nocs"] : [`cksum=${printValue(o.checksum)}`];
        return ["dss", ...printDssNumber("dack", o.dataAck), ...printDssNumber("dsn", o.dataSeq), ...opt("ssn=", o.subflowSeq),
          ...opt("dll=", o.dataLevelLength), ...checksum, ...(o.fin ? ["fin"] : []), ...opt("rsv=", o.reserved)];
      }
      case "addAddress":
        return ["add_address", ...opt("address_id=", o.addressId), printValue(o.address), ...opt("port=", o.port),
          ...(o.echo === null ? [] : ["addr_echo"]), ...opt("hmac=", o.hmac), ...opt("rsv=", o.reserved)];
      case "removeAddress":
        return ["remove_address", `address_id=[${o.addressIds.map(printValue).join(", ")}]`, ...opt("rsv=", o.reserved)];
      case "mpPrio":
        return ["mp_prio", ...opt("backup=", o.backup), ...opt("address_id=", o.addressId), ...opt("rsv=", o.reserved)];
      case "mpFail":
        return ["mp_fail", ...printDssNumber("dsn", o.dataSeq), ...opt("rsv=", o.reserved)];
      case "mpFastclose":
        return ["mp_fastclose", ...opt("", o.key), ...(o.addend === null ? [] : ["+", printValue(o.addend)]), ...opt("rsv=", o.reserved)];
      case "mpReset": {
        const flags = o.flags === null ? [] : o.flags.kind === "flagList" ? [printValue(o.flags)] : [`flags ${printValue(o.flags)}`];
        return ["mp_reset", printValue(o.reason), ...flags];
      }
      case "mptcpUnknown":
        return ["mptcp_unknown", hex(o.data)];
    }
  })();
  return words.join(" ");
}

/** Prints one TCP option (pkt-language.md §4). */
export function printOption(o: TcpOption): string {
  switch (o.kind) {
    case "nop":
    case "eol":
    case "sackOK":
      return o.kind;
    case "mss":
    case "wscale":
      return `${o.kind} ${printValue(o.value)}`;
    case "sack":
      return ["sack", ...o.blocks.map((b) => `${printValue(b.left)}:${printValue(b.right)}`)].join(" ");
    case "timestamp":
      return `TS val ${printValue(o.val)} ecr ${printValue(o.ecr)}`;
    case "fastOpen":
    case "fastOpenExp":
    case "md5": {
      const name = o.kind === "fastOpen" ? "FO" : o.kind === "fastOpenExp" ? "FOEXP" : "md5";
      return o.cookie === null ? name : `${name} ${printValue(o.cookie)}`;
    }
    case "accEcn":
      return ["ECN", ...o.fields.map((f) => `${f.name} ${printValue(f.value)}`)].join(" ");
    case "unknownOption":
      return ["unknown", printValue(o.type), ...(o.data === null ? [] : [hex(o.data)])].join(" ");
    default:
      return printMptcpOption(o);
  }
}

function printOptions(o: TcpOptions): string {
  return o.kind === "anyOptions" ? "<...>" : `<${o.options.map(printOption).join(", ")}>`;
}

function printTcp(t: TcpSegment): string[] {
  return [
    ...(t.tuple ? [printTuple(t.tuple)] : []),
    t.flags.text,
    printSeq(t.seq),
    ...opt("ack ", t.ack),
    ...opt("win ", t.win),
    ...opt("urg ", t.urg),
    ...(t.options ? [printOptions(t.options)] : []),
  ];
}

function printEchoed(e: IcmpEchoed): string {
  if (e.kind === "echoedTcp") return `[${printSeq(e.seq)}]`;
  return `[${e.kind === "echoedUdp" ? "udp" : "raw"} (${printValue(e.length)})]`;
}

function printIcmp(m: IcmpMessage): string[] {
  return ["icmp", m.type.name, ...opt("", m.code), ...opt("mtu ", m.mtu), ...opt("id ", m.id), ...(m.echoed ? [printEchoed(m.echoed)] : [])];
}

function printUdp(u: UdpDatagram): string[] {
  return ["udp", ...(u.tuple ? [printTuple(u.tuple)] : []), `(${printValue(u.length)})`];
}

function printIpProto(b: IpProtoPayload): string[] {
  return ["ipproto", printValue(b.protocol), `(${printValue(b.length)})`];
}

function printBody(b: Packet["body"]): string[] {
  switch (b.kind) {
    case "tcp": return printTcp(b);
    case "udp": return printUdp(b);
    case "icmp": return printIcmp(b);
    case "ipproto": return printIpProto(b);
  }
}

/** Prints a packet line without its time. */
export function printPacket(p: Packet): string {
  const body = printBody(p.body);
  return [
    p.direction === "inbound" ? "<" : ">",
    ...p.encaps.map(printEncap),
    ...(p.ipInfo ? [printIpInfo(p.ipInfo)] : []),
    ...(p.psp ? [`encap psp spi ${printValue(p.psp.spi)}`] : []),
    ...body,
  ].join(" ");
}

/** Prints a syscall expression (pkt-language.md §6.2). */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "ellipsis":
      return "...";
    case "int":
      return e.text;
    case "ident":
      return e.name;
    case "string":
      return printString(e);
    case "binary":
      return `${printExpr(e.left)}|${printExpr(e.right)}`;
    case "field":
      return `${e.name}${e.arg === null ? "" : `(${printExpr(e.arg)})`}=${printExpr(e.value)}`;
    case "list":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "struct":
      return `{${e.items.map(printExpr).join(", ")}}`;
    case "call":
      return `${e.fn}(${e.args.map(printExpr).join(", ")})`;
    case "mplsStack":
      return `{${e.entries.map(printMplsEntry).join(" ")}}`;
    case "greHeader":
      return `{${printGreHeader(e)}}`;
  }
}

/** Prints a syscall line without its time: `name(args) = result [ERRNO (text)] [(note)]`. */
export function printSyscall(s: Syscall): string {
  const errno = s.errno === null ? [] : [s.errno.name, ...(s.errno.description === null ? [] : [`(${s.errno.description})`])];
  const note = s.note === null ? [] : [`(${s.note})`];
  return [`${s.name}(${s.args.map(printExpr).join(", ")})`, "=", printExpr(s.result), ...errno, ...note].join(" ");
}

/** Prints an event's action without its time. */
export function printAction(a: Action): string {
  switch (a.kind) {
    case "packet":
      return printPacket(a);
    case "syscall":
      return printSyscall(a);
    case "command":
      return `\`${a.text}\``;
    case "code": {
      const open = a.text.startsWith("\n") ? "%{" : "%{ ";
      const close = a.text.endsWith("\n") ? "}%" : " }%";
      return `${open}${a.text}${close}`;
    }
  }
}
