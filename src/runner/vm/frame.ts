/**
 * Message framing for the host protocol over a byte stream (a virtio-serial port between a run
 * and the script host inside a VM): each message is V8's structured serialization (the same
 * encoding Node's "advanced" IPC uses, so an AST's bigints survive) behind a 4-byte big-endian
 * length. A stream that breaks the framing is reported, never thrown.
 */
import { deserialize, serialize } from "node:v8";

/** Largest frame accepted (a script's AST is far smaller; a larger length means a broken stream). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** One framed message: the length prefix, then the serialized value. */
export function encodeFrame(msg: unknown): Buffer {
  const body = serialize(msg);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Turns a byte stream back into messages, chunk by chunk. */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);
  #broken: string | null = null;

  /** Why the stream can no longer be decoded, or null. */
  get broken(): string | null {
    return this.#broken;
  }

  /** Feeds a chunk; returns the messages it completes (none once broken). */
  push(chunk: Uint8Array): unknown[] {
    if (this.#broken !== null) return [];
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const out: unknown[] = [];
    while (this.#pending.length >= 4) {
      const len = this.#pending.readUInt32BE(0);
      if (len > MAX_FRAME_BYTES) {
        this.#broken = `frame of ${len} bytes exceeds the limit of ${MAX_FRAME_BYTES}`;
        return out;
      }
      if (this.#pending.length < 4 + len) break;
      const body = this.#pending.subarray(4, 4 + len);
      this.#pending = this.#pending.subarray(4 + len);
      try {
        out.push(deserialize(body));
      } catch (e) {
        this.#broken = `undecodable frame: ${e instanceof Error ? e.message : String(e)}`;
        return out;
      }
    }
    return out;
  }
}
