/**
 * The syntax tree of a `.pkt` script (house-style rule 10): what `grammar/mptcpdrill.peggy`
 * builds, nothing evaluated. Covers the packetdrill language (G) and both MPTCP forks' dialect
 * (F21 and the newest fork), RFC 8684 §3 option forms included as written in scripts.
 *
 * Design rules every consumer relies on:
 * - Every node is `{ kind, …, span }`; `kind` discriminates the unions below.
 * - Numbers keep their source text (`text`) beside the value; integers are `bigint`
 *   (64-bit DSNs and keys), times are `number` seconds.
 * - A WORD where a value may stand is an {@link Identifier} (a define, or a symbol such as
 *   `AF_INET`); substitution happens in the interpreter, never in the parser.
 * - `*` as an option field value is a {@link Wildcard} (`mss *`, `dack8=*`).
 * - Syscall struct literals are generic: `{...}` is a {@link StructExpr} of items, and
 *   `name=value` / `name(arg)=value` are {@link FieldExpr}s, so `sa_family=`, `msg_iov(1)=`,
 *   `cmsg_level=`, `ee_errno=`, `fd=`, `onoff=`, `tv_sec=` … all share one node kind.
 */
import type { Span } from "./span.ts";

// ---------------------------------------------------------------------------------------------
// Script, options, events
// ---------------------------------------------------------------------------------------------

/** A whole script: option lines, then events in source order. */
export interface Script {
  readonly kind: "script";
  /** The file name given to the parser (also in every span). */
  readonly file: string;
  readonly options: readonly OptionLine[];
  /**
   * Events in source order. The init and cleanup commands are the first and last events when
   * they are untimed backtick commands (`time === null`).
   */
  readonly events: readonly Event[];
  readonly span: Span;
}

/** `--name` or `--name=value` at the top of a script. */
export interface OptionLine {
  readonly kind: "option";
  /** The name without the leading `--`. */
  readonly name: string;
  readonly value: OptionValue | null;
  readonly span: Span;
}

/**
 * The value of an option line, kept as a raw string (we accept floats, paths, comma lists,
 * `ipv4-mapped-ipv6`, `NAME=value` …, more than packetdrill does).
 */
export interface OptionValue {
  readonly kind: "optionValue";
  /** Exactly as written after `=`, quotes included. */
  readonly raw: string;
  /** `raw` with the quotes removed when the whole value is one `"…"` or `` `…` `` literal. */
  readonly value: string;
  readonly span: Span;
}

/** One timed (or, for init/cleanup commands, untimed) script event. */
export interface Event {
  readonly kind: "event";
  /** `null` only for an untimed backtick command (the init or cleanup command). */
  readonly time: EventTime | null;
  /** The end time of a blocking syscall (`+0...0.2 accept(...)`), else `null`. */
  readonly blockingEnd: Seconds | null;
  readonly action: Action;
  readonly span: Span;
}

/** A time value in seconds as written (`0`, `.5`, `0.25`, `2`). */
export interface Seconds {
  readonly kind: "seconds";
  readonly text: string;
  readonly value: number;
  readonly span: Span;
}

/** `0.1`: absolute seconds since the script start. */
export interface AbsTime {
  readonly kind: "abs";
  readonly at: Seconds;
  readonly span: Span;
}

/** `+0.1`: relative to the previous event. */
export interface RelTime {
  readonly kind: "rel";
  readonly offset: Seconds;
  readonly span: Span;
}

/** `*`: any time. */
export interface AnyTime {
  readonly kind: "any";
  readonly span: Span;
}

/** `0.3~0.31`: an absolute window. */
export interface AbsRangeTime {
  readonly kind: "absRange";
  readonly start: Seconds;
  readonly end: Seconds;
  readonly span: Span;
}

/** `+0.3~+0.31`: a relative window. */
export interface RelRangeTime {
  readonly kind: "relRange";
  readonly start: Seconds;
  readonly end: Seconds;
  readonly span: Span;
}

/** Every event time form of pkt-language.md §2.1. */
export type EventTime = AbsTime | RelTime | AnyTime | AbsRangeTime | RelRangeTime;

/** What an event does. */
export type Action = Packet | Syscall | Command | Code;

/** A `` `shell command` `` (may span lines). */
export interface Command {
  readonly kind: "command";
  /** The text between the backticks, undecoded. */
  readonly text: string;
  readonly span: Span;
}

/** A `%{ python }%` code block. */
export interface Code {
  readonly kind: "code";
  /** The body with spaces and tabs trimmed at both ends (as packetdrill does). */
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Values shared by packets, options and syscalls
// ---------------------------------------------------------------------------------------------

/** An integer literal: decimal (maybe negative) or `0x` hex. */
export interface IntLiteral {
  readonly kind: "int";
  readonly text: string;
  readonly value: bigint;
  readonly span: Span;
}

/** A floating-point literal (only where the language allows one, e.g. never in packets). */
export interface FloatLiteral {
  readonly kind: "float";
  readonly text: string;
  readonly value: number;
  readonly span: Span;
}

/** A WORD standing for a value: a define or a symbol, resolved later. */
export interface Identifier {
  readonly kind: "ident";
  readonly name: string;
  readonly span: Span;
}

/** `*` as an option field value: any live value is accepted. */
export interface Wildcard {
  readonly kind: "wildcard";
  readonly span: Span;
}

/** `auto` in MPTCP options: packetdrill computes the value. */
export interface Auto {
  readonly kind: "auto";
  readonly span: Span;
}

/** A numeric field in a packet line. */
export type NumValue = IntLiteral | Identifier;

/** A numeric field inside `<…>` options: may also be `*`. */
export type OptValue = IntLiteral | Identifier | Wildcard;

/** A dotted-quad IPv4 address literal. */
export interface Ipv4Address {
  readonly kind: "ipv4";
  readonly text: string;
  readonly span: Span;
}

/** An IPv6 address literal (incl. `::ffff:a.b.c.d`). */
export interface Ipv6Address {
  readonly kind: "ipv6";
  readonly text: string;
  readonly span: Span;
}

/** An IP address literal. */
export type IpAddress = Ipv4Address | Ipv6Address;

/** One `"…"` piece of a string, undecoded (escapes are decoded at evaluation, §1.3). */
export interface StringPart {
  readonly kind: "stringPart";
  readonly raw: string;
  readonly span: Span;
}

/** `"a" "b"` (adjacent pieces concatenate) or `"s"...` (`ellipsis: true`). */
export interface StringExpr {
  readonly kind: "string";
  readonly parts: readonly StringPart[];
  readonly ellipsis: boolean;
  readonly span: Span;
}

/** `fn(arg arg …)` inside MPTCP options: `sha256_32(k)`, `trunc_l64_hmac(a b)`, `trunc_r64_hmac_sha1(5)`. */
export interface HashCall {
  readonly kind: "hashCall";
  readonly fn: string;
  readonly args: readonly NumValue[];
  readonly span: Span;
}

/** `trunc_r64_hmac(k) + 5` or `key + 5`: a base plus an addend. */
export interface PlusValue {
  readonly kind: "plus";
  readonly base: HashCall | Identifier;
  readonly addend: NumValue;
  readonly span: Span;
}

/** `addr[name]`, `addr[name=inet_addr("…")]`, `addr[name=inet6_addr("…")]`. */
export interface AddrRef {
  readonly kind: "addrRef";
  readonly name: string;
  /** The initializer, `null` for a bare `addr[name]`. */
  readonly init: AddrInit | null;
  readonly span: Span;
}

/** The `inet_addr("…")` / `inet6_addr("…")` initializer of an {@link AddrRef}. */
export interface AddrInit {
  readonly kind: "addrInit";
  readonly fn: "inet_addr" | "inet6_addr";
  readonly address: StringExpr;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Packets
// ---------------------------------------------------------------------------------------------

/** A packet line (§3). */
export interface Packet {
  readonly kind: "packet";
  /** `<` is inbound (injected), `>` outbound (the SUT must send it). */
  readonly direction: "inbound" | "outbound";
  /** Outer headers in order, each written `… :`. */
  readonly encaps: readonly Encap[];
  /** `[ect0]`, `(tos 0x4, flowlabel 0x12)` … of the innermost IP header. */
  readonly ipInfo: IpInfo | null;
  /** G: `encap psp spi N`. */
  readonly psp: PspEncap | null;
  readonly body: TcpSegment | UdpDatagram | IcmpMessage | IpProtoPayload;
  readonly span: Span;
}

/** `[x]` or `(x, y)` after the direction or in an IP encapsulation. */
export interface IpInfo {
  readonly kind: "ipInfo";
  readonly bracket: "[" | "(";
  /** In source order; the grammar accepts any comma-separated combination. */
  readonly items: readonly IpInfoItem[];
  readonly span: Span;
}

/** One item of an {@link IpInfo}. */
export type IpInfoItem = EcnCodepoint | TosItem | FlowLabelItem | TtlItem;

/** `noecn`, `ect0`, `ect1`, `ce`, `ect01` (outbound: ECT(0) or ECT(1)). */
export interface EcnCodepoint {
  readonly kind: "ecn";
  readonly codepoint: "noecn" | "ect0" | "ect1" | "ce" | "ect01";
  readonly span: Span;
}

/** `tos 0x..`. */
export interface TosItem {
  readonly kind: "tos";
  readonly value: NumValue;
  readonly span: Span;
}

/** `flowlabel 0x..`. */
export interface FlowLabelItem {
  readonly kind: "flowlabel";
  readonly value: NumValue;
  readonly span: Span;
}

/** `ttl N` (hop limit on IPv6). */
export interface TtlItem {
  readonly kind: "ttl";
  readonly value: NumValue;
  readonly span: Span;
}

/** G: `encap psp spi N`. */
export interface PspEncap {
  readonly kind: "psp";
  readonly spi: NumValue;
  readonly span: Span;
}

/** An outer header of a packet line. */
export type Encap = IpEncap | GreEncap | MplsEncap;

/** `ipv4 [info] A > B :` / `ipv6 [info] A > B :`. */
export interface IpEncap {
  readonly kind: "ipEncap";
  readonly version: "ipv4" | "ipv6";
  readonly ipInfo: IpInfo | null;
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly span: Span;
}

/** `gre :`, `GREv0 :` or `gre flags[…] sum N off N key N seq N :`. */
export interface GreEncap {
  readonly kind: "greEncap";
  readonly keyword: "gre" | "GREv0";
  readonly header: GreHeader | null;
  readonly span: Span;
}

/** `flags[…]|flags N, sum N, off N, key [=] N, seq N` (commas optional). */
export interface GreHeader {
  readonly kind: "greHeader";
  readonly flags: FlagList | NumValue;
  readonly sum: NumValue;
  readonly off: NumValue;
  readonly key: NumValue;
  readonly seq: NumValue;
  readonly span: Span;
}

/** `flags[a, b]` as names (GRE: `none`, `checksum present` → "checksum" …; MPTCP: `flag_h` …). */
export interface FlagList {
  readonly kind: "flagList";
  readonly flags: readonly string[];
  readonly span: Span;
}

/** `mpls (label L, tc T, [S], ttl N) … :`. */
export interface MplsEncap {
  readonly kind: "mplsEncap";
  readonly entries: readonly MplsEntry[];
  readonly span: Span;
}

/** One MPLS label stack entry. */
export interface MplsEntry {
  readonly kind: "mplsEntry";
  readonly label: NumValue;
  readonly tc: NumValue;
  /** `[S]`: bottom of stack. */
  readonly bottom: boolean;
  readonly ttl: NumValue;
  readonly span: Span;
}

/** A TCP segment: `flags start:end(len) [ack N] [win N] [urg N] [<options>]`. */
export interface TcpSegment {
  readonly kind: "tcp";
  readonly tuple: Tuple | null;
  readonly flags: TcpFlags;
  readonly seq: SeqRange;
  readonly ack: NumValue | null;
  readonly win: NumValue | null;
  /** The span of the whole `win N` clause, `null` when there is none. */
  readonly winSpan: Span | null;
  readonly urg: NumValue | null;
  /** `null` when no `<…>` is written. */
  readonly options: TcpOptions | null;
  readonly span: Span;
}

/** The flags as written (`S`, `P.`, `S.5`, `SEWA`, `.`, `-`); meaning is checked later. */
export interface TcpFlags {
  readonly kind: "flags";
  readonly text: string;
  readonly span: Span;
}

/** `start:end(len)`. */
export interface SeqRange {
  readonly kind: "seqRange";
  readonly start: NumValue;
  readonly end: NumValue;
  readonly length: NumValue;
  readonly span: Span;
}

/** `udp [tuple] (N)`. */
export interface UdpDatagram {
  readonly kind: "udp";
  readonly tuple: Tuple | null;
  readonly length: NumValue;
  readonly span: Span;
}

/**
 * `ipproto N (len)`: an IP payload of another protocol (not TCP, UDP or ICMP), as src/wire's
 * one-line dump prints it; `length` is the payload size in bytes.
 */
export interface IpProtoPayload {
  readonly kind: "ipproto";
  readonly protocol: NumValue;
  readonly length: NumValue;
  readonly span: Span;
}

/** `icmp TYPE [CODE] [mtu N] [id N] [echoed]`. */
export interface IcmpMessage {
  readonly kind: "icmp";
  /** A type name (`unreachable`, `type_3`) or a define. */
  readonly type: Identifier;
  readonly code: Identifier | null;
  readonly mtu: NumValue | null;
  readonly id: NumValue | null;
  readonly echoed: IcmpEchoed | null;
  readonly span: Span;
}

/** `[s:e(l)]`, `[udp (N)]` or `[raw (N)]` after an ICMP message. */
export type IcmpEchoed =
  | { readonly kind: "echoedTcp"; readonly seq: SeqRange; readonly span: Span }
  | { readonly kind: "echoedUdp"; readonly length: NumValue; readonly span: Span }
  | { readonly kind: "echoedRaw"; readonly length: NumValue; readonly span: Span };

/** `src > dst`, either side optional (G: ports; F21: endpoints). */
export interface Tuple {
  readonly kind: "tuple";
  readonly src: Endpoint | null;
  readonly dst: Endpoint | null;
  readonly span: Span;
}

/** One side of a {@link Tuple}. */
export type Endpoint = PortEndpoint | HostPortEndpoint | AddrRef;

/** A bare port. */
export interface PortEndpoint {
  readonly kind: "port";
  readonly port: NumValue;
  readonly span: Span;
}

/** `IP:PORT`. */
export interface HostPortEndpoint {
  readonly kind: "hostPort";
  readonly address: IpAddress;
  readonly port: NumValue;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// TCP options
// ---------------------------------------------------------------------------------------------

/** `<opt, opt, …>` or `<...>` (options unchecked). */
export type TcpOptions = TcpOptionList | AnyOptions;

/** `<opt, opt, …>`. */
export interface TcpOptionList {
  readonly kind: "optionList";
  readonly options: readonly TcpOption[];
  readonly span: Span;
}

/** `<...>`. */
export interface AnyOptions {
  readonly kind: "anyOptions";
  readonly span: Span;
}

/** Every option form of §4 and §8. */
export type TcpOption =
  | SimpleOption
  | ValueOption
  | SackOption
  | TimestampOption
  | CookieOption
  | AccEcnOption
  | UnknownOption
  | MptcpOption;

/** `nop`, `eol`, `sackOK`. */
export interface SimpleOption {
  readonly kind: "nop" | "eol" | "sackOK";
  readonly span: Span;
}

/** `mss N`, `wscale N`. */
export interface ValueOption {
  readonly kind: "mss" | "wscale";
  readonly value: OptValue;
  readonly span: Span;
}

/** `sack L:R L:R …`. */
export interface SackOption {
  readonly kind: "sack";
  readonly blocks: readonly SackBlock[];
  readonly span: Span;
}

/** One `L:R` SACK block. */
export interface SackBlock {
  readonly kind: "sackBlock";
  readonly left: OptValue;
  readonly right: OptValue;
  readonly span: Span;
}

/** `TS val V ecr E`. */
export interface TimestampOption {
  readonly kind: "timestamp";
  readonly val: OptValue;
  readonly ecr: OptValue;
  readonly span: Span;
}

/**
 * `FO [cookie]` (kind 34), `FOEXP [cookie]` (kind 254), `md5 hex` (kind 19). The cookie is the
 * WORD or INTEGER token as written: an Identifier (a define or hex text) or an IntLiteral
 * (digits only; use `text`, leading zeros matter).
 */
export interface CookieOption {
  readonly kind: "fastOpen" | "fastOpenExp" | "md5";
  readonly cookie: Identifier | IntLiteral | null;
  readonly span: Span;
}

/** G: `ECN e0b N ceb N e1b N` (AccECN; field order as written, trailing fields omittable). */
export interface AccEcnOption {
  readonly kind: "accEcn";
  readonly fields: readonly AccEcnField[];
  readonly span: Span;
}

/** `0x…` option bytes as written (`text` without the `0x`, leading zeros kept; may be empty). */
export interface HexBytes {
  readonly kind: "hexBytes";
  readonly text: string;
  readonly span: Span;
}

/**
 * `unknown K [0xHEX]`: an option of any kind K (0-255) with these bytes after its kind and length
 * bytes (the length is 2 + bytes). The dump's spelling for kinds it cannot name.
 */
export interface UnknownOption {
  readonly kind: "unknownOption";
  readonly type: NumValue;
  readonly data: HexBytes | null;
  readonly span: Span;
}

/** One AccECN counter field. */
export interface AccEcnField {
  readonly kind: "accEcnField";
  readonly name: "e0b" | "ceb" | "e1b";
  readonly value: OptValue;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// MPTCP options (RFC 8684 §3; pkt-language.md §8)
// ---------------------------------------------------------------------------------------------

/** Every MPTCP option form (kind 30). */
export type MptcpOption =
  | MpCapable
  | MpCapableLegacy
  | MpJoinSyn
  | MpJoinSynAck
  | MpJoinAck
  | Dss
  | AddAddress
  | RemoveAddress
  | MpPrio
  | MpFail
  | MpFastclose
  | MpReset
  | MptcpUnknown;

/** A key variable: `name` or `name=N`. */
export interface MptcpVar {
  readonly kind: "mptcpVar";
  readonly name: string;
  /** The script-assigned value, `null` when the name binds on first use. */
  readonly value: OptValue | null;
  readonly span: Span;
}

/**
 * `mpcapable vN|none flags[…]|flags N nokey|key[a]|key[a, b] [mpcdatalen N] [cksum=N]`
 * (RFC 8684 §3.1). Scripts write `v0` or `v1`; dumps print any 4-bit version.
 */
export interface MpCapable {
  readonly kind: "mpCapable";
  readonly version: `v${number}` | "none";
  /** The span of the version word. */
  readonly versionSpan: Span;
  readonly flags: FlagList | OptValue;
  /** Empty for `nokey`; one or two keys for `key[…]`. */
  readonly keys: readonly MptcpVar[];
  readonly noKey: boolean;
  readonly dataLength: OptValue | null;
  /** `cksum=N`: the DSS checksum of the 24-byte form (a dump spelling; not in the fork). */
  readonly checksum: OptValue | null;
  readonly span: Span;
}

/** Old v0 form: `mp_capable|mp_capable_no_cs VAR [VAR2] [flag_a] … [flag_h] [no_flags]`. */
export interface MpCapableLegacy {
  readonly kind: "mpCapableLegacy";
  readonly keyword: "mp_capable" | "mp_capable_no_cs";
  readonly sender: MptcpVar;
  readonly receiver: MptcpVar | null;
  readonly flags: readonly string[];
  readonly span: Span;
}

/** `token=N | sha256_32(VAR) | sha1_32(VAR) | auto`. */
export type JoinToken = OptValue | HashCall | Auto;

/** `sender_hmac=…` or `token=auto` (the fork's spelling for an automatic HMAC). */
export interface JoinHmac {
  readonly kind: "joinHmac";
  readonly field: "sender_hmac" | "token";
  readonly value: Auto | HashCall | OptValue;
  readonly span: Span;
}

/** `mp_join_syn [backup=B] [address_id=N|auto] token=… [rand=N]` (RFC 8684 §3.2). */
export interface MpJoinSyn {
  readonly kind: "mpJoinSyn";
  readonly backup: OptValue | null;
  readonly addressId: OptValue | Auto | null;
  readonly token: JoinToken;
  readonly rand: OptValue | null;
  /** `rsv=N`: the reserved bits (3 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_join_syn_ack [backup=B] [address_id=N|auto] HMAC [rand=N]`. */
export interface MpJoinSynAck {
  readonly kind: "mpJoinSynAck";
  readonly backup: OptValue | null;
  readonly addressId: OptValue | Auto | null;
  readonly hmac: JoinHmac;
  readonly rand: OptValue | null;
  /** `rsv=N`: the reserved bits (3 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_join_ack HMAC`. */
export interface MpJoinAck {
  readonly kind: "mpJoinAck";
  readonly hmac: JoinHmac;
  /** `rsv=N`: the reserved bits (12 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** A DSS/MP_FAIL value: `N`, `*`, a define, `trunc_r64_hmac(VAR) [+ N]`, `trunc_r64_hmac_sha1(N)` …. */
export type DssValue = OptValue | HashCall | PlusValue;

/** `dack4[=V]`, `dack8[=V]`, `dsn4[=V]`, `dsn8[=V]`. */
export interface DssNumber {
  readonly kind: "dssNumber";
  readonly width: 4 | 8;
  /** `null` for a bare `dack8` / `dsn8`. */
  readonly value: DssValue | null;
  readonly span: Span;
}

/** `dss [DACK] [DSN] [ssn=N] [dll=N] [nocs | cksum=N] [fin] [rsv=N]` (RFC 8684 §3.3). */
export interface Dss {
  readonly kind: "dss";
  readonly dataAck: DssNumber | null;
  readonly dataSeq: DssNumber | null;
  readonly subflowSeq: OptValue | null;
  readonly dataLevelLength: OptValue | null;
  /** `nocs` → `{kind:"noChecksum"}`; `cksum=N` → the value; absent → `null`. */
  readonly checksum: NoChecksum | OptValue | null;
  readonly fin: boolean;
  /** `rsv=N`: the reserved bits (7 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `nocs`: no DSS checksum. */
export interface NoChecksum {
  readonly kind: "noChecksum";
  readonly span: Span;
}

/**
 * `add_address [address_id=N|auto] ADDR [port=P] [addr_echo] [hmac=auto|N] [rsv=N]` (RFC 8684
 * §3.4.1). Scripts write exactly one of `addr_echo` and `hmac=`; a dump may show both (an echo
 * that carries an HMAC) or neither (an RFC 6824 ADD_ADDR).
 */
export interface AddAddress {
  readonly kind: "addAddress";
  readonly addressId: OptValue | Auto | null;
  readonly address: AddrRef;
  readonly port: OptValue | null;
  /** `addr_echo`: the E bit. */
  readonly echo: AddrEcho | null;
  /** `hmac=…`, `null` when not written. */
  readonly hmac: Auto | OptValue | null;
  /** `rsv=N`: the reserved bits (3 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `addr_echo`: the E bit, no HMAC. */
export interface AddrEcho {
  readonly kind: "addrEcho";
  readonly span: Span;
}

/** `remove_address address_id=[1, 2] [rsv=N]` (RFC 8684 §3.4.2); a dump may print `[]`. */
export interface RemoveAddress {
  readonly kind: "removeAddress";
  readonly addressIds: readonly OptValue[];
  /** `rsv=N`: the reserved bits (4 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_prio [backup=B] [address_id=N]` (RFC 8684 §3.3.8). */
export interface MpPrio {
  readonly kind: "mpPrio";
  readonly backup: OptValue | null;
  readonly addressId: OptValue | Auto | null;
  /** `rsv=N`: the reserved bits (3 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_fail [dsn8=V]` (RFC 8684 §3.7). */
export interface MpFail {
  readonly kind: "mpFail";
  readonly dataSeq: DssNumber | null;
  /** `rsv=N`: the reserved bits (12 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_fastclose [VAR | VAR=N] [+ N]` (RFC 8684 §3.5). */
export interface MpFastclose {
  readonly kind: "mpFastclose";
  readonly key: MptcpVar | null;
  readonly addend: NumValue | null;
  /** `rsv=N`: the reserved bits (12 bits). */
  readonly reserved: OptValue | null;
  readonly span: Span;
}

/** `mp_reset R [flags[flag_t|no_flags] | flags N]` (MP_TCPRST, RFC 8684 §3.6; N is 4 bits). */
export interface MpReset {
  readonly kind: "mpReset";
  readonly reason: OptValue;
  readonly flags: FlagList | OptValue | null;
  readonly span: Span;
}

/** `mptcp_unknown 0xHEX`: a kind-30 option with these bytes after its kind and length bytes. */
export interface MptcpUnknown {
  readonly kind: "mptcpUnknown";
  readonly data: HexBytes;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// System calls
// ---------------------------------------------------------------------------------------------

/** `name(args) = result [ERRNO (text)] [(note)]` (§6). */
export interface Syscall {
  readonly kind: "syscall";
  readonly name: string;
  readonly args: readonly Expr[];
  /** The span of `name(args)` alone (`span` also covers `= result` and what follows). */
  readonly callSpan: Span;
  readonly result: Expr;
  readonly errno: Errno | null;
  /** The free text of a trailing `(…)` note, e.g. `flags O_RDWR`. */
  readonly note: string | null;
  readonly span: Span;
}

/** `ENAME (description)`: the expected errno. */
export interface Errno {
  readonly kind: "errno";
  readonly name: string;
  /** The text in parentheses after the name (required by the grammar, never checked). */
  readonly description: string;
  readonly span: Span;
}

/** Every syscall expression form. */
export type Expr =
  | EllipsisExpr
  | IntLiteral
  | Identifier
  | StringExpr
  | BinaryExpr
  | FieldExpr
  | ListExpr
  | StructExpr
  | CallExpr
  | MplsStackExpr
  | GreHeader;

/** `...`: packetdrill chooses. */
export interface EllipsisExpr {
  readonly kind: "ellipsis";
  readonly span: Span;
}

/** `a | b` (left-associative). */
export interface BinaryExpr {
  readonly kind: "binary";
  readonly op: "|";
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** `name=value` or `name(arg)=value` (`msg_name(...)=...`, `msg_iov(1)=[…]`). */
export interface FieldExpr {
  readonly kind: "field";
  readonly name: string;
  readonly arg: Expr | null;
  readonly value: Expr;
  readonly span: Span;
}

/** `[a, b]` (also `[v]`, a pointer to one int). */
export interface ListExpr {
  readonly kind: "list";
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** `{a, b}`: any struct literal (sockaddr, msghdr, iovec, cmsg, pollfd, linger, timeval …). */
export interface StructExpr {
  readonly kind: "struct";
  readonly items: readonly Expr[];
  readonly span: Span;
}

/** `htons(N)`, `inet_addr("…")`, `inet6_addr("…")`. */
export interface CallExpr {
  readonly kind: "call";
  readonly fn: "htons" | "inet_addr" | "inet6_addr";
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** `{(label L, tc T, [S], ttl N) …}`. */
export interface MplsStackExpr {
  readonly kind: "mplsStack";
  readonly entries: readonly MplsEntry[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Any AST node. */
export type Node =
  | Script
  | OptionLine
  | OptionValue
  | Event
  | EventTime
  | Seconds
  | Action
  | Expr
  | TcpOption
  | Encap
  | IpInfo
  | IpInfoItem;

/** True for the properties that hold positions: `span` and the extra `…Span` ones (`callSpan`, `winSpan`). */
function isSpanKey(key: string): boolean {
  return key === "span" || key.endsWith("Span");
}

/** A value with every `span` and `…Span` property removed, recursively (for tests). */
export type WithoutSpans<T> = T extends bigint | string | number | boolean | null
  ? T
  : T extends readonly (infer E)[]
    ? WithoutSpans<E>[]
    : { [K in keyof T as K extends "span" | `${string}Span` ? never : K]: WithoutSpans<T[K]> };

/** Returns a deep copy of `node` without `span`/`…Span` properties, for comparing ASTs in tests. */
export function stripSpans<T>(node: T): WithoutSpans<T> {
  if (Array.isArray(node)) return node.map((n: unknown) => stripSpans(n)) as WithoutSpans<T>;
  if (node === null || typeof node !== "object") return node as WithoutSpans<T>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!isSpanKey(k)) out[k] = stripSpans(v);
  }
  return out as WithoutSpans<T>;
}
