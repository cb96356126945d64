/**
 * Capture files from disk: picks the reader by magic number. Classic pcap (µs and ns) streams
 * through our own record walker in src/wire/pcap in 4 MiB pieces; pcapng is read whole. (The
 * `pcap-parser` package was dropped: on the 105 MB bench capture it read 2.2x slower than the
 * pieces and 4.5x slower than the whole-file reader, scripts/bench/decode.ts.) Every item, packet or error, goes to one callback, in file order;
 * nothing here throws on a malformed file.
 */
import * as fs from "node:fs";
import { setImmediate } from "node:timers/promises";
import { MptcpdrillError } from "../errors.ts";
import type { CaptureItem } from "../wire/pcap/captured-packet.ts";
import { detectCaptureFormat, readCapture, type CaptureFormat } from "../wire/pcap/capture-format.ts";
import {
  PCAP_FILE_HEADER_LEN, parsePcapFileHeader, readPcapRecords, type PcapWalk,
} from "../wire/pcap/pcap-reader.ts";

/** What a read found besides the items. */
export interface CaptureSummary {
  readonly format: CaptureFormat;
  readonly packets: number;
  readonly errors: number;
}

/** Which reader to use for classic pcap: our own streaming walker (default) or our in-memory reader over the whole file. */
export type ClassicReader = "own" | "own-whole";

/** How a caller uses the items it is handed. */
export interface ReadOptions {
  /**
   * The callback keeps no `packet.data` view (nor a view into it) after it returns, so the
   * classic pcap reader may read every piece into the same buffer instead of a fresh one.
   */
  readonly transient?: boolean;
}

/** Bytes per read of a classic pcap file. */
const PIECE_BYTES = 4 * 1024 * 1024;

function readHead(path: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, "r");
    const head = new Uint8Array(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    return head.subarray(0, n);
  } catch (e) {
    throw new MptcpdrillError("MPD_ERR_FILE", `cannot read '${path}': ${(e as Error).message}`, { cause: e });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Reads the capture file at `path` and calls `onItem` for every packet and error, in order.
 * Throws `MPD_ERR_FILE` only when the file cannot be opened.
 */
export async function readCaptureFile(
  path: string, onItem: (item: CaptureItem) => void, classic: ClassicReader = "own", options: ReadOptions = {},
): Promise<CaptureSummary> {
  const format = detectCaptureFormat(readHead(path));
  let packets = 0;
  let errors = 0;
  const count = (item: CaptureItem): void => {
    if (item.kind === "packet") packets++;
    else errors++;
    onItem(item);
  };
  if ((format === "pcap" || format === "pcap-ns") && classic === "own") await streamPcap(path, count, options.transient === true);
  else for (const item of readCapture(await readWhole(path))) count(item);
  return { format, packets, errors };
}

async function readWhole(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.promises.readFile(path));
  } catch (e) {
    throw new MptcpdrillError("MPD_ERR_FILE", `cannot read '${path}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Streams a classic pcap (µs or ns) through {@link readPcapRecords}, piece by piece. Reads are
 * synchronous (from the page cache a 4 MiB read is a copy, cheaper than a thread-pool round
 * trip); the event loop gets a turn after each piece. With `reuse`, pieces go into one buffer
 * (no zero-fill and no fresh pages per piece); without, each piece has its own, since items
 * point into it.
 */
async function streamPcap(path: string, onItem: (item: CaptureItem) => void, reuse: boolean): Promise<void> {
  const fd = openFile(path);
  try {
    let buffer = new Uint8Array(0);
    let carry: Uint8Array = buffer;
    let base = 0;
    let walk: PcapWalk | undefined;
    for (;;) {
      // The carried-over tail of the last piece goes in front of the new bytes.
      const need = carry.length + PIECE_BYTES;
      if (reuse && buffer.length >= need) buffer.copyWithin(0, carry.byteOffset - buffer.byteOffset, carry.byteOffset - buffer.byteOffset + carry.length);
      else {
        const fresh = new Uint8Array(reuse ? Math.max(need, 2 * PIECE_BYTES) : need);
        fresh.set(carry);
        buffer = fresh;
      }
      const got = fs.readSync(fd, buffer, carry.length, PIECE_BYTES, null);
      const final = got === 0;
      const piece = buffer.subarray(0, carry.length + got);
      let at = 0;
      if (walk === undefined) {
        if (piece.length < PCAP_FILE_HEADER_LEN && !final) {
          carry = piece;
          continue;
        }
        const header = parsePcapFileHeader(piece);
        if (!header.ok) return onItem({ kind: "error", error: header.error });
        walk = { header: header.value, number: 1, stopped: false };
        at = PCAP_FILE_HEADER_LEN;
      }
      at += readPcapRecords(piece.subarray(at), base + at, walk, final, onItem);
      if (final || walk.stopped) return;
      carry = piece.subarray(at);
      base += at;
      // Let the event loop run between pieces: a closed stdout (`decode | head`) or a signal
      // is handled within one piece instead of after the whole file.
      await setImmediate();
    }
  } finally {
    fs.closeSync(fd);
  }
}

function openFile(path: string): number {
  try {
    return fs.openSync(path, "r");
  } catch (e) {
    throw new MptcpdrillError("MPD_ERR_FILE", `cannot read '${path}': ${(e as Error).message}`, { cause: e });
  }
}
