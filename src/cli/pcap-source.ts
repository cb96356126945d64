/**
 * Capture files from disk: picks the reader by magic number. Classic microsecond pcap streams
 * through the `pcap-parser` package; pcapng and nanosecond pcap (which pcap-parser rejects) go
 * through our own readers in src/wire/pcap. Every item, packet or error, goes to one callback,
 * in file order; nothing here throws on a malformed file.
 */
import * as fs from "node:fs";
import pcapParser from "pcap-parser";
import { MptcpdrillError } from "../errors.ts";
import type { CaptureItem } from "../wire/pcap/captured-packet.ts";
import { detectCaptureFormat, readCapture, type CaptureFormat } from "../wire/pcap/capture-format.ts";
import { PCAP_FILE_HEADER_LEN, PCAP_RECORD_HEADER_LEN } from "../wire/pcap/pcap-reader.ts";

/** What a read found besides the items. */
export interface CaptureSummary {
  readonly format: CaptureFormat;
  readonly packets: number;
  readonly errors: number;
}

/** Which reader to use for classic µs pcap: the `pcap-parser` stream (default) or our own in-memory reader. */
export type ClassicReader = "pcap-parser" | "own";

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
export async function readCaptureFile(path: string, onItem: (item: CaptureItem) => void, classic: ClassicReader = "pcap-parser"): Promise<CaptureSummary> {
  const format = detectCaptureFormat(readHead(path));
  let packets = 0;
  let errors = 0;
  const count = (item: CaptureItem): void => {
    if (item.kind === "packet") packets++;
    else errors++;
    onItem(item);
  };
  if (format === "pcap" && classic === "pcap-parser") await streamClassic(path, count);
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

/** Streams a classic µs pcap through pcap-parser; a cut last record becomes a `pcap-truncated-record` item. */
function streamClassic(path: string, onItem: (item: CaptureItem) => void): Promise<void> {
  const size = fs.statSync(path).size;
  return new Promise((resolve) => {
    const parser = pcapParser.parse(fs.createReadStream(path, { highWaterMark: 1 << 20 }));
    let linkType = 0;
    let offset = PCAP_FILE_HEADER_LEN;
    let number = 0;
    let failed = false;
    parser.on("globalHeader", (h) => void (linkType = h.linkLayerType & 0xffff));
    parser.on("packet", ({ header, data }) => {
      number++;
      const dataOffset = offset + PCAP_RECORD_HEADER_LEN;
      onItem({
        kind: "packet",
        packet: {
          number, fileOffset: offset, dataOffset, linkType, interfaceId: 0, tsSec: header.timestampSeconds,
          tsNsec: header.timestampMicroseconds * 1000, hasTimestamp: true, originalLength: header.originalLength,
          data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        },
      });
      offset = dataOffset + data.byteLength;
    });
    parser.on("error", (e) => {
      failed = true;
      onItem({ kind: "error", error: { code: "pcap-bad-magic", offset: 0, detail: e.message } });
    });
    parser.on("end", () => {
      if (!failed && offset < size) {
        onItem({ kind: "error", error: { code: "pcap-truncated-record", offset, detail: `packet ${number + 1}: record cut after ${size - offset} bytes` } });
      }
      resolve();
    });
  });
}
