/**
 * A {@link ReportSink} writing to a file through an injected `fs` (the CLI's `io.fs`): opened at
 * creation (truncating), written with synchronous `writeSync` so text is in the kernel before
 * `write` returns, and fsynced on `flush`. A run killed with SIGKILL keeps every line written.
 * Documents that cannot be streamed use `replace`: written to a temporary file beside the target
 * and renamed over it, so the target always holds a complete document.
 */
import type { ReportSink } from "./reporter.ts";

/** The part of `node:fs` a file sink needs. */
export interface FileSinkFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, text: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
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
    replace(text: string): void {
      if (!open) return;
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        const t = fs.openSync(tmp, "w");
        try {
          fs.writeSync(t, text);
          fs.fsyncSync(t);
        } finally {
          fs.closeSync(t);
        }
        fs.renameSync(tmp, path);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
      }
    },
  };
}
