/**
 * A {@link ReportSink} writing to a file through an injected `fs` (the CLI's `io.fs`): opened at
 * creation (truncating), written with synchronous `writeSync` so text is in the kernel before
 * `write` returns, and fsynced on `flush`. A run killed with SIGKILL keeps every line written.
 */
import type { ReportSink } from "./reporter.ts";

/** The part of `node:fs` a file sink needs. */
export interface FileSinkFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, text: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

/** Opens `path` for writing (truncating it) and returns a sink; throws the fs error when it cannot. */
export function openFileSink(fs: FileSinkFs, path: string): ReportSink {
  const fd = fs.openSync(path, "w");
  let open = true;
  return {
    isTTY: false,
    write(text: string): void {
      if (open) fs.writeSync(fd, text);
    },
    flush(): void {
      if (open) fs.fsyncSync(fd);
    },
    close(): void {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}
