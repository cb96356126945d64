/**
 * Script-like helpers for stack tests (house-style rule 22): `send(host, t, seg)` injects a
 * segment from the remote peer, `recv(host, t, [...])` polls the host and checks what it emits,
 * `recvNothing(host, t)` checks silence. Segments are written as templates; only the fields a
 * template names are compared.
 */
import { expect } from "chai";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { toHex } from "../../../src/wire/bytes.ts";
import { type SeqNum, seqNum } from "../../../src/wire/seq.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import { TCP_FLAG, formatTcpFlags } from "../../../src/wire/tcp.ts";
import type { Host } from "../../../src/stack/host.ts";
import { type Segment, decodeSegment, encodeSegment } from "../../../src/stack/segment.ts";

export const LOCAL_IP = "192.168.0.1";
export const REMOTE_IP = "192.168.0.2";
export const LOCAL_PORT = 8080;
export const REMOTE_PORT = 40000;
export const F = TCP_FLAG;

/** A segment as a test writes it. */
export interface SegTemplate {
  readonly flags: number;
  readonly seq: number;
  readonly ack?: number;
  readonly window?: number;
  readonly options?: readonly TcpOption[];
  readonly payload?: Uint8Array | string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly src?: string;
  readonly dst?: string;
}

function bytesOf(p: Uint8Array | string | undefined): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  return typeof p === "string" ? new TextEncoder().encode(p) : p;
}

function ip(text: string): Uint8Array {
  const a = parseIpAddress(text);
  if (!a) throw new Error(text);
  return a;
}

/** Builds the remote peer's segment to the host. */
export function segment(t: SegTemplate): Segment {
  return {
    src: ip(t.src ?? REMOTE_IP), dst: ip(t.dst ?? LOCAL_IP), payload: bytesOf(t.payload),
    tcp: {
      kind: "tcp", srcPort: t.srcPort ?? REMOTE_PORT, dstPort: t.dstPort ?? LOCAL_PORT, seq: seqNum(t.seq),
      ack: seqNum(t.ack ?? 0), flags: t.flags | (t.ack !== undefined ? F.ACK : 0), window: t.window ?? 64240, urgent: 0, options: t.options ?? [],
    },
  };
}

/** Injects `seg` into `host` at time `t` (µs). */
export function send(host: Host, t: number, seg: SegTemplate): void {
  host.receive(t, encodeSegment(segment(seg)));
}

/** Polls `host` at `t` and returns the decoded segments it emitted. */
export function pollSegments(host: Host, t: number): Segment[] {
  const out: Segment[] = [];
  host.poll(t, (b) => {
    const d = decodeSegment(b);
    if (!d.ok) throw new Error(`host emitted an undecodable packet: ${d.why}`);
    out.push(d.seg);
  });
  return out;
}

/** Options without the EOL/NOP bytes that pad them to a 4-byte multiple at the end. */
function withoutPadding(opts: readonly TcpOption[]): TcpOption[] {
  const out = opts.filter((x) => x.kind !== "eol");
  while (out.length > 0 && out[out.length - 1]?.kind === "nop") out.pop();
  return out;
}

/** The fields of `seg` that `t` names, in comparable form. */
function project(seg: Segment, t: SegTemplate): Record<string, unknown> {
  const o: Record<string, unknown> = { flags: formatTcpFlags(seg.tcp.flags), seq: seg.tcp.seq };
  if (t.ack !== undefined) o["ack"] = seg.tcp.ack;
  if (t.window !== undefined) o["window"] = seg.tcp.window;
  if (t.options !== undefined) o["options"] = withoutPadding(seg.tcp.options).map(stripChecksum);
  o["payload"] = toHex(seg.payload);
  return o;
}

function stripChecksum(o: TcpOption): unknown {
  return JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? toHex(v) : v)));
}

function expected(t: SegTemplate): Record<string, unknown> {
  const o: Record<string, unknown> = { flags: formatTcpFlags(t.flags | (t.ack !== undefined ? F.ACK : 0)), seq: seqNum(t.seq) };
  if (t.ack !== undefined) o["ack"] = seqNum(t.ack);
  if (t.window !== undefined) o["window"] = t.window;
  if (t.options !== undefined) o["options"] = t.options.map(stripChecksum);
  o["payload"] = toHex(bytesOf(t.payload));
  return o;
}

/** Polls `host` at `t` and expects exactly the segments `want` (fields they name), in order. */
export function recv(host: Host, t: number, want: readonly SegTemplate[]): Segment[] {
  const got = pollSegments(host, t);
  expect(got.map((s, i) => project(s, want[i] ?? s.tcp as unknown as SegTemplate)), `segments at t=${t}`).to.deep.equal(want.map(expected));
  return got;
}

/** Polls `host` at `t` and expects no segment. */
export function recvNothing(host: Host, t: number): void {
  const got = pollSegments(host, t);
  expect(got.map((s) => `${formatTcpFlags(s.tcp.flags)} ${s.tcp.seq}:${s.payload.length} ack ${s.tcp.ack}`), `segments at t=${t}`).to.deep.equal([]);
}

/** Sequence number arithmetic for templates. */
export function plus(a: number, n: number): SeqNum {
  return seqNum(a + n);
}

/** `n` bytes of a recognisable pattern. */
export function pattern(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + 11) & 0xff;
  return b;
}
