/**
 * The TCP header (RFC 9293 §3.1, with the AE bit of AccECN and the ECE/CWR bits of RFC 3168):
 * offsets, a checked view, the plain-data `TcpRepr`, parse/emit, and the `.pkt` one-line form.
 *
 * The checksum needs the IP pseudo-header, so `emitTcp` writes `repr.checksum ?? 0` and
 * packet.ts fills it in (see `emitPacket`).
 */
import { getU16, getU32, setU16, setU32, sub } from "./bytes.ts";
import { type FormatContext, rel32 } from "./format-context.ts";
import { formatTcpOptions } from "./option-format.ts";
import { type Result, err, ok } from "./result.ts";
import { type SeqNum, seqAdd } from "./seq.ts";
import { type TcpOption, emitTcpOptions, parseTcpOptions, tcpOptionsLen } from "./tcp-options.ts";

/** Byte offsets of the fixed TCP header fields. */
export const TCP_FIELD = {
  srcPort: 0, dstPort: 2, seq: 4, ack: 8, dataOffset: 12, flags: 13, window: 14, checksum: 16, urgent: 18, options: 20,
} as const;

/** Length of the TCP header without options. */
export const TCP_HEADER_LEN = 20;

/** Flag bits as in `TcpRepr.flags` (AE is bit 8, the low bit of byte 12). */
export const TCP_FLAG = {
  FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80, AE: 0x100,
} as const;

/** A TCP header as plain data; the payload travels beside it (see packet.ts). */
export interface TcpRepr {
  readonly kind: "tcp";
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: SeqNum;
  readonly ack: SeqNum;
  /** {@link TCP_FLAG} bits, AE included. */
  readonly flags: number;
  readonly window: number;
  readonly urgent: number;
  readonly options: readonly TcpOption[];
  /** The checksum field as parsed; when emitting, computed unless kept (see packet.ts). */
  readonly checksum?: number;
  /** The three reserved bits of byte 12 (omitted when zero). */
  readonly reserved?: number;
  /** Emit only: a data offset (in 32-bit words) to write instead of the computed one (malformed packets). */
  readonly dataOffset?: number;
}

/** Checked read access to a TCP header in `bytes` (which start at the TCP header). */
export class TcpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks that the fixed header and the data offset fit in `bytes`. */
  static checked(bytes: Uint8Array): Result<TcpView> {
    if (bytes.length < TCP_HEADER_LEN) return err("truncated", 0, "tcp.header");
    const hl = ((bytes[TCP_FIELD.dataOffset] as number) >> 4) * 4;
    if (hl < TCP_HEADER_LEN) return err("bad-length", TCP_FIELD.dataOffset, "tcp.dataOffset");
    if (hl > bytes.length) return err("truncated", TCP_FIELD.dataOffset, "tcp.dataOffset");
    return ok(new TcpView(bytes));
  }

  get srcPort(): number { return getU16(this.bytes, TCP_FIELD.srcPort); }
  get dstPort(): number { return getU16(this.bytes, TCP_FIELD.dstPort); }
  get seq(): SeqNum { return getU32(this.bytes, TCP_FIELD.seq) as SeqNum; }
  get ack(): SeqNum { return getU32(this.bytes, TCP_FIELD.ack) as SeqNum; }
  /** Header length in bytes (data offset × 4). */
  get headerLen(): number { return ((this.bytes[TCP_FIELD.dataOffset] as number) >> 4) * 4; }
  get flags(): number { return (((this.bytes[TCP_FIELD.dataOffset] as number) & 1) << 8) | (this.bytes[TCP_FIELD.flags] as number); }
  get reserved(): number { return ((this.bytes[TCP_FIELD.dataOffset] as number) >> 1) & 7; }
  get window(): number { return getU16(this.bytes, TCP_FIELD.window); }
  get checksum(): number { return getU16(this.bytes, TCP_FIELD.checksum); }
  get urgent(): number { return getU16(this.bytes, TCP_FIELD.urgent); }
  /** The option area (a subarray). */
  get optionBytes(): Uint8Array { return sub(this.bytes, TCP_HEADER_LEN, this.headerLen); }
  /** The payload (a subarray of everything after the header). */
  get payload(): Uint8Array { return sub(this.bytes, this.headerLen); }
}

/** Decodes the TCP header at the start of `bytes` (options included; the payload is `TcpView.payload`). */
export function parseTcp(bytes: Uint8Array): Result<TcpRepr> {
  const v = TcpView.checked(bytes);
  if (!v.ok) return v;
  return tcpReprOf(v.value);
}

/** Builds the {@link TcpRepr} of an already checked view. */
export function tcpReprOf(v: TcpView): Result<TcpRepr> {
  const opts = parseTcpOptions(v.bytes, TCP_HEADER_LEN, v.headerLen);
  if (!opts.ok) return opts;
  const repr: TcpRepr = {
    kind: "tcp", srcPort: v.srcPort, dstPort: v.dstPort, seq: v.seq, ack: v.ack, flags: v.flags,
    window: v.window, urgent: v.urgent, options: opts.value, checksum: v.checksum,
  };
  const reserved = v.reserved;
  return ok(reserved === 0 ? repr : { ...repr, reserved });
}

/** Header length of `repr` in bytes: 20 + options, rounded up to a multiple of 4. */
export function tcpBufferLen(repr: TcpRepr): number {
  return TCP_HEADER_LEN + ((tcpOptionsLen(repr.options) + 3) & ~3);
}

/**
 * Writes the header of `repr` at `buf[at..]` and returns its length ({@link tcpBufferLen}).
 * Options that do not fill a 4-byte multiple are padded with zero bytes; the checksum field is
 * `repr.checksum ?? 0`.
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, at = 0): number {
  const len = tcpBufferLen(repr);
  const doff = repr.dataOffset ?? len / 4;
  setU16(buf, at + TCP_FIELD.srcPort, repr.srcPort);
  setU16(buf, at + TCP_FIELD.dstPort, repr.dstPort);
  setU32(buf, at + TCP_FIELD.seq, repr.seq);
  setU32(buf, at + TCP_FIELD.ack, repr.ack);
  buf[at + TCP_FIELD.dataOffset] = ((doff & 0xf) << 4) | (((repr.reserved ?? 0) & 7) << 1) | ((repr.flags >> 8) & 1);
  buf[at + TCP_FIELD.flags] = repr.flags & 0xff;
  setU16(buf, at + TCP_FIELD.window, repr.window);
  setU16(buf, at + TCP_FIELD.checksum, repr.checksum ?? 0);
  setU16(buf, at + TCP_FIELD.urgent, repr.urgent);
  const n = emitTcpOptions(repr.options, buf, at + TCP_HEADER_LEN);
  buf.fill(0, at + TCP_HEADER_LEN + n, at + len);
  return len;
}

/**
 * The flags in `.pkt` spelling: `F S R P U E W A` in that order, then `.` for ACK (the grammar
 * wants `.` last, pkt-language.md §3.2); `-` when no flag is set.
 */
export function formatTcpFlags(flags: number): string {
  let s = "";
  if (flags & TCP_FLAG.FIN) s += "F";
  if (flags & TCP_FLAG.SYN) s += "S";
  if (flags & TCP_FLAG.RST) s += "R";
  if (flags & TCP_FLAG.PSH) s += "P";
  if (flags & TCP_FLAG.URG) s += "U";
  if (flags & TCP_FLAG.ECE) s += "E";
  if (flags & TCP_FLAG.CWR) s += "W";
  if (flags & TCP_FLAG.AE) s += "A";
  if (flags & TCP_FLAG.ACK) s += ".";
  return s === "" ? "-" : s;
}

/**
 * The TCP part of a `.pkt` line: `S. 0:0(0) ack 1 win 65535 <mss 1460,…>` (pkt-language.md §3.1).
 * `ack N` appears when ACK is set, `urg N` when the urgent pointer is non-zero.
 */
export function formatTcp(repr: TcpRepr, payloadLen: number, ctx: FormatContext = {}): string {
  // One growing string, no parts array: this runs once per packet in `decode`.
  const seq = rel32(repr.seq, ctx.seqBase);
  let s = `${formatTcpFlags(repr.flags)} ${seq}:${seqAdd(seq as SeqNum, payloadLen)}(${payloadLen})`;
  if (repr.flags & TCP_FLAG.ACK) s += ` ack ${rel32(repr.ack, ctx.ackBase)}`;
  if (ctx.window !== false) s += ` win ${repr.window}`;
  if (repr.urgent !== 0) s += ` urg ${repr.urgent}`;
  if (repr.options.length > 0) s += ` ${formatTcpOptions(repr.options, ctx)}`;
  return s;
}
