/**
 * Minimal types for the untyped `cap` npm package (0.2.x, a libpcap binding): open a device with
 * a BPF filter, receive frames as 'packet' events into one reused Buffer, send raw frames.
 */
declare module "cap" {
  import type { EventEmitter } from "node:events";

  /** One libpcap handle. `open` returns the link-type name ("ETHERNET", "RAW", …). */
  export class Cap extends EventEmitter {
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    close(): void;
    send(buffer: Buffer, nBytes?: number): void;
    on(event: "packet", listener: (nbytes: number, truncated: boolean) => void): this;
    static findDevice(ip?: string): string | undefined;
    static deviceList(): Array<{ name: string; addresses: Array<{ addr: string }> }>;
  }
  const cap: { Cap: typeof Cap };
  export default cap;
}
