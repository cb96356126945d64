/**
 * The UDP header (RFC 768): offsets, a checked view, `UdpRepr`, parse/emit and the `.pkt` form
 * `udp (N)`. The checksum needs the IP pseudo-header and is filled in by packet.ts.
 */
import { getU16, setU16, sub } from "./bytes.ts";
import { type Result, err, ok } from "./result.ts";

/** Byte offsets of the UDP header fields. */
export const UDP_FIELD = { srcPort: 0, dstPort: 2, length: 4, checksum: 6 } as const;

/** Length of the UDP header. */
export const UDP_HEADER_LEN = 8;

/** A UDP header as plain data; the payload travels beside it. */
export interface UdpRepr {
  readonly kind: "udp";
  readonly srcPort: number;
  readonly dstPort: number;
  /** Length field (header + payload) as parsed; computed when emitting unless kept. */
  readonly length?: number;
  /** Checksum as parsed; computed when emitting unless kept. */
  readonly checksum?: number;
}

/** Checked read access to a UDP header at the start of `bytes`. */
export class UdpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks that the header fits and that the length field is within 8..bytes.length. */
  static checked(bytes: Uint8Array): Result<UdpView> {
    if (bytes.length < UDP_HEADER_LEN) return err("truncated", 0, "udp.header");
    const len = getU16(bytes, UDP_FIELD.length);
    if (len < UDP_HEADER_LEN) return err("bad-length", UDP_FIELD.length, "udp.length");
    if (len > bytes.length) return err("truncated", UDP_FIELD.length, "udp.length");
    return ok(new UdpView(bytes));
  }

  get srcPort(): number { return getU16(this.bytes, UDP_FIELD.srcPort); }
  get dstPort(): number { return getU16(this.bytes, UDP_FIELD.dstPort); }
  get length(): number { return getU16(this.bytes, UDP_FIELD.length); }
  get checksum(): number { return getU16(this.bytes, UDP_FIELD.checksum); }
  /** The payload per the length field. */
  get payload(): Uint8Array { return sub(this.bytes, UDP_HEADER_LEN, this.length); }
}

/** Decodes the UDP header at the start of `bytes`. */
export function parseUdp(bytes: Uint8Array): Result<UdpRepr> {
  const c = UdpView.checked(bytes);
  if (!c.ok) return c;
  const v = c.value;
  return ok({ kind: "udp", srcPort: v.srcPort, dstPort: v.dstPort, length: v.length, checksum: v.checksum });
}

/** Always 8. */
export function udpBufferLen(_repr: UdpRepr): number {
  return UDP_HEADER_LEN;
}

/** Writes the header at `buf[at..]` for `payloadLen` payload bytes (length computed unless `keepLength`). */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, at: number, payloadLen: number, keepLength = false): number {
  setU16(buf, at + UDP_FIELD.srcPort, repr.srcPort);
  setU16(buf, at + UDP_FIELD.dstPort, repr.dstPort);
  setU16(buf, at + UDP_FIELD.length, keepLength && repr.length !== undefined ? repr.length : UDP_HEADER_LEN + payloadLen);
  setU16(buf, at + UDP_FIELD.checksum, repr.checksum ?? 0);
  return UDP_HEADER_LEN;
}

/** `udp (N)`, or `udp 53 > 40000 (N)` with `ports` (pkt-language.md §3.1, §3.3). */
export function formatUdp(repr: UdpRepr, payloadLen: number, tuple?: string): string {
  return tuple ? `udp ${tuple} (${payloadLen})` : `udp (${payloadLen})`;
}
